/**
 * Risk acceptances as the window shows and asks for them: the expiry day's bounds (days are UTC,
 * as the core reads them: an acceptance lapses at the start of its expiry day), the checks the
 * accept form makes before calling the core (which checks them again), the request it sends, and
 * how a scope is named. Plain functions, so they are tested without a component.
 */
import type { Acceptance, IpcError, NewAcceptance, Scope } from '../backend';
import { addDays } from '../format';

/** An active acceptance with this many days left or fewer is "expiring soon" (the core's `EXPIRY_WARNING_DAYS`). */
export const EXPIRY_WARNING_DAYS = 14;

/** The expiry the accept form proposes, in days from today. */
export const DEFAULT_ACCEPTANCE_DAYS = 90;

/** The longest acceptance the core allows when the settings cannot be read (its default). */
export const FALLBACK_MAX_ACCEPTANCE_DAYS = 365;

const DAY_MS = 24 * 3600 * 1000;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The UTC calendar day of a moment, as `YYYY-MM-DD`. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * The moment an acceptance expiring on `day` lapses: the start of that day, 00:00 UTC, in ms
 * since the epoch (as the CLI's `--expires DATE`). NaN for a malformed or impossible day.
 */
export function expiryInstant(day: string): number {
  const m = DAY.exec(day);
  if (!m) return NaN;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  // Date.UTC rolls 2026-02-31 over into March; such a day does not exist.
  return utcDay(ms) === day ? ms : NaN;
}

/** The expiry days the form allows: the first whose start is still ahead, the last within `maxDays` of now. */
export type ExpiryBounds = { min: string; max: string; proposed: string; maxDays: number };

export function expiryBounds(maxDays: number, now: number = Date.now()): ExpiryBounds {
  const min = addDays(utcDay(now), 1);
  // The latest day whose start is no more than maxDays after now.
  const max = utcDay(now + maxDays * DAY_MS);
  const wanted = addDays(utcDay(now), DEFAULT_ACCEPTANCE_DAYS);
  const proposed = wanted > max ? max : wanted;
  return { min, max, proposed, maxDays };
}

/** Account ids typed into one field, separated by commas, semicolons or white space; repeats dropped. */
export function parseAccounts(text: string): string[] {
  const out: string[] = [];
  for (const part of text.split(/[\s,;]+/)) {
    if (part !== '' && !out.includes(part)) out.push(part);
  }
  return out;
}

export type AcceptanceInput = {
  reason: string;
  owner: string;
  approver: string;
  /** The expiry day, `YYYY-MM-DD` (UTC). */
  expires: string;
  /** Account ids as typed (control scope only). */
  accounts: string;
};

export type AcceptanceField = keyof AcceptanceInput;
export type AcceptanceErrors = Partial<Record<AcceptanceField, string>>;

/** The fields in the order the form shows them (the first with an error gets the focus). */
export const ACCEPTANCE_FIELDS: readonly AcceptanceField[] = ['reason', 'owner', 'approver', 'expires', 'accounts'];

/** What is wrong with the form, by field (empty when it can be sent). */
export function validateAcceptance(input: AcceptanceInput, bounds: ExpiryBounds): AcceptanceErrors {
  const errors: AcceptanceErrors = {};
  if (input.reason.trim() === '') errors.reason = 'Say why the risk is accepted (and what mitigates it).';
  if (input.owner.trim() === '') errors.owner = 'Name who owns the risk and its eventual fix.';
  if (input.approver.trim() === '') errors.approver = 'Name who approved the acceptance.';
  if (input.expires === '') {
    errors.expires = 'Choose when the acceptance expires.';
  } else if (Number.isNaN(expiryInstant(input.expires))) {
    errors.expires = 'Enter the expiry as a day (2026-12-17 or 17 Dec 2026), or pick one.';
  } else if (input.expires < bounds.min) {
    errors.expires = 'The expiry date must be in the future.';
  } else if (input.expires > bounds.max) {
    errors.expires = `An acceptance can run at most ${bounds.maxDays} days: choose ${bounds.max} or earlier.`;
  }
  const bad = parseAccounts(input.accounts).filter((a) => !/^\d{12}$/.test(a));
  if (bad.length > 0) {
    errors.accounts = `${bad.map((a) => `"${a}"`).join(', ')} ${bad.length === 1 ? 'is not' : 'are not'} a 12-digit AWS account id.`;
  }
  return errors;
}

/** The request for the core. Accounts are sent for a control only; the texts are trimmed. */
export function toNewAcceptance(scope: Scope, input: AcceptanceInput): NewAcceptance {
  return {
    scope,
    accounts: scope.scope === 'control' ? parseAccounts(input.accounts) : [],
    resources: [],
    reason: input.reason.trim(),
    owner: input.owner.trim(),
    approver: input.approver.trim(),
    expires_at: expiryInstant(input.expires),
  };
}

/**
 * The form field a refusal from the core is about: the `field` of a `bad_request` when the form
 * has that field (`reason`, `expires`, …). Null for any other (`requirement`, `resources`, a
 * `not_found`).
 */
export function refusedField(error: IpcError): AcceptanceField | null {
  const { code, field } = error;
  return code === 'bad_request' && field !== undefined && (ACCEPTANCE_FIELDS as readonly string[]).includes(field)
    ? (field as AcceptanceField)
    : null;
}

const KIND_NAMES: Record<Scope['scope'], string> = {
  finding: 'Finding',
  control: 'Control',
  requirement: 'Requirement',
};

/** "Finding", "Control", "Requirement". */
export function scopeKindName(scope: Scope): string {
  return KIND_NAMES[scope.scope] ?? scope.scope;
}

/** A requirement target (`framework:requirement`) split in two; null for anything else. */
export function requirementTarget(scope: Scope): { framework: string; requirement: string } | null {
  if (scope.scope !== 'requirement') return null;
  const at = scope.target.indexOf(':');
  if (at <= 0) return null;
  return { framework: scope.target.slice(0, at), requirement: scope.target.slice(at + 1) };
}

/** What an acceptance of this scope covers, in a sentence for the form. */
export function scopeExplanation(scope: Scope): string {
  switch (scope.scope) {
    case 'finding':
      return 'This finding stops failing its requirements until the acceptance expires or is revoked.';
    case 'control':
      return 'Every failing finding of this control (in the accounts you name, or in all of them) stops failing its requirements until the acceptance expires or is revoked.';
    case 'requirement':
      return 'Every failing finding mapped to this requirement stops failing it until the acceptance expires or is revoked. Other requirements still count them.';
  }
}

/** The filters of the Exceptions view, and what each keeps. */
export const EXCEPTION_FILTERS = [
  { key: 'active', label: 'Active', keep: (a: Acceptance) => a.status === 'active' },
  { key: 'expiring', label: `Expiring in ${EXPIRY_WARNING_DAYS} days`, keep: (a: Acceptance) => a.expiring_soon },
  { key: 'all', label: 'All', keep: () => true },
] as const;

/** "3 days left", "1 day left", "less than a day left". */
export function daysLeftText(days: number): string {
  if (days <= 0) return 'less than a day left';
  return `${days} ${days === 1 ? 'day' : 'days'} left`;
}
