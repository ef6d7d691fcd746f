// The Overview screen rendered against the real backend module, with the Tauri IPC mocked.
import { clearMocks } from '@tauri-apps/api/mocks';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { addDays, BY_REFERENCE_HELP, formatDateTime, today } from '../format';
import {
  emptyOverview,
  mockBackend,
  sampleAcceptances,
  sampleChanges,
  sampleFindingRows,
  sampleOverview,
  samplePosture,
  sampleSla,
  type Invocation,
} from '../../test/fixtures';
import Overview from './Overview.svelte';

const HOSTILE = '<img src=x onerror=alert(1)>';

afterEach(() => {
  clearMocks();
});

function value(testid: string): string | null {
  return screen.getByTestId(testid).getAttribute('data-value');
}

describe('Overview', () => {
  it('renders the counts from the overview', async () => {
    mockBackend({ overview: sampleOverview() });
    render(Overview);

    const active = await screen.findByTestId('kpi-active');
    expect(active.getAttribute('data-value')).toBe('12345');
    expect(active.textContent).toBe(new Intl.NumberFormat().format(12345));
    expect(value('kpi-failed')).toBe('4321');
    expect(value('kpi-passed')).toBe('7654');
    expect(value('kpi-archived')).toBe('675');

    expect(screen.getByTestId('overview-subtitle').textContent).toMatch(/Demo workspace/);
    expect(screen.getByTestId('overview-subtitle').textContent).toMatch(/Last import/);

    // Severities are listed most severe first, with their label as text and the failed count.
    const severityRows = screen.getAllByTestId(/^sev-/);
    expect(severityRows.map((row) => row.dataset.testid)).toEqual([
      'sev-CRITICAL',
      'sev-HIGH',
      'sev-MEDIUM',
      'sev-LOW',
      'sev-INFORMATIONAL',
    ]);
    expect(value('sev-CRITICAL')).toBe('209');
    expect(value('sev-INFORMATIONAL')).toBe('12');
    expect(screen.getByTestId('sev-CRITICAL').textContent).toMatch(/Critical/);

    const hub = screen.getByTestId('source-securityhub');
    expect(hub.dataset.total).toBe('9000');
    expect(hub.dataset.failed).toBe('3000');
    expect(hub.textContent).toMatch(/Security Hub/);
    expect(screen.getByTestId('source-inspector').textContent).toMatch(/Inspector/);
    expect(screen.getByTestId('source-config').textContent).toMatch(/AWS Config/);

    const account = screen.getByTestId('account-444455556666');
    expect(account.dataset.total).toBe('4345');
    expect(account.dataset.failed).toBe('1321');
    expect(within(account).getByText('444455556666')).toBeTruthy();

    const lastImport = screen.getByTestId('last-import');
    expect(lastImport.textContent).toMatch(/securityhub-2026-03-31\.json/);
    expect(lastImport.textContent).toMatch(/Security Hub findings export/);
    expect(lastImport.textContent).toMatch(/7 imports in total/);
    expect(value('import-inserted')).toBe('1200');
    expect(value('import-updated')).toBe('300');
    expect(value('import-unchanged')).toBe('11500');
    expect(value('import-stale')).toBe('20');
    expect(screen.queryByTestId('import-future')).toBeNull();

    expect(screen.queryByTestId('empty-state')).toBeNull();
  });

  describe('live sync', () => {
    it('says nothing was synced yet and links to the Sync screen when sync is null', async () => {
      mockBackend({ overview: sampleOverview({ sync: null }) });
      render(Overview);

      const panel = await screen.findByTestId('overview-sync');
      expect(panel.textContent).toMatch(/Not synced from AWS yet/);
      expect(screen.getByTestId('overview-sync-link').getAttribute('href')).toBe('#/sync');
      expect(screen.queryAllByTestId('overview-sync-failing')).toHaveLength(0);
    });

    it('shows the last success and attempt, and that every source is OK', async () => {
      const success = Date.parse('2026-03-31T08:00:00Z');
      const attempt = Date.parse('2026-03-31T09:30:00Z');
      mockBackend({
        overview: sampleOverview({ sync: { targets: 4, last_attempt: attempt, last_success: success, failing: [] } }),
      });
      render(Overview);

      const panel = await screen.findByTestId('overview-sync');
      expect(panel.textContent).toMatch(/All 4 sources OK/);
      expect(panel.textContent).not.toMatch(/failing/);
      const times = [...panel.querySelectorAll('time')].map((t) => t.getAttribute('datetime'));
      expect(times).toEqual([new Date(success).toISOString(), new Date(attempt).toISOString()]);
      expect(panel.textContent).toContain(formatDateTime(new Date(success).toISOString()));
      expect(screen.getByTestId('overview-sync-link').getAttribute('href')).toBe('#/sync');
      expect(screen.queryAllByTestId('overview-sync-failing')).toHaveLength(0);
    });

    it('lists each failing source with its error as text, whole in the tooltip', async () => {
      const long = `AccessDeniedException: User arn:aws:iam::123456789012:user/ana is not authorized ${'x'.repeat(300)} ${HOSTILE}`;
      mockBackend({
        overview: sampleOverview({
          sync: {
            targets: 3,
            last_attempt: Date.parse('2026-03-31T09:30:00Z'),
            last_success: null,
            failing: [
              { target: 'securityhub 123456789012/eu-west-1', error: long },
              { target: 'inspector 123456789012/us-east-1', error: 'The security token included in the request is expired' },
            ],
          },
        }),
      });
      render(Overview);

      const panel = await screen.findByTestId('overview-sync');
      expect(panel.textContent).toMatch(/2 of 3 sources failing/);
      expect(panel.textContent).toMatch(/Last success\s*never/);
      const rows = screen.getAllByTestId('overview-sync-failing');
      expect(rows.map((r) => r.dataset.target)).toEqual([
        'securityhub 123456789012/eu-west-1',
        'inspector 123456789012/us-east-1',
      ]);
      expect(rows[0]!.textContent).toContain('securityhub 123456789012/eu-west-1');
      expect(rows[0]!.textContent).toContain(HOSTILE);
      expect(rows[0]!.querySelector('img')).toBeNull();
      expect(rows[0]!.querySelector('[title]')?.getAttribute('title')).toBe(long);
      expect(rows[1]!.textContent).toMatch(/security token .* expired/);
      expect(screen.getByTestId('overview-sync-link').getAttribute('href')).toBe('#/sync');
    });
  });

  it('counts the findings an import refused for a date in the future', async () => {
    const overview = sampleOverview();
    overview.last_import = { ...overview.last_import!, future: 3 };
    mockBackend({ overview });
    render(Overview);
    await screen.findByTestId('last-import');
    expect(value('import-future')).toBe('3');
    expect(screen.getByTestId('import-future').closest('[title]')?.getAttribute('title')).toMatch(/future/);
  });

  it('lists every severity, with zero for those the backend omits', async () => {
    mockBackend({ overview: sampleOverview({ by_severity: [{ severity: 'HIGH', total: 5, failed: 2 }] }) });
    render(Overview);

    await screen.findByTestId('kpi-active');
    expect(value('sev-HIGH')).toBe('2');
    expect(value('sev-CRITICAL')).toBe('0');
    expect(value('sev-LOW')).toBe('0');
  });

  it('shows the empty state with how to add data when there are no findings', async () => {
    mockBackend({ overview: emptyOverview() });
    render(Overview);

    const empty = await screen.findByTestId('empty-state');
    expect(empty.textContent).toMatch(/No findings yet/);
    expect(empty.textContent).toMatch(/rampart import FILE/);
    expect(empty.textContent).toMatch(/rampart demo/);
    expect(screen.queryByTestId('kpi-active')).toBeNull();
    expect(screen.getByTestId('overview-subtitle').textContent).toMatch(/^\s*Workspace/);
  });

  it('shows the preparing state while the core answers not_ready, then the data after a retry', async () => {
    let attempts = 0;
    const calls = mockBackend({
      overview: () => {
        attempts += 1;
        return attempts < 3
          ? { code: 'not_ready', message: 'workspace is being prepared' }
          : sampleOverview();
      },
      workspace_status: { state: 'preparing', message: 'Importing demo findings (2 of 5)' },
    });
    render(Overview);

    const preparing = await screen.findByTestId('preparing');
    expect(preparing.textContent).toMatch(/Importing demo findings \(2 of 5\)/);
    expect(screen.queryByTestId('kpi-active')).toBeNull();

    const active = await screen.findByTestId('kpi-active', {}, { timeout: 3000 });
    expect(active.getAttribute('data-value')).toBe('12345');
    expect(screen.queryByTestId('preparing')).toBeNull();
    expect(calls.filter((c) => c === 'overview')).toHaveLength(3);
    expect(calls).toContain('workspace_status');
  });

  it('waits about 500 ms between retries', async () => {
    vi.useFakeTimers();
    try {
      const calls = mockBackend({
        overview: { code: 'not_ready', message: 'preparing' },
        workspace_status: { state: 'preparing', message: null },
      });
      render(Overview);
      await vi.advanceTimersByTimeAsync(0);
      expect(calls.filter((c) => c === 'overview')).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(499);
      expect(calls.filter((c) => c === 'overview')).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(1);
      expect(calls.filter((c) => c === 'overview')).toHaveLength(2);
      await vi.advanceTimersByTimeAsync(1000);
      expect(calls.filter((c) => c === 'overview')).toHaveLength(4);
    } finally {
      vi.useRealTimers();
    }
  });

  it('shows an error when preparing the workspace failed', async () => {
    mockBackend({
      overview: { code: 'not_ready', message: 'preparing' },
      workspace_status: { state: 'error', message: 'demo seed is corrupt' },
    });
    render(Overview);

    const error = await screen.findByTestId('error');
    expect(error.textContent).toMatch(/demo seed is corrupt/);
  });

  it('tells the user to upgrade when the database is newer than this Rampart', async () => {
    mockBackend({ overview: { code: 'newer_schema', message: 'schema version 9 is newer than 3' } });
    render(Overview);

    const error = await screen.findByTestId('error');
    expect(error.dataset.code).toBe('newer_schema');
    expect(error.textContent).toMatch(/schema version 9 is newer than 3/);
    expect(error.textContent).toMatch(/Install the latest Rampart/);
    expect(within(error).queryByRole('button', { name: 'Try again' })).toBeNull();
  });

  it('shows a db_error with its message and recovers on Try again', async () => {
    let fail = true;
    mockBackend({
      overview: () => (fail ? { code: 'db_error', message: 'unable to open database file' } : sampleOverview()),
    });
    render(Overview);

    const error = await screen.findByTestId('error');
    expect(error.dataset.code).toBe('db_error');
    expect(error.textContent).toMatch(/unable to open database file/);

    fail = false;
    await fireEvent.click(within(error).getByRole('button', { name: 'Try again' }));
    expect((await screen.findByTestId('kpi-active')).getAttribute('data-value')).toBe('12345');
  });

  it('reloads the data on Refresh', async () => {
    let active = 10;
    mockBackend({
      overview: () => sampleOverview({ totals: { ...sampleOverview().totals, active } }),
    });
    render(Overview);

    expect((await screen.findByTestId('kpi-active')).getAttribute('data-value')).toBe('10');
    active = 11;
    await fireEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    await vi.waitFor(() => expect(value('kpi-active')).toBe('11'));
  });

  it('counts the failing findings past their SLA, linked to exactly those, in the OU in scope', async () => {
    const seen: Invocation[] = [];
    mockBackend({ overview: sampleOverview(), posture: samplePosture(), sla_summary: sampleSla() }, seen);
    render(Overview, { unit: 'ou-ab12-22222222' });
    const overdue = await screen.findByTestId('kpi-overdue');
    const expected = sampleSla().by_severity.reduce((n, s) => n + s.overdue, 0);
    expect(expected).toBeGreaterThan(0);
    expect(overdue.dataset.value).toBe(String(expected));
    expect(overdue.getAttribute('href')).toBe('#/findings?ou=ou-ab12-22222222&overdue=1');
    const asked = seen.find((i) => i.cmd === 'sla_summary')?.args?.query as { units: string[] } | undefined;
    expect(asked?.units).toEqual(['ou-ab12-22222222']);
  });

  it('names accounts with their OU, and lists the OUs with links to their failing findings', async () => {
    mockBackend({ overview: sampleOverview() });
    render(Overview);
    const account = await screen.findByTestId('account-111122223333');
    expect(within(account).getByText('payments-prod')).toBeTruthy();
    expect(within(account).getByTestId('account-ou').textContent).toBe('Root/Workloads/Prod');
    expect(within(account).getByRole('link').getAttribute('href')).toBe(
      '#/findings?account=111122223333',
    );
    const unnamed = screen.getByTestId('account-444455556666');
    expect(within(unnamed).queryByTestId('account-ou')).toBeNull();
    const prod = screen.getByTestId('unit-ou-ab12-22222222');
    expect(prod.dataset.path).toBe('Root/Workloads/Prod');
    expect(within(prod).getByRole('link').getAttribute('href')).toBe('#/findings?ou=ou-ab12-22222222');
  });

  it('shows one organizational unit: asks the core for its accounts only and says which', async () => {
    const seen: Invocation[] = [];
    mockBackend(
      {
        overview: (args) =>
          sampleOverview(
            args.units === undefined
              ? {}
              : { totals: { findings: 8, active: 8, archived: 0, failed: 3, passed: 5, warning: 0, not_available: 0 } },
          ),
        posture: samplePosture(),
        changes: sampleChanges(),
      },
      seen,
    );
    render(Overview, { unit: 'ou-ab12-11111111' });
    expect((await screen.findByTestId('overview-scope-label')).textContent).toBe('Root/Workloads');
    expect((screen.getByTestId('overview-scope') as HTMLSelectElement).value).toBe('ou-ab12-11111111');
    await waitFor(() => expect(seen.some((c) => c.cmd === 'posture')).toBe(true));
    await waitFor(() => expect(seen.some((c) => c.cmd === 'changes')).toBe(true));
    for (const cmd of ['overview', 'posture', 'changes']) {
      expect(seen.find((c) => c.cmd === cmd)?.args.units, cmd).toEqual(['ou-ab12-11111111']);
    }
    expect(value('kpi-active')).toBe('8');
    // Choosing another scope is a link: Back returns to this one.
    await fireEvent.change(screen.getByTestId('overview-scope'), { target: { value: '' } });
    expect(window.location.hash).toBe('#/overview');
  });

  it('says so when an organizational unit has no findings', async () => {
    mockBackend({
      overview: (args) =>
        args.units === undefined
          ? sampleOverview()
          : sampleOverview({ totals: { findings: 0, active: 0, archived: 0, failed: 0, passed: 0, warning: 0, not_available: 0 } }),
    });
    render(Overview, { unit: 'ou-ab12-22222222' });
    expect((await screen.findByTestId('overview-scope-empty')).textContent).toMatch(/No findings in this organizational unit/);
  });

  it('shows no OU panel when the workspace knows no organisation', async () => {
    mockBackend({ overview: sampleOverview({ by_unit: [] }) });
    render(Overview);
    await screen.findByTestId('account-111122223333');
    expect(screen.queryByTestId('unit-r-ab12')).toBeNull();
  });

  it('renders backend strings as text, never as HTML', async () => {
    const overview = sampleOverview({
      by_account: [{ account: HOSTILE, name: HOSTILE, ou_id: null, ou_path: HOSTILE, total: 3, failed: 1 }],
      by_source: [{ key: HOSTILE, total: 3, failed: 1 }],
    });
    overview.last_import = { ...overview.last_import!, label: HOSTILE, shape: HOSTILE };
    mockBackend({ overview });
    const { container } = render(Overview);

    const row = await screen.findByTestId(`account-${HOSTILE}`);
    expect(within(row).getAllByText(HOSTILE)).toHaveLength(3); // name, id and OU path
    expect(within(screen.getByTestId('last-import')).getAllByText(HOSTILE).length).toBeGreaterThan(0);
    expect(within(screen.getByTestId(`source-${HOSTILE}`)).getByText(HOSTILE)).toBeTruthy();
    expect(container.querySelector('img')).toBeNull();
  });

  it('shows bidi controls and zero-width characters from AWS as <U+…>, and control characters as spaces', async () => {
    const RLO = '\u202E';
    const ZWSP = '\u200B';
    const account = `${RLO}333322221111`;
    const overview = sampleOverview({
      by_account: [{ account, name: null, ou_id: null, ou_path: null, total: 3, failed: 1 }],
      sync: {
        targets: 1,
        last_attempt: Date.parse('2026-03-31T09:30:00Z'),
        last_success: null,
        failing: [{ target: `securityhub ${account}/eu-west-1`, error: `Denied${ZWSP}\u0007 by ${RLO}policy` }],
      },
    });
    overview.last_import = { ...overview.last_import!, label: `findings-${RLO}vsc.exe${ZWSP}.json` };
    mockBackend({ overview });
    const { container } = render(Overview);

    // The key identifies the row: the test id keeps it as it is.
    const row = await screen.findByTestId(`account-${account}`);
    expect(row.querySelector('th .id')!.textContent).toBe('<U+202E>333322221111');
    const label = within(screen.getByTestId('last-import')).getByText('findings-<U+202E>vsc.exe<U+200B>.json');
    expect(label.getAttribute('title')).toBe('findings-<U+202E>vsc.exe<U+200B>.json');
    const failing = screen.getByTestId('overview-sync-failing');
    expect(failing.dataset.target).toBe(`securityhub ${account}/eu-west-1`);
    expect(failing.textContent).toContain('securityhub <U+202E>333322221111/eu-west-1');
    expect(failing.textContent).toContain('Denied<U+200B>  by <U+202E>policy');
    expect(failing.querySelector('[title]')!.getAttribute('title')).toBe('Denied<U+200B>  by <U+202E>policy');
    expect(container.textContent).not.toMatch(/[\u202E\u200B\u0007]/);
  });

  it('renders a hostile error message as text', async () => {
    mockBackend({ overview: { code: 'db_error', message: HOSTILE } });
    const { container } = render(Overview);

    const error = await screen.findByTestId('error');
    expect(within(error).getByText(HOSTILE)).toBeTruthy();
    expect(container.querySelector('img')).toBeNull();
  });

  it('reports the workspace to its parent once loaded', async () => {
    mockBackend({ overview: sampleOverview() });
    const onworkspace = vi.fn();
    render(Overview, { onworkspace });

    await screen.findByTestId('kpi-active');
    expect(onworkspace).toHaveBeenCalledWith(sampleOverview().workspace);
  });

  describe('Frameworks panel', () => {
    it('shows one card per framework with its scores, counts and formula, linking to the framework', async () => {
      mockBackend({ overview: sampleOverview(), posture: samplePosture() });
      render(Overview);

      const hipaa = await screen.findByTestId('framework-card-hipaa');
      expect(hipaa.dataset.score).toBe('0.4431723657944191');
      expect(hipaa.dataset.controlScore).toBe('0.42328042328042326');
      expect(hipaa.getAttribute('href')).toBe('#/frameworks/hipaa');
      expect(hipaa.textContent).toMatch(/HIPAA Security Rule/);
      expect(screen.getByTestId('framework-score-hipaa').textContent).toBe('44%');
      expect(hipaa.textContent).toMatch(/Control score \(Security Hub\):\s*42%/);
      expect(hipaa.textContent).toMatch(/25\s*failing/);
      expect(hipaa.textContent).toMatch(/1\s*passing/);
      expect(hipaa.textContent).toMatch(/2\s*no data/);
      expect(hipaa.textContent).toMatch(/2 attested · 1 expired ·\s*7 not attested/);

      const api = screen.getByTestId('framework-card-api12');
      expect(api.dataset.score).toBe('0.3859631820571248');
      expect(screen.getByTestId('framework-score-api12').textContent).toBe('39%');
      expect(screen.getByTestId('framework-card-gdpr').dataset.score).toBe('0.4556935068055072');

      // The formula: in the tooltip, printed once, and the cards' accessible description.
      const formula = samplePosture().frameworks[0]!.formula;
      expect(within(hipaa).getAllByTitle(formula).length).toBeGreaterThan(0);
      const description = document.getElementById(hipaa.getAttribute('aria-describedby')!);
      expect(description?.textContent).toContain(formula);
      expect(screen.getByTestId('frameworks').textContent!.split(formula)).toHaveLength(2);
      expect(screen.getByTestId('frameworks').textContent).not.toMatch(/passing ÷/);
    });

    it('puts the requirements fully met (passing of passing + failing) beside the score', async () => {
      mockBackend({ overview: sampleOverview(), posture: samplePosture() });
      render(Overview);

      const met = await screen.findByTestId('framework-fully-met-hipaa');
      // 1 passing, 25 failing; the 2 without data and the 10 manual ones are not counted.
      expect(met.textContent?.replace(/\s+/g, ' ').trim()).toBe('Requirements fully met: 1 of 26');
      expect(met.dataset).toMatchObject({ passing: '1', total: '26' });
      expect(met.getAttribute('title')).toBe(samplePosture().frameworks[2]!.formula);
      // The strict count is not the score: the score weighs each requirement's passing controls.
      expect(screen.getByTestId('framework-score-hipaa').textContent).toBe('44%');
      expect(screen.getByTestId('framework-fully-met-api12').textContent).toMatch(/Requirements fully met:\s*0 of 10/);
      expect(screen.getByTestId('framework-fully-met-gdpr').textContent).toMatch(/Requirements fully met:\s*1 of 10/);
    });

    it('leaves data-score empty for a framework without a verdict', async () => {
      const posture = samplePosture();
      posture.frameworks[0] = { ...posture.frameworks[0]!, score: null, control_score: null };
      mockBackend({ overview: sampleOverview(), posture });
      render(Overview);

      const card = await screen.findByTestId('framework-card-api12');
      expect(card.dataset.score).toBe('');
      expect(card.dataset.controlScore).toBe('');
      expect(screen.getByTestId('framework-score-api12').textContent).toBe('—');
    });

    it('keeps the rest of the Overview when the posture fails, and says why in the panel', async () => {
      mockBackend({
        overview: sampleOverview(),
        posture: { code: 'catalog_error', message: 'custom.toml: duplicate requirement "API-1"' },
      });
      render(Overview);

      const error = await screen.findByTestId('frameworks-error');
      expect(error.textContent).toMatch(/compliance catalog could not be loaded/);
      expect(error.textContent).toMatch(/duplicate requirement "API-1"/);
      expect(screen.getByTestId('kpi-active')).toBeTruthy();
    });

    it('shows the unmapped findings and those mapped by reference, with what that means', async () => {
      mockBackend({ overview: sampleOverview(), posture: samplePosture() });
      render(Overview);

      const mapping = await screen.findByTestId('overview-mapping');
      const unmapped = screen.getByTestId('overview-mapping-unmapped');
      expect(unmapped.dataset.value).toBe('1');
      expect(unmapped.textContent?.replace(/\s+/g, ' ').trim()).toBe('1 unmapped');
      expect(within(unmapped).getByRole('link').getAttribute('href')).toBe('#/findings?status=any&unmapped=1');

      const byReference = screen.getByTestId('overview-mapping-by-reference');
      expect(byReference.dataset.value).toBe('4');
      expect(byReference.textContent?.replace(/\s+/g, ' ').trim()).toBe('4 mapped by reference');
      expect(byReference.getAttribute('title')).toBe(BY_REFERENCE_HELP);
      // The explanation is also printed, not only in the tooltip.
      expect(mapping.textContent).toContain(
        'Controls AWS added after this catalog: mapped through the NIST SP 800-53 controls AWS relates them to.',
      );
      expect(screen.getByTestId('frameworks').contains(mapping)).toBe(true);
    });

    it('renders framework names as text', async () => {
      const posture = samplePosture();
      posture.frameworks[0] = { ...posture.frameworks[0]!, name: HOSTILE };
      mockBackend({ overview: sampleOverview(), posture });
      const { container } = render(Overview);

      const card = await screen.findByTestId('framework-card-api12');
      expect(within(card).getByText(HOSTILE)).toBeTruthy();
      expect(container.querySelector('img')).toBeNull();
    });
  });

  describe('What changed panel', () => {
    it('asks for the changes since a week ago and shows the totals, top changes and latest findings', async () => {
      const seen: Invocation[] = [];
      mockBackend({ overview: sampleOverview(), posture: samplePosture(), changes: sampleChanges() }, seen);
      render(Overview);

      const panel = await screen.findByTestId('changes-panel');
      await waitFor(() => expect(value('changes-new')).toBe('6'));
      expect(seen.filter((c) => c.cmd === 'changes').map((c) => c.args)).toEqual([{ since: addDays(today(), -7) }]);
      expect(value('changes-fixed')).toBe('33');
      expect(value('changes-regressed')).toBe('13');
      expect(screen.getByTestId('changes-new').textContent).toMatch(/New\s*6/);

      const requirements = within(panel).getAllByTestId('changes-requirement');
      expect(requirements).toHaveLength(5);
      expect(requirements[0]!.dataset.key).toBe('gdpr:Art.32');
      expect(within(requirements[0]!).getByRole('link').getAttribute('href')).toBe('#/frameworks/gdpr/Art.32');
      expect(requirements[0]!.textContent).toMatch(/\+5.*−18.*↺8/s);
      expect(within(panel).getAllByTestId('changes-control')[0]!.dataset.key).toBe('RDS.8');
      const account = within(panel).getAllByTestId('changes-account')[0]!;
      expect(within(account).getByRole('link').getAttribute('href')).toBe('#/findings?account=444455556666');

      const latest = within(panel).getAllByTestId('changes-finding');
      expect(latest).toHaveLength(5);
      expect(latest.map((f) => f.dataset.id)).toEqual(sampleChanges().findings.slice(0, 5).map((f) => f.id));
      expect(latest[0]!.textContent).toMatch(/Fixed/);
      expect(latest[0]!.textContent).toMatch(/CVE-2024-35195 - requests/);
    });

    it('opens a changed finding in the side panel', async () => {
      const seen: Invocation[] = [];
      const changed = sampleChanges().findings[0]!;
      const row = { ...sampleFindingRows()[0]!, id: changed.id, title: changed.title };
      mockBackend(
        {
          overview: sampleOverview(),
          posture: samplePosture(),
          changes: sampleChanges(),
          findings_page: { total: 1, page: 1, page_size: 50, rows: [row] },
          finding_detail: { code: 'not_found', message: 'no detail in this test' },
        },
        seen,
      );
      render(Overview);
      const first = (await screen.findAllByTestId('changes-finding'))[0]!;
      await fireEvent.click(within(first).getByTestId('changes-open'));
      const panel = await screen.findByTestId('finding-panel');
      expect(panel.dataset.id).toBe(changed.id);
      const asked = seen.find((c) => c.cmd === 'findings_page')?.args.query as { search: string; statuses: string[] };
      expect(asked).toMatchObject({ search: changed.id, statuses: [] });
    });

    it('shows the latest changes of one kind when its total is pressed', async () => {
      mockBackend({ overview: sampleOverview(), posture: samplePosture(), changes: sampleChanges() });
      render(Overview);

      const regressed = await screen.findByTestId('changes-regressed');
      await fireEvent.click(regressed);
      expect(regressed.getAttribute('aria-pressed')).toBe('true');
      const latest = screen.getAllByTestId('changes-finding');
      expect(latest.length).toBeGreaterThan(0);
      expect(latest.every((f) => f.dataset.kind === 'regressed')).toBe(true);
      await fireEvent.click(regressed);
      expect(screen.getAllByTestId('changes-finding').some((f) => f.dataset.kind === 'fixed')).toBe(true);
    });

    it('keeps the dashboard when the changes fail, and says why in the panel', async () => {
      mockBackend({
        overview: sampleOverview(),
        posture: samplePosture(),
        changes: { code: 'db_error', message: 'no such table: finding_history' },
      });
      render(Overview);

      const error = await screen.findByTestId('changes-error');
      expect(error.textContent).toMatch(/no such table: finding_history/);
      expect(screen.getByTestId('kpi-active')).toBeTruthy();
    });

    it('renders changed findings and keys as text', async () => {
      const changes = sampleChanges();
      changes.findings[0] = { ...changes.findings[0]!, title: HOSTILE, account: HOSTILE };
      changes.by_control[0] = { ...changes.by_control[0]!, key: HOSTILE };
      changes.by_requirement[0] = { ...changes.by_requirement[0]!, key: `gdpr:${HOSTILE}` };
      mockBackend({ overview: sampleOverview(), posture: samplePosture(), changes });
      const { container } = render(Overview);

      const panel = await screen.findByTestId('changes-panel');
      await waitFor(() => expect(within(panel).getAllByText(HOSTILE).length).toBeGreaterThan(1));
      expect(within(panel).getByText(`gdpr:${HOSTILE}`)).toBeTruthy();
      expect(container.querySelector('img')).toBeNull();
    });
  });

  describe('Expiry banner', () => {
    it('names how many acceptances expire within 14 days, the nearest one, and links to them', async () => {
      const seen: Invocation[] = [];
      const expiring = sampleAcceptances().filter((a) => a.expiring_soon);
      mockBackend({ overview: sampleOverview(), posture: samplePosture(), exceptions: expiring }, seen);
      render(Overview);

      const banner = await screen.findByTestId('expiry-banner');
      expect(seen.filter((c) => c.cmd === 'exceptions').map((c) => c.args)).toEqual([{ expiring: 14 }]);
      expect(banner.dataset.count).toBe('2');
      expect(banner.textContent).toMatch(/2 risk acceptances expire within 14 days/);
      // The nearest is the S3.8 control, on Dec 4 (UTC), 4 days left.
      expect(banner.textContent).toMatch(/control\s*S3\.8/);
      expect(banner.textContent).toContain(
        new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' }).format(Date.UTC(2026, 11, 4)),
      );
      expect(banner.textContent).toMatch(/4 days left/);
      expect(screen.getByTestId('expiry-banner-link').getAttribute('href')).toBe('#/exceptions?filter=expiring');
    });

    it('says "1 risk acceptance expires" for one', async () => {
      const one = sampleAcceptances().filter((a) => a.id === 3);
      mockBackend({ overview: sampleOverview(), posture: samplePosture(), exceptions: one });
      render(Overview);
      expect((await screen.findByTestId('expiry-banner')).textContent).toMatch(/1 risk acceptance expires within 14 days/);
    });

    it('shows nothing when none expires soon, or when they cannot be read', async () => {
      mockBackend({ overview: sampleOverview(), posture: samplePosture(), exceptions: [] });
      const first = render(Overview);
      await screen.findByTestId('kpi-active');
      await waitFor(() => expect(screen.getByTestId('framework-card-hipaa')).toBeTruthy());
      expect(screen.queryByTestId('expiry-banner')).toBeNull();
      first.unmount();

      mockBackend({ overview: sampleOverview(), posture: samplePosture(), exceptions: { code: 'db_error', message: 'x' } });
      render(Overview);
      await waitFor(() => expect(screen.getByTestId('framework-card-hipaa')).toBeTruthy());
      expect(screen.queryByTestId('expiry-banner')).toBeNull();
      expect(screen.queryByTestId('error')).toBeNull();
    });
  });
});
