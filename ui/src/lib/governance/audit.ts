/**
 * What an audit entry is about, in words, for the audit log: the record's own details read for
 * what a person looks for (a risk acceptance's scope and target, an attestation's requirement, an
 * owner's assignment, a setting's name), and for a revocation, what the revoked acceptance
 * covered (from the entry that created it). Pure functions; the text is shown through `shown`.
 */
import type { AuditEntry } from '../backend';

type Details = Record<string, unknown>;

function parse(details: string): Details | null {
  try {
    const v: unknown = JSON.parse(details);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Details) : null;
  } catch {
    return null;
  }
}

function str(d: Details | null, key: string): string | null {
  const v = d?.[key];
  return typeof v === 'string' && v !== '' ? v : null;
}

const SCOPE_WORDS: Record<string, string> = {
  finding: 'finding',
  control: 'control',
  requirement: 'requirement',
  account: 'account',
  unit: 'organizational unit',
};

/** "control S3.8", "requirement hipaa:164.312(b) in accounts 1111…": what an acceptance or assignment targets. */
function target(d: Details | null): string | null {
  const scope = str(d, 'scope');
  const what = str(d, 'target');
  if (!scope || !what) return null;
  const accounts = Array.isArray(d?.accounts) ? (d.accounts as unknown[]).filter((a) => typeof a === 'string') : [];
  const where = accounts.length > 0 ? ` in account${accounts.length === 1 ? '' : 's'} ${accounts.join(', ')}` : '';
  return `${SCOPE_WORDS[scope] ?? scope} ${what}${where}`;
}

/** The created acceptances' details, by subject (`acceptance:N`), from a log. */
export function acceptanceTargets(entries: AuditEntry[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of entries) {
    if (e.action !== 'acceptance.create') continue;
    const t = target(parse(e.details));
    if (t) out.set(e.subject, t);
  }
  return out;
}

/** What `entry` is about, in words; null when its record says nothing more than its subject. */
export function auditWhat(entry: AuditEntry, acceptances: Map<string, string>): string | null {
  const d = parse(entry.details);
  switch (entry.action) {
    case 'acceptance.create': {
      const t = target(d);
      const owner = str(d, 'owner');
      return t ? `${t}${owner ? `, owned by ${owner}` : ''}` : null;
    }
    case 'acceptance.revoke': {
      const covered = acceptances.get(entry.subject);
      const reason = str(d, 'reason');
      return `${covered ? `the acceptance of ${covered}` : 'an acceptance'}${reason ? `: ${reason}` : ''}`;
    }
    case 'attestation.create': {
      const fw = str(d, 'framework');
      const req = str(d, 'requirement');
      return fw && req ? `${req} (${fw})` : null;
    }
    case 'owner.assign': {
      const t = target(d);
      const owner = d?.owner;
      if (!t) return null;
      return typeof owner === 'string' && owner !== '' ? `${t} → ${owner}` : `${t}: owner cleared`;
    }
    default: {
      const named = str(d, 'key') ?? str(d, 'name') ?? str(d, 'file');
      return named;
    }
  }
}
