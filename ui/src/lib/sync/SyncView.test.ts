// The Sync view against a mocked core: the form and the request it sends, progress from the
// channel's events, the summary, cancel, a sync already running, where each source stands, and
// AWS's words shown as text.
import { clearMocks } from '@tauri-apps/api/mocks';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import {
  mockBackend,
  sampleAwsProfiles,
  sampleOverview,
  sampleSyncEvents,
  sampleSyncReport,
  sampleSyncStatus,
  sendSyncEvents,
  type Invocation,
} from '../../test/fixtures';
import type { SourceStatus, SyncReport } from '../backend';
import { targetKey } from './progress';
import { syncSession } from './session.svelte';
import SourceStatusTable from './SourceStatusTable.svelte';
import { IAM_ACTIONS } from './status';
import SyncView from './SyncView.svelte';

afterEach(() => {
  clearMocks();
  syncSession.reset();
  localStorage.clear();
});

/** A sync_start answer the test ends when it likes, with the channel it was given. */
function pendingSync() {
  let finish: (report: SyncReport) => void = () => {};
  let args: Record<string, unknown> = {};
  const answer = (a: Record<string, unknown>) => {
    args = a;
    return new Promise<SyncReport>((resolve) => (finish = resolve));
  };
  return { answer, args: () => args, finish: (report: SyncReport) => finish(report) };
}

function input(testid: string): HTMLInputElement {
  return screen.getByTestId(testid) as HTMLInputElement;
}

function rows(testid: string): HTMLElement[] {
  return screen.queryAllByTestId(testid);
}

