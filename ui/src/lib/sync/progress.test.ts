// The Sync screen's pure parts: events reduced into rows, the report settling them, the words
// for retries, kinds and outcomes; the status table's states. (The form's are in form.test.ts.)
import { describe, expect, it } from 'vitest';
import { sampleSyncEvents, sampleSyncReport, sampleSyncStatus } from '../../test/fixtures';
import type { SyncEvent, SyncTarget } from '../backend';
import {
  EMPTY_PROGRESS,
  errorKindHelp,
  errorKindName,
  formatMs,
  outcome,
  outcomeTitle,
  overallText,
  reduce,
  reportTotals,
  retryText,
  settle,
  tally,
  targetLabel,
  type Progress,
} from './progress';
import policy from '../../../../assets/iam/rampart-readonly-policy.json';
import { IAM_ACTIONS, sortStatuses, statusState, when } from './status';

const east: SyncTarget = { source: 'securityhub', account: '123456789012', region: 'us-east-1' };
const west: SyncTarget = { source: 'securityhub', account: '123456789012', region: 'eu-west-1' };
const config: SyncTarget = { source: 'config', account: '123456789012', region: 'us-east-1' };

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

function run(events: SyncEvent[], from: Progress = EMPTY_PROGRESS): Progress {
  return events.reduce((p, e) => reduce(deepFreeze(p), e), from);
}

describe('reduce', () => {
  it('turns a run into one row per target, in the planned order, without changing its input', () => {
    const events = sampleSyncEvents();
    const midway = run(events.slice(0, 5));
    expect(midway.rows.map((r) => [r.target.region, r.state, r.pages, r.findings])).toEqual([
      ['us-east-1', 'running', 1, 100],
      ['eu-west-1', 'running', 0, 0],
    ]);
    expect(midway.rows[0]!.retry).toEqual({
      attempt: 1,
      waitMs: 1300,
      reason: 'throttled on securityhub:GetFindings in us-east-1: Rate exceeded',
    });
    expect(midway.rows[0]!.incremental).toBe(false);
    expect(midway.finished).toBeNull();

    const done = run(events);
    const [e, w] = done.rows;
    expect(e).toMatchObject({ state: 'done', pages: 3, findings: 187, new: 187, updated: 0, elapsedMs: 412 });
    expect(e!.query).toBe('archived-recent');
    expect(w).toMatchObject({ state: 'failed', errorKind: 'denied', pages: 0, findings: 0 });
    expect(w!.message).toMatch(/^AccessDenied on securityhub:GetFindings in eu-west-1/);
    expect(done.finished).toEqual({ succeeded: 1, failed: 1, cancelled: false, elapsedMs: 420 });
    expect(tally(done)).toMatchObject({ total: 2, done: 1, failed: 1, findings: 187, new: 187, pages: 3 });
    expect(overallText(done)).toBe('1 of 2 targets done, 1 failed; 187 findings stored');
  });

  it('adds a row for an event of a target it was not told about, and keeps skipped targets apart', () => {
    const p = run([
      { kind: 'planned', targets: [east] },
      { kind: 'skipped', target: west, reason: 'the finding aggregator in us-east-1 covers eu-west-1' },
      { kind: 'page', target: config, query: 'rules', page: 1, items: 5, new: 0, updated: 0, findings: 0 },
    ]);
    expect(p.rows.map((r) => [r.target.region, r.target.source, r.state])).toEqual([
      ['us-east-1', 'securityhub', 'waiting'],
      ['eu-west-1', 'securityhub', 'skipped'],
      ['us-east-1', 'config', 'running'],
    ]);
    expect(p.rows[1]!.message).toBe('the finding aggregator in us-east-1 covers eu-west-1');
    expect(overallText(p)).toBe('0 of 2 targets done, 1 running, 1 waiting, 1 skipped; 0 findings stored');
  });

  it('adds up new and updated findings per page and keeps the stored count from the core', () => {
    const p = run([
      { kind: 'page', target: east, query: 'updated', page: 1, items: 100, new: 10, updated: 90, findings: 100 },
      { kind: 'page', target: east, query: 'updated', page: 2, items: 20, new: 5, updated: 15, findings: 120 },
    ]);
    expect(p.rows[0]).toMatchObject({ pages: 2, findings: 120, new: 15, updated: 105, state: 'running' });
  });

  it('marks a cancelled target and the ones that never started as cancelled', () => {
    const p = run([
      { kind: 'planned', targets: [east, west, config] },
      { kind: 'target_started', target: east, incremental: true, resumed: true },
      { kind: 'page', target: east, query: 'updated', page: 1, items: 100, new: 1, updated: 2, findings: 100 },
      {
        kind: 'target_failed',
        target: east,
        error_kind: 'cancelled',
        message: 'cancelled before it finished; the next sync resumes here',
        pages: 1,
        findings: 100,
      },
      { kind: 'target_done', target: west, pages: 1, findings: 3, elapsed_ms: 90 },
      { kind: 'finished', succeeded: 1, failed: 1, cancelled: true, elapsed_ms: 2000 },
    ]);
    expect(p.rows.map((r) => r.state)).toEqual(['cancelled', 'done', 'cancelled']);
    expect(p.rows[0]).toMatchObject({ resumed: true, incremental: true, pages: 1, findings: 100 });
    expect(p.finished?.cancelled).toBe(true);
    expect(overallText(p)).toBe('1 of 3 targets done, 2 cancelled; 103 findings stored');
  });

  it('does not bring an ended target back to running', () => {
    const p = run([
      { kind: 'target_done', target: east, pages: 1, findings: 3, elapsed_ms: 90 },
      { kind: 'retry', target: east, attempt: 1, wait_ms: 0, reason: 'late' },
    ]);
    expect(p.rows[0]!.state).toBe('done');
  });

  it('ignores an event it does not know', () => {
    const p = run(sampleSyncEvents().slice(0, 2));
    expect(reduce(p, { kind: 'mystery' } as unknown as SyncEvent)).toBe(p);
  });

  it('says it is connecting before the plan is in', () => {
    expect(overallText(EMPTY_PROGRESS)).toBe('Connecting to AWS and finding what to sync…');
    expect(overallText({ rows: [], finished: { succeeded: 0, failed: 0, cancelled: false, elapsedMs: 3 } })).toBe(
      'Nothing to sync.',
    );
  });
});

