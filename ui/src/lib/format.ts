/**
 * Display formatting and friendly names shared by the views: numbers, percentages, times,
 * severities, sources and import shapes, and untrusted text made safe to show (`shown`,
 * `shownLines`). Pure functions; the user's locale decides separators.
 */
import type { Severity } from './backend';

/**
 * The locale numbers and dates are written in: the user's, except the POSIX ("C") locale a
 * desktop without a language setting reports, whose numbers have no thousands separators
 * ("100000"); English (US) stands in for it.
 */
export const LOCALE: string = pickLocale(new Intl.NumberFormat().resolvedOptions().locale);

/** `resolved` (what the system gives), or en-US in place of the POSIX/C or undetermined locale. */
export function pickLocale(resolved: string): string {
  return /posix|^c$|^c[-_.]|^und\b/i.test(resolved) ? 'en-US' : resolved;
}

const integer = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 });

/** A count with the locale's thousands separators ("12,345"). */
export function formatCount(value: number): string {
  return integer.format(value);
}

/** `part` as a share of `whole` ("42%", "<1%"), or an em dash when there is no whole. */
export function formatShare(part: number, whole: number): string {
  if (whole <= 0) return '—';
  const pct = (part / whole) * 100;
  if (part > 0 && pct < 1) return '<1%';
  if (part < whole && pct > 99) return '>99%';
  return `${Math.round(pct)}%`;
}

/** `part / whole` as a CSS percentage between 0 and 100, for bar widths. */
export function barPercent(part: number, whole: number): number {
  if (whole <= 0 || part <= 0) return 0;
  return Math.min(100, (part / whole) * 100);
}

const dateTime = new Intl.DateTimeFormat(LOCALE, { dateStyle: 'medium', timeStyle: 'short' });

/** An RFC 3339 timestamp in the user's local time zone and format; the raw text if it cannot be parsed. */
export function formatDateTime(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : dateTime.format(ms);
}

const relative = new Intl.RelativeTimeFormat(LOCALE, { numeric: 'auto' });
const UNITS: ReadonlyArray<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

/** "3 hours ago", "yesterday", "just now"; empty when the timestamp cannot be parsed. */
export function formatRelative(iso: string, now: number = Date.now()): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return '';
  const seconds = Math.round((ms - now) / 1000);
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return relative.format(Math.round(seconds / size), unit);
  }
  return 'just now';
}