describe('SyncView', () => {
  it('offers the profiles from the AWS config files, each with its Region and SSO, adding to what is typed', async () => {
    const seen: Invocation[] = [];
    mockBackend({ sync_status: [], aws_profiles: sampleAwsProfiles() }, seen);
    render(SyncView);

    await waitFor(() => expect(screen.getAllByTestId('sync-profile-choice')).toHaveLength(3));
    expect(seen.find((c) => c.cmd === 'aws_profiles')).toBeTruthy();
    const [plain, sso, noRegion] = screen.getAllByTestId('sync-profile-choice');
    expect(plain!.dataset.name).toBe('default');
    expect(plain!.textContent).toMatch(/us-east-1/);
    expect(plain!.textContent).not.toMatch(/SSO/);
    expect(sso!.textContent).toMatch(/prod-audit/);
    expect(sso!.textContent).toMatch(/eu-west-1/);
    expect(sso!.textContent).toMatch(/SSO/);
    expect(noRegion!.textContent).toMatch(/sandbox/);
    expect(screen.queryByTestId('sync-profiles-none')).toBeNull();

    // Free text stays; a choice is appended, pressed, and taken out on a second click.
    await fireEvent.input(input('sync-profiles'), { target: { value: 'typed-one,' } });
    await fireEvent.click(sso!);
    expect(input('sync-profiles').value).toBe('typed-one prod-audit');
    expect(sso!.getAttribute('aria-pressed')).toBe('true');
    expect(plain!.getAttribute('aria-pressed')).toBe('false');
    await fireEvent.click(plain!);
    expect(input('sync-profiles').value).toBe('typed-one prod-audit default');
    await fireEvent.click(sso!);
    expect(input('sync-profiles').value).toBe('typed-one default');
    expect(sso!.getAttribute('aria-pressed')).toBe('false');
  });

  it('says the default credentials chain is used when the AWS config has no profiles', async () => {
    mockBackend({ sync_status: [], aws_profiles: [] });
    render(SyncView);

    const none = await screen.findByTestId('sync-profiles-none');
    expect(none.textContent).toMatch(/default credentials chain/);
    expect(screen.queryAllByTestId('sync-profile-choice')).toHaveLength(0);
    expect(input('sync-profiles').disabled).toBe(false);
  });

  it('asks before a sync adds real findings to the demo workspace, and offers a workspace of its own', async () => {
    const seen: Invocation[] = [];
    mockBackend(
      {
        sync_status: [],
        overview: sampleOverview(),
        open_workspace: '/home/ana/rampart/prod.db',
      },
      seen,
    );
    render(SyncView);
    const warning = await screen.findByTestId('sync-demo-warning');
    expect(warning.textContent).toMatch(/This is the demo workspace/);
    const start = screen.getByTestId('sync-start') as HTMLButtonElement;
    expect(start.disabled).toBe(true);
    await fireEvent.click(screen.getByTestId('sync-into-demo'));
    expect(start.disabled).toBe(false);
    await fireEvent.click(screen.getByTestId('sync-into-demo'));
    expect(start.disabled).toBe(true);
    // A workspace of its own: the dialog opens from Rust; the warning goes once it is not the demo.
    seen.length = 0;
    mockBackend(
      {
        sync_status: [],
        overview: { ...sampleOverview(), workspace: { db_path: '/home/ana/rampart/prod.db', is_demo: false, schema_version: 23 } },
        open_workspace: '/home/ana/rampart/prod.db',
      },
      seen,
    );
    await fireEvent.click(screen.getByTestId('sync-new-workspace'));
    await waitFor(() => expect(screen.queryByTestId('sync-demo-warning')).toBeNull());
    expect(seen.find((c) => c.cmd === 'open_workspace')?.args).toEqual({ create: true });
    expect(start.disabled).toBe(false);
  });

  it('tells the core the user said to sync into the demo', async () => {
    const seen: Invocation[] = [];
    mockBackend({ sync_status: [], overview: sampleOverview(), sync_start: sampleSyncReport() }, seen);
    render(SyncView);
    await screen.findByTestId('sync-demo-warning');
    await fireEvent.click(screen.getByTestId('sync-into-demo'));
    await fireEvent.click(screen.getByTestId('sync-start'));
    await waitFor(() => expect(seen.some((c) => c.cmd === 'sync_start')).toBe(true));
    expect(seen.find((c) => c.cmd === 'sync_start')?.args.intoDemo).toBe(true);
    await waitFor(() => expect(syncSession.running).toBe(false));
  });

  it('explains credentials and the IAM policy when nothing was synced yet', async () => {
    mockBackend({ sync_status: [] });
    render(SyncView);

    const empty = await screen.findByTestId('sync-status-empty');
    expect(empty.textContent).toMatch(/Nothing has been synced yet/);
    expect(empty.textContent).toMatch(/aws configure/);
    expect(empty.textContent).toMatch(/aws sso login/);
    expect(empty.textContent).toMatch(/never stores credentials/);
    // The policy as shipped is shown in the app (not a path in the source tree), and can be copied.
    const policy = within(empty).getByTestId('sync-iam-policy');
    expect(JSON.parse(policy.querySelector('pre')!.textContent!).Statement[0].Action).toContain('securityhub:GetFindings');
    expect(within(policy).getByRole('button', { name: /Copy the policy/ })).toBeTruthy();
    expect(empty.textContent).not.toContain('assets/iam/');
    const actions = within(screen.getByTestId('sync-iam-actions')).getAllByRole('listitem').map((li) => li.textContent);
    expect(actions).toEqual([...IAM_ACTIONS]);
    expect(actions).toContain('securityhub:GetFindings');
    expect(empty.textContent).toMatch(new RegExp(`these\\s+${IAM_ACTIONS.length}\\s+actions`));
    expect(screen.queryByTestId('sync-status-table')).toBeNull();
    // Every source is checked at first, and the fields are labelled.
    for (const key of ['securityhub', 'inspector', 'config']) expect(input(`sync-source-${key}`).checked).toBe(true);
    expect(screen.getByLabelText(/AWS profiles/)).toBe(input('sync-profiles'));
    expect(screen.getByLabelText(/Regions/)).toBe(input('sync-regions'));
    expect(screen.queryByTestId('sync-cancel')).toBeNull();
  });

  it('syncs: sends the request, shows each target live from the events, then the summary and the new status', async () => {
    const seen: Invocation[] = [];
    const sync = pendingSync();
    let statusCalls = 0;
    mockBackend(
      {
        sync_status: () => (statusCalls++ === 0 ? [] : sampleSyncStatus()),
        sync_start: sync.answer,
      },
      seen,
    );
    render(SyncView);
    await screen.findByTestId('sync-status-empty');

    await fireEvent.input(input('sync-regions'), { target: { value: 'us-east-1 eu-west-1' } });
    await fireEvent.click(input('sync-source-inspector'));
    await fireEvent.click(input('sync-source-config'));
    await fireEvent.click(screen.getByTestId('sync-start'));

    await waitFor(() => expect(seen.map((c) => c.cmd)).toContain('sync_start'));
    const call = seen.find((c) => c.cmd === 'sync_start')!;
    expect(call.args.request).toEqual({
      profiles: [],
      regions: ['us-east-1', 'eu-west-1'],
      sources: ['securityhub'],
      endpoint_url: null,
    });
    expect(JSON.parse(JSON.stringify(call.args.onEvent))).toMatch(/^__CHANNEL__:\d+$/);

    // Running: Sync now is disabled, Cancel is there and has the focus, the overall line is a live region.
    expect((screen.getByTestId('sync-start') as HTMLButtonElement).disabled).toBe(true);
    expect(document.activeElement).toBe(screen.getByTestId('sync-cancel'));
    expect(screen.getByTestId('sync-overall').getAttribute('aria-live')).toBe('polite');
    expect(screen.getByTestId('sync-overall').textContent).toMatch(/Connecting to AWS/);

    const events = sampleSyncEvents();
    sendSyncEvents(sync.args(), events.slice(0, 5));
    await waitFor(() => expect(rows('sync-row')).toHaveLength(2));
    const [east, west] = rows('sync-row');
    expect(east!.dataset).toMatchObject({ region: 'us-east-1', state: 'running', pages: '1', findings: '100' });
    expect(within(east!).getByTestId('sync-row-retry').textContent).toBe(
      'retry 1 in 1.3 s: throttled on securityhub:GetFindings in us-east-1: Rate exceeded',
    );
    expect(west!.dataset.state).toBe('running');
    // Each state is a status chip: words and an icon, not colour alone.
    expect(east!.querySelector('.chip[data-status="running"]')?.textContent?.trim()).toBe('Running');
    expect(screen.getByTestId('sync-overall').textContent).toMatch(/0 of 2 targets done, 2 running; 100 findings stored/);

    sendSyncEvents(sync.args(), events.slice(5));
    await waitFor(() => expect(rows('sync-row')[0]!.dataset.state).toBe('done'));
    expect(rows('sync-row')[1]!.dataset.state).toBe('failed');
    expect(rows('sync-row')[0]!.querySelector('.chip')?.textContent?.trim()).toBe('Done');
    expect(rows('sync-row')[1]!.querySelector('.chip')?.textContent?.trim()).toBe('Failed');
    expect(within(rows('sync-row')[1]!).getByTestId('sync-row-message').textContent).toMatch(
      /Access denied:\s+AccessDenied on securityhub:GetFindings in eu-west-1/,
    );

    sync.finish(sampleSyncReport());
    const summary = await screen.findByTestId('sync-summary');
    expect(summary.dataset.outcome).toBe('failed');
    expect(summary.textContent).toMatch(/Sync finished: 1 of 2 targets failed/);
    expect(summary.textContent).toMatch(/187 findings stored \(187 new, 0 updated\) from 3 pages in 0.4 s/);
    const failure = within(summary).getByTestId('sync-summary-failure');
    expect(failure.dataset.region).toBe('eu-west-1');
    expect(failure.textContent).toMatch(/Security Hub · 123456789012 · eu-west-1/);
    expect(failure.textContent).toMatch(/AccessDenied on securityhub:GetFindings in eu-west-1/);
    expect(summary.textContent!.match(/Attach the IAM policy shown/g)).toHaveLength(1);
    expect(within(summary).getByRole('link', { name: 'See the Overview' }).getAttribute('href')).toBe('#/overview');
    expect(
      within(summary).getByRole('link', { name: "Open the synced sources' findings" }).getAttribute('href'),
    ).toBe('#/findings?status=any&source=securityhub');

    // The run is over: Sync now is back, Cancel is gone, and where each source stands is reloaded.
    expect((screen.getByTestId('sync-start') as HTMLButtonElement).disabled).toBe(false);
    expect(screen.queryByTestId('sync-cancel')).toBeNull();
    await waitFor(() => expect(rows('sync-status-row')).toHaveLength(2));
    const [statusWest, statusEast] = rows('sync-status-row');
    expect(statusWest!.dataset).toMatchObject({ region: 'eu-west-1', state: 'failed', kind: 'denied' });
    // The summary above spells the error out once; the tables below name its kind and point up.
    expect(within(statusWest!).getByTestId('sync-status-error').textContent).toMatch(/Access denied\s+in the\s+last run/);
    expect(within(statusWest!).getByTestId('sync-status-error').getAttribute('title')).toMatch(/AccessDenied on securityhub:GetFindings/);
    expect(screen.getByTestId('sync-summary').textContent).toMatch(/AccessDenied on securityhub:GetFindings in eu-west-1/);
    expect(document.body.textContent!.match(/AccessDenied on securityhub:GetFindings in eu-west-1/g)).toHaveLength(1);
    expect(within(statusWest!).getByTestId('sync-status-success').textContent).toBe('never');
    expect(statusEast!.dataset).toMatchObject({ region: 'us-east-1', state: 'ok', pages: '3', findings: '187' });
    expect(statusEast!.querySelector('.chip[data-status="ok"]')?.textContent?.trim()).toBe('Synced');
    expect(statusWest!.querySelector('.chip[data-status="failed"]')?.textContent?.trim()).toBe('Failed');
    const success = within(statusEast!).getByTestId('sync-status-success');
    expect(success.getAttribute('datetime')).toBe(new Date(1_795_990_911_647).toISOString());
    expect(success.querySelector('.relative')!.textContent).not.toBe('');
    expect(success.querySelector('.absolute')!.textContent).toMatch(/2026/);
    expect(seen.filter((c) => c.cmd === 'sync_status')).toHaveLength(2);
  });

  it('keeps the run when the view is left and opened again', async () => {
    const sync = pendingSync();
    mockBackend({ sync_status: [], sync_start: sync.answer });
    const first = render(SyncView);
    await screen.findByTestId('sync-status-empty');
    await fireEvent.click(screen.getByTestId('sync-start'));
    await waitFor(() => expect(sync.args().onEvent).toBeDefined());
    sendSyncEvents(sync.args(), sampleSyncEvents().slice(0, 4));
    first.unmount();

    render(SyncView);
    await waitFor(() => expect(rows('sync-row')).toHaveLength(2));
    expect(rows('sync-row')[0]!.dataset.findings).toBe('100');
    expect(screen.getByTestId('sync-cancel')).toBeTruthy();
    sync.finish(sampleSyncReport());
    await screen.findByTestId('sync-summary');
  });

  it('cancels: the summary says what was fetched is stored and the next sync resumes', async () => {
    const seen: Invocation[] = [];
    const sync = pendingSync();
    mockBackend({ sync_status: [], sync_start: sync.answer, sync_cancel: true }, seen);
    render(SyncView);
    await screen.findByTestId('sync-status-empty');
    await fireEvent.click(screen.getByTestId('sync-start'));
    await waitFor(() => expect(sync.args().onEvent).toBeDefined());
    expect(seen.find((c) => c.cmd === 'sync_start')!.args.request).toEqual({
      profiles: [],
      regions: [],
      sources: ['securityhub', 'inspector', 'config'],
      endpoint_url: null,
    });

    await fireEvent.click(screen.getByTestId('sync-cancel'));
    await waitFor(() => expect(seen.map((c) => c.cmd)).toContain('sync_cancel'));
    expect(screen.getByTestId('sync-cancel').textContent).toMatch(/Cancelling…/);
    expect((screen.getByTestId('sync-cancel') as HTMLButtonElement).disabled).toBe(true);

    const report = sampleSyncReport();
    report.cancelled = true;
    report.targets = [
      {
        ...report.targets[1]!,
        ok: false,
        error_kind: 'cancelled',
        message: 'cancelled before it finished; the next sync resumes here',
        pages: 1,
        findings: 100,
        new: 100,
      },
    ];
    sync.finish(report);
    const summary = await screen.findByTestId('sync-summary');
    expect(summary.dataset.outcome).toBe('cancelled');
    expect(summary.textContent).toMatch(/Sync cancelled/);
    expect(summary.textContent).toMatch(/what was fetched is stored; the next sync resumes/);
    expect(within(summary).queryByTestId('sync-summary-failure')).toBeNull();
    expect(rows('sync-row')[0]!.dataset.state).toBe('cancelled');
  });

  it('says so when another sync runs, and can cancel that one', async () => {
    const seen: Invocation[] = [];
    mockBackend(
      { sync_status: [], sync_start: { code: 'busy', message: 'A sync is already running.' }, sync_cancel: true },
      seen,
    );
    render(SyncView);
    await screen.findByTestId('sync-status-empty');
    await fireEvent.click(screen.getByTestId('sync-start'));

    const summary = await screen.findByTestId('sync-summary');
    expect(summary.dataset.outcome).toBe('busy');
    expect(summary.textContent).toMatch(/Another sync is running/);
    const cancel = screen.getByTestId('sync-cancel');
    expect(cancel.textContent).toMatch(/Cancel the running sync/);
    await fireEvent.click(cancel);
    await waitFor(() => expect(screen.getByTestId('sync-summary').textContent).toMatch(/The other sync was asked to stop/));
    expect(seen.map((c) => c.cmd)).toContain('sync_cancel');
    expect(screen.queryByTestId('sync-cancel')).toBeNull();
  });

  it('shows why a sync could not run, and the profiles that could not be used', async () => {
    let calls = 0;
    mockBackend({
      sync_status: [],
      sync_start: () =>
        calls++ === 0
          ? { code: 'internal', message: 'unknown source "guardduty"; known: securityhub, inspector, config' }
          : { targets: [], errors: ['work: no Region: pass --region or set `region` in the profile'], organization: null, cancelled: false, elapsed_ms: 5 },
    });
    render(SyncView);
    await screen.findByTestId('sync-status-empty');
    await fireEvent.click(screen.getByTestId('sync-start'));
    expect((await screen.findByTestId('sync-summary-error')).textContent).toBe(
      'unknown source "guardduty"; known: securityhub, inspector, config',
    );

    await fireEvent.input(input('sync-profiles'), { target: { value: 'work' } });
    await fireEvent.click(screen.getByTestId('sync-start'));
    const error = await screen.findByTestId('sync-profile-error');
    expect(error.textContent).toBe('work: no Region: pass --region or set `region` in the profile');
    expect(screen.getByTestId('sync-summary').textContent).toMatch(/Nothing was synced/);
  });

  it('checks the Regions and the sources before calling the core', async () => {
    const seen: Invocation[] = [];
    mockBackend({ sync_status: [], sync_start: sampleSyncReport() }, seen);
    render(SyncView);
    await screen.findByTestId('sync-status-empty');

    await fireEvent.input(input('sync-regions'), { target: { value: 'us-east-1 Ireland' } });
    for (const key of ['securityhub', 'inspector', 'config']) await fireEvent.click(input(`sync-source-${key}`));
    await fireEvent.click(screen.getByTestId('sync-start'));

    const errors = screen.getAllByTestId('sync-form-error').map((e) => e.textContent);
    expect(errors).toEqual(['"Ireland" is not a Region name such as us-east-1.', 'Choose at least one source.']);
    expect(input('sync-regions').getAttribute('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(input('sync-regions'));
    expect(seen.map((c) => c.cmd)).not.toContain('sync_start');

    // Fixing a field clears its error at once.
    await fireEvent.input(input('sync-regions'), { target: { value: 'us-east-1' } });
    expect(screen.getAllByTestId('sync-form-error').map((e) => e.textContent)).toEqual(['Choose at least one source.']);
  });

  it('remembers the last form values', async () => {
    mockBackend({ sync_status: [] });
    const first = render(SyncView);
    await screen.findByTestId('sync-status-empty');
    await fireEvent.input(input('sync-profiles'), { target: { value: 'prod audit' } });
    await fireEvent.input(input('sync-regions'), { target: { value: 'eu-west-1' } });
    await fireEvent.click(input('sync-source-config'));
    first.unmount();

    render(SyncView);
    await screen.findByTestId('sync-status-empty');
    expect(input('sync-profiles').value).toBe('prod audit');
    expect(input('sync-regions').value).toBe('eu-west-1');
    expect(input('sync-source-securityhub').checked).toBe(true);
    expect(input('sync-source-config').checked).toBe(false);
  });

  it('shows where each source stands, with resumable runs, and strings from AWS as text', async () => {
    const hostile = '<img src=x onerror="window.__pwned=1">';
    const statuses: SourceStatus[] = [
      ...sampleSyncStatus(),
      {
        target: { source: 'inspector', account: hostile, region: 'us-east-1' },
        watermark: null,
        last_attempt: 1_795_990_000_000,
        last_success: null,
        last_error: `throttled on inspector2:ListFindings: ${hostile} (gave up after 8 attempts)`,
        last_error_kind: 'throttled',
        resumable: true,
        last_pages: 1,
        last_findings: 1,
      },
    ];
    mockBackend({ sync_status: statuses });
    render(SyncView);

    await waitFor(() => expect(rows('sync-status-row')).toHaveLength(3));
    const inspector = rows('sync-status-row')[2]!;
    expect(inspector.dataset).toMatchObject({ source: 'inspector', state: 'failed', resumable: 'true' });
    expect(within(inspector).getByTestId('sync-status-resumes').textContent).toBe('Resumes where it stopped.');
    expect(inspector.textContent).toContain(hostile);
    expect(inspector.textContent).toMatch(/1 page\s*1\s+finding/);
    expect(document.querySelector('img')).toBeNull();
    expect((window as { __pwned?: number }).__pwned).toBeUndefined();
    // The credentials help is still there, folded away.
    expect(screen.getByText('Credentials and permissions').closest('details')).not.toBeNull();
  });

  it('shows a status that cannot be read, with Try again', async () => {
    let calls = 0;
    mockBackend({
      sync_status: () => (calls++ === 0 ? { code: 'db_error', message: 'disk I/O error' } : []),
    });
    render(SyncView);
    const error = await screen.findByTestId('sync-status-load-error');
    expect(error.textContent).toMatch(/disk I\/O error/);
    await fireEvent.click(within(error).getByRole('button', { name: 'Try again' }));
    await screen.findByTestId('sync-status-empty');
  });
});

describe('SourceStatusTable', () => {
  it('shows each target\'s state as a status chip, and "Syncing now" on those the running sync works on', () => {
    const statuses = sampleSyncStatus();
    render(SourceStatusTable, { statuses, live: new Set([targetKey(statuses[0]!.target)]) });
    const rows = screen.getAllByTestId('sync-status-row');
    const chips = (row: HTMLElement) => [...row.querySelectorAll('.chip')].map((c) => c.textContent?.trim());
    const east = rows.find((r) => r.dataset.region === statuses[0]!.target.region)!;
    const others = rows.filter((r) => r !== east);
    expect(chips(east)).toContain('Syncing now');
    for (const row of others) expect(chips(row)).not.toContain('Syncing now');
  });
});

describe('syncSession', () => {
  afterEach(() => {
    clearMocks();
    syncSession.reset();
  });

  it('takes the report as the last word: an event that arrives after it changes nothing', async () => {
    let args: Record<string, unknown> = {};
    mockBackend({
      sync_start: (a) => {
        args = a;
        sendSyncEvents(a, sampleSyncEvents().slice(0, 4));
        return sampleSyncReport();
      },
    });
    await syncSession.start({ profiles: [], regions: [], sources: [], endpoint_url: null });
    const settled = syncSession.run!.progress;
    expect(settled.rows.map((r) => [r.target.region, r.state, r.pages])).toEqual([
      ['us-east-1', 'done', 3],
      ['eu-west-1', 'failed', 0],
    ]);
    sendSyncEvents(args, sampleSyncEvents().slice(4));
    expect(syncSession.run!.progress).toBe(settled);
    expect(syncSession.completed).toBe(1);
    expect(syncSession.running).toBe(false);
  });
});
