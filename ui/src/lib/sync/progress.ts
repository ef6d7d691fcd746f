/**
 * A sync's progress as the Sync screen shows it, built from the core's events by a pure reducer
 * (`reduce`), then settled by the run's report (`settle`): one row per source, account and Region
 * with its state, pages, findings, new and updated findings, the last retry and how it ended.
 * Also the words for error kinds, retries, durations and a run's outcome. No Svelte, no I/O.
 */
import type { SyncEvent, SyncReport, SyncTarget } from '../backend';
import { formatCount, shown, sourceName } from '../format';
import { sourceRank } from '../sources';

/** Where one target is in the run. */
export type RowState = 'waiting' | 'running' | 'done' | 'failed' | 'skipped' | 'cancelled';

/** The last retry a target went through: which attempt, how long it waits, and why. */
export type Retry = { attempt: number; waitMs: number; reason: string };

export type TargetProgress = {
  key: string;
  target: SyncTarget;
  state: RowState;
  /** True when the run asks only for what changed since the last one; null until it starts. */
  incremental: boolean | null;
  /** The target continues a run that stopped part-way. */
  resumed: boolean;
  pages: number;
  /** Findings stored for the target so far in this run. */
  findings: number;
  new: number;
  updated: number;
  /** The query the last page belonged to (`active`, `updated`, a Config rule…). */
  query: string | null;
  retry: Retry | null;
  /** How it failed (an error kind), when it failed or was cancelled. */
  errorKind: string | null;
  /** Why it failed or was skipped, in plain words from the core. */
  message: string | null;
  elapsedMs: number | null;
};

export type Finished = { succeeded: number; failed: number; cancelled: boolean; elapsedMs: number };

export type Progress = {
  rows: TargetProgress[];
  finished: Finished | null;
};

export const EMPTY_PROGRESS: Progress = { rows: [], finished: null };

/** One key per source, account and Region. */
export function targetKey(t: SyncTarget): string {
  return `${t.source}\u0000${t.account}\u0000${t.region}`;
}

/** Orders targets by source (as the form lists them), then account, then Region. */
export function compareTargets(a: SyncTarget, b: SyncTarget): number {
  return (
    sourceRank(a.source) - sourceRank(b.source) ||
    a.source.localeCompare(b.source) ||
    a.account.localeCompare(b.account) ||
    a.region.localeCompare(b.region)
  );
}

/** "Security Hub · 123456789012 · eu-west-1", to display (account and Region through `shown`). */
export function targetLabel(t: SyncTarget): string {
  return `${sourceName(t.source)} · ${shown(t.account)} · ${shown(t.region)}`;
}

function blankRow(target: SyncTarget): TargetProgress {
  return {
    key: targetKey(target),
    target: { source: target.source, account: target.account, region: target.region },
    state: 'waiting',
    incremental: null,
    resumed: false,
    pages: 0,
    findings: 0,
    new: 0,
    updated: 0,
    query: null,
    retry: null,
    errorKind: null,
    message: null,
    elapsedMs: null,
  };
}

/** `rows` with the row of `target` replaced by `change(row)` (a new waiting row appended when there is none). */
function update(rows: TargetProgress[], target: SyncTarget, change: (row: TargetProgress) => TargetProgress): TargetProgress[] {
  const key = targetKey(target);
  const at = rows.findIndex((r) => r.key === key);
  if (at === -1) return [...rows, change(blankRow(target))];
  const next = rows.slice();
  next[at] = change(rows[at]!);
  return next;
}

/** An ended target's state never goes back to running (a late event of the same target). */
function ended(state: RowState): boolean {
  return state === 'done' || state === 'failed' || state === 'skipped' || state === 'cancelled';
}

