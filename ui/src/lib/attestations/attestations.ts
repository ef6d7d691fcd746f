/**
 * The Attestations view's data, derived from the posture: every requirement that needs an
 * attestation (a manual one, or one with an attestation on record), with where it stands and
 * when it next needs the officer. Pure, so it is tested without a window.
 */
import type { Attestation, Posture } from '../backend';

/** Attestations expiring within this many days count as due soon. */
export const DUE_SOON_DAYS = 30;
const DAY_MS = 86_400_000;

/**
 * Where one requirement's attestation stands: `missing` (never attested), `expired`, `due`
 * (valid, but expires within {@link DUE_SOON_DAYS}) or `valid` (no expiry, or later than that).
 */
export type Standing = 'missing' | 'expired' | 'due' | 'valid';

export type AttestationRow = {
  framework: string;
  frameworkName: string;
  requirement: string;
  title: string;
  /** The requirement's status as posture reports it (attested, expired, not_attested…). */
  status: string;
  standing: Standing;
  attestation: Attestation | null;
  /** Whole days until the attestation expires (negative once expired); null without expiry. */
  daysLeft: number | null;
};

function daysUntil(iso: string, now: number): number {
  return Math.floor((Date.parse(iso) - now) / DAY_MS);
}

function standingOf(status: string, attestation: Attestation | null, daysLeft: number | null): Standing {
  if (attestation === null || status === 'not_attested') return 'missing';
  if (status === 'expired' || (daysLeft !== null && daysLeft < 0)) return 'expired';
  if (daysLeft !== null && daysLeft <= DUE_SOON_DAYS) return 'due';
  return 'valid';
}

const RANK: Record<Standing, number> = { expired: 0, missing: 1, due: 2, valid: 3 };

/**
 * Every requirement that is attested or needs to be, most urgent first: expired, never
 * attested, due soon, then valid (each by expiry, then framework and requirement).
 */
export function attestationRows(posture: Posture, now: number): AttestationRow[] {
  const rows: AttestationRow[] = [];
  for (const fw of posture.frameworks) {
    for (const r of fw.requirements) {
      const needs = r.manual || r.attestation !== null || ['attested', 'expired', 'not_attested'].includes(r.status);
      if (!needs) continue;
      const expires = r.attestation?.expires_at ?? null;
      const daysLeft = expires === null ? null : daysUntil(expires, now);
      rows.push({
        framework: fw.id,
        frameworkName: fw.name,
        requirement: r.id,
        title: r.title,
        status: r.status,
        standing: standingOf(r.status, r.attestation, daysLeft),
        attestation: r.attestation,
        daysLeft,
      });
    }
  }
  return rows.sort(
    (a, b) =>
      RANK[a.standing] - RANK[b.standing] ||
      (a.daysLeft ?? Number.MAX_SAFE_INTEGER) - (b.daysLeft ?? Number.MAX_SAFE_INTEGER) ||
      a.framework.localeCompare(b.framework) ||
      a.requirement.localeCompare(b.requirement, undefined, { numeric: true }),
  );
}

/** How many rows stand each way. */
export function standingCounts(rows: AttestationRow[]): Record<Standing, number> {
  const counts: Record<Standing, number> = { missing: 0, expired: 0, due: 0, valid: 0 };
  for (const r of rows) counts[r.standing] += 1;
  return counts;
}

/** The filters of the view: everything, or only what needs the officer now. */
export type AttestationFilter = 'action' | 'all';

export function needsAction(row: AttestationRow): boolean {
  return row.standing !== 'valid';
}

/** The expiry in words: "expires in 12 days", "expired 3 days ago", "no expiry". */
export function expiryText(row: AttestationRow): string {
  if (row.attestation === null) return 'never attested';
  if (row.daysLeft === null) return 'no expiry';
  if (row.daysLeft < 0) {
    const ago = -row.daysLeft;
    return `expired ${ago} ${ago === 1 ? 'day' : 'days'} ago`;
  }
  if (row.daysLeft === 0) return 'expires today';
  return `expires in ${row.daysLeft} ${row.daysLeft === 1 ? 'day' : 'days'}`;
}