describe('settle', () => {
  it('takes the report as the last word, also for events the page missed', () => {
    const missed = run(sampleSyncEvents().slice(0, 4));
    const settled = settle(missed, sampleSyncReport());
    expect(settled.rows.map((r) => [r.target.region, r.state, r.findings, r.new])).toEqual([
      ['us-east-1', 'done', 187, 187],
      ['eu-west-1', 'failed', 0, 0],
    ]);
    expect(settled.finished).toEqual({ succeeded: 1, failed: 1, cancelled: false, elapsedMs: 420 });
  });

  it('builds the rows from the report alone, and cancels what did not end', () => {
    const waiting = run([{ kind: 'planned', targets: [config] }]);
    const settled = settle(waiting, { ...sampleSyncReport(), cancelled: true });
    expect(settled.rows.map((r) => [r.target.source, r.target.region, r.state])).toEqual([
      ['config', 'us-east-1', 'cancelled'],
      ['securityhub', 'eu-west-1', 'failed'],
      ['securityhub', 'us-east-1', 'done'],
    ]);
  });
});

describe('words', () => {
  it('says when and why a retry happens', () => {
    expect(retryText({ attempt: 2, waitMs: 1300, reason: 'throttled on securityhub:GetFindings' })).toBe(
      'retry 2 in 1.3 s: throttled on securityhub:GetFindings',
    );
    expect(retryText({ attempt: 1, waitMs: 0, reason: 'the page token was refused' })).toBe(
      'retry 1 now: the page token was refused',
    );
  });

  it.each([
    [0, '0.0 s'],
    [420, '0.4 s'],
    [12_345, '12.3 s'],
    [60_000, '1 min'],
    [125_000, '2 min 5 s'],
    [-1, '—'],
  ])('formats %d ms as %s', (ms, text) => {
    expect(formatMs(ms)).toBe(text);
  });

  it('names kinds and says what to do', () => {
    expect(errorKindName('denied')).toBe('Access denied');
    expect(errorKindName('network')).toBe('network');
    expect(errorKindHelp('denied')).toMatch(/Attach the IAM policy shown/);
    // An explicit deny is not cured by the IAM policy: it says so.
    const scp =
      'AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/Audit/x is not authorized to perform: securityhub:GetFindings with an explicit deny in a service control policy';
    expect(errorKindHelp('denied', scp)).toMatch(/explicitly denies/);
    expect(errorKindHelp('denied', scp)).not.toMatch(/Attach the IAM policy/);
    expect(errorKindHelp('credentials')).toMatch(/aws sso login/);
    expect(errorKindHelp('fatal')).toBeNull();
    expect(errorKindHelp(null)).toBeNull();
    expect(targetLabel(east)).toBe('Security Hub · 123456789012 · us-east-1');
    // A label is for display: an invisible character in an account or Region is shown.
    expect(targetLabel({ ...east, account: '\u202E123456789012', region: 'us-east-1\u200B' })).toBe(
      'Security Hub · <U+202E>123456789012 · us-east-1<U+200B>',
    );
  });

  it('sums up a report', () => {
    const report = sampleSyncReport();
    expect(outcome(report)).toBe('failed');
    expect(outcomeTitle(report)).toBe('Sync finished: 1 of 2 targets failed');
    expect(reportTotals(report)).toBe('187 findings stored (187 new, 0 updated) from 3 pages in 0.4 s.');

    const ok = { ...report, targets: report.targets.slice(1) };
    expect(outcome(ok)).toBe('ok');
    expect(outcomeTitle(ok)).toBe('Sync finished');
    expect(outcome({ ...ok, cancelled: true })).toBe('cancelled');
    expect(outcomeTitle({ ...ok, cancelled: true })).toBe('Sync cancelled');
    expect(outcome({ ...ok, errors: ['work: no Region'] })).toBe('failed');
    expect(outcomeTitle({ ...ok, errors: ['work: no Region'] })).toBe('Sync finished, but a profile could not be used');
    expect(outcomeTitle({ ...ok, targets: [], errors: ['work: no Region'] })).toBe('Nothing was synced');
    expect(outcome({ ...ok, targets: [] })).toBe('empty');
  });
});