/** The progress after one event. Pure: `progress` is not changed; an unknown event leaves it as it was. */
export function reduce(progress: Progress, event: SyncEvent): Progress {
  switch (event.kind) {
    case 'planned': {
      let rows = progress.rows;
      for (const target of event.targets) {
        if (!rows.some((r) => r.key === targetKey(target))) rows = [...rows, blankRow(target)];
      }
      return { ...progress, rows };
    }
    case 'target_started':
      return {
        ...progress,
        rows: update(progress.rows, event.target, (r) => ({
          ...r,
          state: ended(r.state) ? r.state : 'running',
          incremental: event.incremental,
          resumed: event.resumed,
        })),
      };
    case 'page':
      return {
        ...progress,
        rows: update(progress.rows, event.target, (r) => ({
          ...r,
          state: ended(r.state) ? r.state : 'running',
          pages: r.pages + 1,
          findings: Math.max(r.findings, event.findings),
          new: r.new + event.new,
          updated: r.updated + event.updated,
          query: event.query,
        })),
      };
    case 'retry':
      return {
        ...progress,
        rows: update(progress.rows, event.target, (r) => ({
          ...r,
          state: ended(r.state) ? r.state : 'running',
          retry: { attempt: event.attempt, waitMs: event.wait_ms, reason: event.reason },
        })),
      };
    case 'skipped':
      return {
        ...progress,
        rows: update(progress.rows, event.target, (r) => ({ ...r, state: 'skipped', message: event.reason })),
      };
    case 'target_done':
      return {
        ...progress,
        rows: update(progress.rows, event.target, (r) => ({
          ...r,
          state: 'done',
          pages: event.pages,
          findings: event.findings,
          elapsedMs: event.elapsed_ms,
          errorKind: null,
          message: null,
        })),
      };
    case 'target_failed':
      return {
        ...progress,
        rows: update(progress.rows, event.target, (r) => ({
          ...r,
          state: event.error_kind === 'cancelled' ? 'cancelled' : 'failed',
          pages: event.pages,
          findings: event.findings,
          errorKind: event.error_kind,
          message: event.message,
        })),
      };
    case 'finished':
      return {
        rows: event.cancelled
          ? progress.rows.map((r) => (ended(r.state) ? r : { ...r, state: 'cancelled' as const }))
          : progress.rows,
        finished: {
          succeeded: event.succeeded,
          failed: event.failed,
          cancelled: event.cancelled,
          elapsedMs: event.elapsed_ms,
        },
      };
    default:
      return progress;
  }
}

/**
 * The progress once the run's report is in: the report is the last word on how each target
 * ended (an event the page missed, say after a reload, changes nothing it says).
 */
export function settle(progress: Progress, report: SyncReport): Progress {
  let rows = progress.rows;
  for (const t of report.targets) {
    rows = update(rows, t.target, (r) => ({
      ...r,
      state: t.ok ? 'done' : t.error_kind === 'cancelled' ? 'cancelled' : 'failed',
      pages: t.pages,
      findings: t.findings,
      new: t.new,
      updated: t.updated,
      errorKind: t.ok ? null : t.error_kind,
      message: t.ok ? null : t.message,
    }));
  }
  if (report.cancelled) rows = rows.map((r) => (ended(r.state) ? r : { ...r, state: 'cancelled' as const }));
  const failed = report.targets.filter((t) => !t.ok).length;
  return {
    rows,
    finished: {
      succeeded: report.targets.length - failed,
      failed,
      cancelled: report.cancelled,
      elapsedMs: report.elapsed_ms,
    },
  };
}

export type Tally = Record<RowState, number> & {
  total: number;
  pages: number;
  findings: number;
  new: number;
  updated: number;
};

/** How many targets are in each state, and the pages and findings of all of them. */
export function tally(progress: Progress): Tally {
  const t: Tally = {
    total: progress.rows.length,
    waiting: 0,
    running: 0,
    done: 0,
    failed: 0,
    skipped: 0,
    cancelled: 0,
    pages: 0,
    findings: 0,
    new: 0,
    updated: 0,
  };
  for (const r of progress.rows) {
    t[r.state] += 1;
    t.pages += r.pages;
    t.findings += r.findings;
    t.new += r.new;
    t.updated += r.updated;
  }
  return t;
}

function plural(n: number, one: string, many: string = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** The overall line while a run goes on and after: "3 of 5 targets done, 1 failed, 1 running". */
export function overallText(progress: Progress): string {
  const t = tally(progress);
  if (t.total === 0) return progress.finished ? 'Nothing to sync.' : 'Connecting to AWS and finding what to sync…';
  const synced = t.total - t.skipped;
  const parts = [`${formatCount(t.done)} of ${plural(synced, 'target')} done`];
  if (t.failed > 0) parts.push(`${formatCount(t.failed)} failed`);
  if (t.cancelled > 0) parts.push(`${formatCount(t.cancelled)} cancelled`);
  if (t.running > 0) parts.push(`${formatCount(t.running)} running`);
  if (t.waiting > 0) parts.push(`${formatCount(t.waiting)} waiting`);
  if (t.skipped > 0) parts.push(`${formatCount(t.skipped)} skipped`);
  return `${parts.join(', ')}; ${plural(t.findings, 'finding')} stored`;
}

/** A length of time: "0.4 s", "12.5 s", "2 min 5 s". */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  return rest === 0 ? `${minutes} min` : `${minutes} min ${rest} s`;
}