/** How long an import took, from its start and finish timestamps ("0.4 s", "2 min 5 s"). */
export function formatDuration(startIso: string, endIso: string): string {
  const ms = Date.parse(endIso) - Date.parse(startIso);
  if (Number.isNaN(ms) || ms < 0) return '—';
  if (ms < 1000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  return rest === 0 ? `${minutes} min` : `${minutes} min ${rest} s`;
}

/** Most severe first: the order every severity list in the UI uses. */
export const SEVERITIES: readonly Severity[] = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL'];

const SEVERITY_LABELS: Record<Severity, string> = {
  CRITICAL: 'Critical',
  HIGH: 'High',
  MEDIUM: 'Medium',
  LOW: 'Low',
  INFORMATIONAL: 'Informational',
};

export function severityLabel(severity: Severity): string {
  return SEVERITY_LABELS[severity];
}

/** The product name for a source id (kept with the list of sources); an unknown id is shown as it is. */
export { sourceName } from './sources';

const SHAPE_NAMES: Record<string, string> = {
  'securityhub-findings': 'Security Hub findings export',
  'eventbridge-event': 'EventBridge Security Hub event',
  'inspector2-findings': 'Inspector findings export',
  'config-evaluations': 'AWS Config compliance export',
  'inspector2-coverage': 'Inspector coverage export',
  'ocsf-findings': 'OCSF findings (Security Hub, scanners)',
  demo: 'Bundled demo data',
};

/** What kind of file an import read; an unknown shape is shown as it is. */
export function shapeName(shape: string): string {
  return SHAPE_NAMES[shape] ?? shape;
}

/** A score (0–1) as a whole percentage ("41%", "<1%", ">99%"), or an em dash when there is none. */
export function formatScore(score: number | null): string {
  if (score === null || Number.isNaN(score)) return '—';
  const pct = score * 100;
  if (pct > 0 && pct < 1) return '<1%';
  if (pct < 100 && pct > 99) return '>99%';
  return `${Math.round(pct)}%`;
}

const dateOnly = new Intl.DateTimeFormat(LOCALE, { dateStyle: 'medium' });

/** The date part of an RFC 3339 timestamp, in the user's format; the raw text if it cannot be parsed. */
export function formatDate(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : dateOnly.format(ms);
}

const DAY_MS = 24 * 3600 * 1000;

/** `day` (`YYYY-MM-DD`) moved by `n` days, calendar days in UTC. */
export function addDays(day: string, n: number): string {
  const ms = Date.parse(`${day}T00:00:00Z`);
  if (Number.isNaN(ms)) return day;
  return new Date(ms + n * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (both `YYYY-MM-DD`); negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

const shortDay = new Intl.DateTimeFormat(LOCALE, { month: 'short', day: 'numeric', timeZone: 'UTC' });

/** A `YYYY-MM-DD` day as a short label ("Nov 29"), read as a UTC calendar day. */
export function formatDay(day: string): string {
  const ms = Date.parse(`${day}T00:00:00Z`);
  return Number.isNaN(ms) ? day : shortDay.format(ms);
}

const utcDate = new Intl.DateTimeFormat(LOCALE, { dateStyle: 'medium', timeZone: 'UTC' });

/**
 * The UTC calendar day of a timestamp or of a `YYYY-MM-DD` day, in the user's format ("Jan 10,
 * 2027"): for days the core reads in UTC, such as an acceptance's expiry, which lapses at 00:00
 * UTC. The raw text if it cannot be parsed.
 */
export function formatUtcDate(isoOrDay: string): string {
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(isoOrDay) ? `${isoOrDay}T00:00:00Z` : isoOrDay);
  return Number.isNaN(ms) ? isoOrDay : utcDate.format(ms);
}

/** A number of days ("1 day", "57 days"); fractional values are rounded. */
export function formatDays(days: number): string {
  const n = Math.round(days);
  return `${formatCount(n)} ${n === 1 ? 'day' : 'days'}`;
}

/** Today in the user's time zone as `YYYY-MM-DD` (the value of a date input). */
export function today(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** How a status looks: its words, the tone (colour family) and the icon drawn beside them. */
export type StatusLook = {
  label: string;
  tone: 'danger' | 'success' | 'warning' | 'neutral' | 'accepted' | 'info';
  icon: 'cross' | 'check' | 'dash' | 'seal' | 'clock' | 'pen' | 'flag' | 'ban' | 'spin';
};

const STATUS_LOOKS: Record<string, StatusLook> = {
  failing: { label: 'Failing', tone: 'danger', icon: 'cross' },
  failed: { label: 'Failed', tone: 'danger', icon: 'cross' },
  passing: { label: 'Passing', tone: 'success', icon: 'check' },
  passed: { label: 'Passed', tone: 'success', icon: 'check' },
  no_data: { label: 'No data', tone: 'neutral', icon: 'dash' },
  warning: { label: 'Warning', tone: 'warning', icon: 'clock' },
  not_available: { label: 'Not available', tone: 'neutral', icon: 'dash' },
  attested: { label: 'Attested', tone: 'success', icon: 'seal' },
  expired: { label: 'Expired', tone: 'warning', icon: 'clock' },
  not_attested: { label: 'Not attested', tone: 'warning', icon: 'pen' },
  // A control (or finding) whose only failures a risk acceptance covers.
  accepted: { label: 'Accepted', tone: 'accepted', icon: 'flag' },
  // A risk acceptance's own status ("expired" is shared with attestations).
  active: { label: 'Active', tone: 'accepted', icon: 'flag' },
  revoked: { label: 'Revoked', tone: 'neutral', icon: 'ban' },
  pending: { label: 'Pending', tone: 'neutral', icon: 'clock' },
  // A sync target while a run goes (waiting to done; "failed" is shared with controls)…
  waiting: { label: 'Waiting', tone: 'neutral', icon: 'clock' },
  running: { label: 'Running', tone: 'info', icon: 'spin' },
  done: { label: 'Done', tone: 'success', icon: 'check' },
  skipped: { label: 'Skipped', tone: 'neutral', icon: 'dash' },
  cancelled: { label: 'Cancelled', tone: 'warning', icon: 'ban' },
  // …and as the status table keeps it, with "syncing" for one the running sync is working on.
  ok: { label: 'Synced', tone: 'success', icon: 'check' },
  interrupted: { label: 'Did not finish', tone: 'warning', icon: 'clock' },
  never: { label: 'Never synced', tone: 'neutral', icon: 'dash' },
  syncing: { label: 'Syncing now', tone: 'info', icon: 'spin' },
};

/**
 * The look of a requirement status (failing, attested…), a control status (failed, accepted,
 * passed, no_data), a risk acceptance's status (active, expired, revoked, pending) or a sync
 * target's state (waiting, running, done, failed, skipped, cancelled; ok, interrupted, never,
 * syncing).
 */
export function statusLook(status: string): StatusLook {
  return STATUS_LOOKS[status] ?? { label: status, tone: 'neutral', icon: 'dash' };
}

/** A severity label as text ("High"); an unknown one is shown as it is. */
export function severityName(severity: string): string {
  return (SEVERITIES as readonly string[]).includes(severity) ? severityLabel(severity as Severity) : severity;
}

/**
 * Hosts a link may open in the browser, each with its subdomains: AWS documentation and consoles
 * (all partitions) and NIST's NVD (the CVE links the panel builds). Keep in step with
 * `ALLOWED_HOSTS` in `src-tauri/src/external.rs`, which refuses anything else when the link is
 * followed.
 */
export const EXTERNAL_HOSTS = ['aws.amazon.com', 'console.amazonaws.cn', 'docs.amazonaws.cn', 'console.amazonaws-us-gov.com', 'nvd.nist.gov'];

/**
 * `url` as a link the app may open, with the host to show beside it, or null. A finding's URL
 * comes from whoever sent the finding and catalog files can be the user's own, so only `https`
 * links to {@link EXTERNAL_HOSTS}, naming no user, password or port, become links
 * (`https://console.aws.amazon.com@evil.example/` is evil.example's); anything else is shown as text.
 */
export function externalLink(url: string | null): { href: string; host: string } | null {
  if (!url) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'https:' || parsed.username !== '' || parsed.password !== '' || parsed.port !== '') return null;
  const host = parsed.hostname.toLowerCase().replace(/\.$/, '');
  const allowed = EXTERNAL_HOSTS.some((a) => host === a || host.endsWith(`.${a}`));
  return allowed ? { href: parsed.href, host } : null;
}

/** `url` if {@link externalLink} makes a link of it, else null. */
export function externalUrl(url: string | null): string | null {
  return externalLink(url)?.href ?? null;
}

/**
 * Splits catalog text on `backticks` into plain and code runs, so a command inside a sentence
 * can be shown as code while every run is still rendered as text. An unpaired backtick stays text.
 */
export function codeRuns(text: string): Array<{ code: boolean; text: string }> {
  const parts = text.split('`');
  if (parts.length % 2 === 0) return [{ code: false, text }];
  return parts.map((part, i) => ({ code: i % 2 === 1, text: part })).filter((run) => run.text !== '');
}

const EVIDENCE_KINDS: Record<string, string> = {
  control: 'Security Hub control',
  config_rule: 'AWS Config rule',
  inspector_type: 'Inspector finding type',
  type_prefix: 'Finding type prefix',
  product: 'Product',
  // A control the catalog does not know, matched through a NIST SP 800-53 id (the value).
  reference: 'NIST reference',
  // A scanner's check without a control, matched by a requirement the scanner declares (the value).
  declared: 'Declared by the scanner',
};

/**
 * What an evidence rule matches on, in words (`reference`: "NIST reference"); an unknown kind is
 * shown as it is.
 */
export function evidenceKindName(kind: string): string {
  return EVIDENCE_KINDS[kind] ?? kind;
}

/**
 * An identifier (an ARN, a path) cut after each `:` and `/`, where a line may break. Joined
 * with `<wbr>`, long resource ids wrap at their separators rather than mid-word.
 */
export function wrapPoints(id: string): string[] {
  return id.split(/(?<=[:/])/);
}

/**
 * What "mapped by reference" means, for every place that shows it (the chip's tooltip, the
 * counts' explanation): the finding's control is not in Rampart's catalog, and it reaches
 * requirements through the NIST SP 800-53 controls AWS relates the control to.
 */
export const BY_REFERENCE_HELP =
  'Controls AWS added after this catalog: mapped through the NIST SP 800-53 controls AWS relates them to.';

// Control characters (C0, DEL, C1), bidi controls (embeddings, overrides, isolates, marks) and
// zero-width characters (zero-width space, joiners, word joiner, BOM): what `shown` changes.
const UNSAFE = /[\u0000-\u001F\u007F-\u009F\u061C\u200B-\u200F\u202A-\u202E\u2060\u2066-\u2069\uFEFF]/g;

function reveal(c: string, multiline: boolean): string {
  if (multiline && (c === '\n' || c === '\t')) return c;
  const code = c.codePointAt(0) ?? 0;
  if (code <= 0x1f || (code >= 0x7f && code <= 0x9f)) return ' ';
  return `<U+${code.toString(16).toUpperCase().padStart(4, '0')}>`;
}

/**
 * Untrusted text (from AWS or from a file) made safe to display on one line, as the core's
 * `rampart_core::text::display` does for the CLI, CSV and PDF: every control character (C0,
 * DEL, C1; newline and tab too) becomes a space, and each bidi control (U+202A–U+202E,
 * U+2066–U+2069, U+200E, U+200F, U+061C) or zero-width character (U+200B–U+200D, U+2060,
 * U+FEFF) is shown as its code point (`<U+202E>`), so that `U+202E` + text cannot display
 * reversed and an id cannot pass for another. For what is displayed only: never for an id used
 * as a key, a route, an IPC argument or what Copy puts on the clipboard.
 */
export function shown(text: string): string {
  return text.replace(UNSAFE, (c) => reveal(c, false));
}

/**
 * How many characters of one untrusted string a list, table or heading shows. AWS's own fields
 * are shorter (an ASFF title is at most 256 characters, and imports refuse longer ones), but a
 * workspace written before that limit may hold a megabyte-long title, which would freeze the
 * window each time its row is drawn.
 */
export const DISPLAY_LIMIT = 300;

/**
 * {@link shown}, cut to `limit` characters (code points) with an ellipsis when longer: for rows,
 * cells and headings. The whole text stays in the finding's JSON in its panel.
 */
export function clipped(text: string, limit: number = DISPLAY_LIMIT): string {
  if (text.length <= limit) return shown(text);
  const points = Array.from(text.slice(0, limit * 2)).slice(0, limit);
  return `${shown(points.join(''))}…`;
}

/** As `shown`, keeping newlines and tabs (descriptions, JSON). */
export function shownLines(text: string): string {
  return text.replace(UNSAFE, (c) => reveal(c, true));
}

/** How deep an organizational unit sits under the root, from its path (`Root/Workloads` is 1). */
export function unitDepth(path: string): number {
  return path.split('/').length - 1;
}

/** An OU's name indented by its depth, as the OU pickers list it (shown safely). */
export function indentedUnit(name: string, path: string): string {
  return `${'\u00a0\u00a0'.repeat(unitDepth(path))}${shown(name)}`;
}