describe('the status table', () => {
  it('lists exactly the actions of the IAM policy file', () => {
    expect(IAM_ACTIONS).toEqual(policy.Statement.flatMap((s) => s.Action));
  });

  it('tells how each target last went', () => {
    const [east, west] = sampleSyncStatus();
    expect(statusState(east!)).toBe('ok');
    expect(statusState(west!)).toBe('failed');
    expect(statusState({ ...west!, last_error_kind: 'cancelled', resumable: true })).toBe('cancelled');
    expect(statusState({ ...east!, resumable: true })).toBe('interrupted');
    expect(statusState({ ...east!, last_success: null })).toBe('interrupted');
    expect(statusState({ ...east!, last_attempt: null, last_success: null })).toBe('never');
  });

  it('sorts by source as the form lists them, then account and Region', () => {
    const list = [
      { ...sampleSyncStatus()[0]!, target: config },
      ...sampleSyncStatus(),
      { ...sampleSyncStatus()[0]!, target: { ...config, source: 'inspector' } },
    ];
    expect(sortStatuses(list).map((s) => `${s.target.source}/${s.target.region}`)).toEqual([
      'securityhub/eu-west-1',
      'securityhub/us-east-1',
      'inspector/us-east-1',
      'config/us-east-1',
    ]);
  });

  it('gives a time as relative and absolute text', () => {
    const ms = Date.UTC(2026, 10, 29, 12, 0);
    const w = when(ms, ms + 3 * 3600_000);
    expect(w?.iso).toBe('2026-11-29T12:00:00.000Z');
    expect(w?.relative).toBe('3 hours ago');
    expect(w?.absolute).toMatch(/2026/);
    expect(when(null)).toBeNull();
  });
});