/** "retry 2 in 1.3 s: throttled on securityhub:GetFindings…". */
export function retryText(retry: Retry): string {
  const when = retry.waitMs <= 0 ? 'now' : `in ${formatMs(retry.waitMs)}`;
  return `retry ${retry.attempt} ${when}: ${retry.reason}`;
}

const KIND_NAMES: Record<string, string> = {
  denied: 'Access denied',
  credentials: 'No usable credentials',
  throttled: 'Throttled',
  transient: 'Network or service error',
  invalid_token: 'Page token refused',
  fatal: 'Error',
  cancelled: 'Cancelled',
};

/** An error kind in words ("Access denied"); an unknown kind is shown as it is. */
export function errorKindName(kind: string): string {
  return KIND_NAMES[kind] ?? kind;
}

const KIND_HELP: Record<string, string> = {
  denied:
    'The credentials lack a permission here, or the service is not enabled in this Region. Attach the IAM policy shown under "Credentials and permissions" below (it can be copied) to the role or user, then sync again.',
  credentials:
    'No credentials were found, or they expired. Sign in again (aws sso login --profile …) or check the profile, then sync again.',
  throttled: 'AWS kept throttling the requests. Sync again later; the next run resumes where this one stopped.',
  transient: 'The network or the service failed several times in a row. Sync again; the next run resumes here.',
  invalid_token: 'AWS refused the page token twice. Sync again; the query starts over.',
  cancelled: 'What was fetched is stored; the next sync resumes here.',
};

/** An explicit deny: a policy refuses the call, so no permission added elsewhere lets it through. */
const EXPLICIT_DENY_HELP =
  'A policy explicitly denies this call (an organization\'s service control policy, a permissions boundary or a policy with Deny): adding permissions to the role will not help. Ask whoever manages that policy to allow the call, or leave this Region or source out of the sync.';

/**
 * What to do about an error of this kind, or null when there is no general advice. A denial
 * whose message says "explicit deny" gets its own advice: the IAM policy is not the cure.
 */
export function errorKindHelp(kind: string | null, message: string | null = null): string | null {
  if (kind === 'denied' && message !== null && /explicit deny/i.test(message)) return EXPLICIT_DENY_HELP;
  return kind === null ? null : (KIND_HELP[kind] ?? null);
}

/** How a finished run went: all synced, some failed (or a profile could not be used), cancelled, or nothing to do. */
export type Outcome = 'ok' | 'failed' | 'cancelled' | 'empty';

export function outcome(report: SyncReport): Outcome {
  if (report.cancelled) return 'cancelled';
  if (report.errors.length > 0 || report.targets.some((t) => !t.ok)) return 'failed';
  if (report.targets.length === 0) return 'empty';
  return 'ok';
}

/** The summary's headline for a finished run. */
export function outcomeTitle(report: SyncReport): string {
  const failed = report.targets.filter((t) => !t.ok && t.error_kind !== 'cancelled').length;
  switch (outcome(report)) {
    case 'cancelled':
      return 'Sync cancelled';
    case 'failed':
      if (report.targets.length === 0) return 'Nothing was synced';
      return failed === 0
        ? 'Sync finished, but a profile could not be used'
        : `Sync finished: ${formatCount(failed)} of ${plural(report.targets.length, 'target')} failed`;
    case 'empty':
      return 'Nothing to sync';
    default:
      return 'Sync finished';
  }
}

/** "187 findings stored (187 new, 0 updated) from 3 pages in 0.4 s." */
export function reportTotals(report: SyncReport): string {
  const sum = (pick: (t: SyncReport['targets'][number]) => number) => report.targets.reduce((n, t) => n + pick(t), 0);
  const findings = sum((t) => t.findings);
  return (
    `${plural(findings, 'finding')} stored (${formatCount(sum((t) => t.new))} new, ` +
    `${formatCount(sum((t) => t.updated))} updated) from ${plural(sum((t) => t.pages), 'page')} ` +
    `in ${formatMs(report.elapsed_ms)}.`
  );
}
