// The application shell: hash routing between views, navigation, and the sidebar's workspace status line.
import { clearMocks } from '@tauri-apps/api/mocks';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import App from './App.svelte';
import type { FindingsQuery, SyncReport } from './lib/backend';
import { syncSession } from './lib/sync/session.svelte';
import {
  mockBackend,
  sampleAcceptances,
  sampleAuditLog,
  sampleOverview,
  samplePosture,
  sampleRequirement,
  sampleSettings,
  sampleSla,
  sampleSyncReport,
  syntheticPage,
  type Invocation,
} from './test/fixtures';

afterEach(() => {
  clearMocks();
  window.location.hash = '';
});

/** Changes the location hash as a link or Back would (jsdom then fires hashchange). */
function go(hash: string): void {
  window.location.hash = hash;
}

function fullBackend(invocations?: Invocation[]): string[] {
  return mockBackend(
    {
      overview: sampleOverview(),
      posture: samplePosture(),
      requirement_detail: (args) =>
        args.requirement === 'API-6' ? sampleRequirement('API-6') : sampleRequirement('164.312(b)'),
    },
    invocations,
  );
}

describe('App', () => {
  it('marks Overview as the current section and links every section', async () => {
    mockBackend({ overview: sampleOverview(), posture: samplePosture() });
    render(App);

    const nav = screen.getByRole('navigation', { name: 'Sections' });
    const current = nav.querySelector('[aria-current="page"]');
    expect(current?.textContent).toMatch(/Overview/);
    for (const [label, href] of [
      ['Frameworks', '#/frameworks'],
      ['Findings', '#/findings'],
      ['Trends', '#/trends'],
      ['Exceptions', '#/exceptions'],
      ['Sync', '#/sync'],
      ['Settings', '#/settings'],
    ]) {
      const link = within(nav).getByRole('link', { name: label });
      expect(link.getAttribute('href')).toBe(href);
    }
    expect(nav.textContent).not.toMatch(/soon/);
    expect(nav.querySelectorAll('li')).toHaveLength(nav.querySelectorAll('li a').length);
    await screen.findByTestId('kpi-active');
  });

  it('shows the open database and whether it is the demo workspace', async () => {
    mockBackend({ overview: sampleOverview() });
    render(App);

    const status = screen.getByTestId('workspace-status');
    expect(status.textContent).toMatch(/Opening workspace/);
    await screen.findByTestId('kpi-active');
    expect(status.textContent).toMatch(/Demo workspace/);
    expect(status.textContent).toMatch(/\/home\/ana\/\.local\/share\/rampart\/rampart\.db/);
  });

  it('renders a hostile database path as text', async () => {
    const path = '/tmp/<img src=x onerror=alert(1)>.db';
    mockBackend({
      overview: sampleOverview({ workspace: { db_path: path, is_demo: false, schema_version: 1 } }),
    });
    const { container } = render(App);

    await screen.findByTestId('kpi-active');
    expect(screen.getByTestId('workspace-status').textContent).toMatch(/^\s*Workspace/);
    expect(screen.getByText(path)).toBeTruthy();
    expect(container.querySelector('img')).toBeNull();
  });

  describe('routing', () => {
    it('switches views as the hash changes, and back again', async () => {
      fullBackend();
      render(App);
      await screen.findByTestId('kpi-active');
      expect(screen.getByRole('main').dataset.view).toBe('overview');

      go('#/frameworks/hipaa');
      expect(await screen.findByTestId('requirement-row-164.312(b)')).toBeTruthy();
      expect(screen.queryByTestId('kpi-active')).toBeNull();
      const nav = screen.getByRole('navigation', { name: 'Sections' });
      expect(nav.querySelector('[aria-current="page"]')?.textContent).toMatch(/Frameworks/);

      go('#/frameworks/hipaa/164.312(b)');
      expect(await screen.findByTestId('requirement-header')).toBeTruthy();
      expect(screen.getByRole('heading', { level: 1 }).textContent).toMatch(/Audit controls/);
      expect(nav.querySelector('[aria-current="page"]')?.textContent).toMatch(/Frameworks/);

      // Back: the framework again, then the Overview.
      go('#/frameworks/hipaa');
      expect(await screen.findByTestId('requirement-row-164.312(b)')).toBeTruthy();
      go('#/overview');
      expect(await screen.findByTestId('kpi-active')).toBeTruthy();
    });

    it('starts on the view the hash names', async () => {
      window.location.hash = '#/frameworks/api12/API-6';
      const seen: Invocation[] = [];
      fullBackend(seen);
      render(App);

      expect((await screen.findByTestId('requirement-header')).dataset.status).toBe('attested');
      expect(seen).toContainEqual({ cmd: 'requirement_detail', args: { framework: 'api12', requirement: 'API-6' } });
      // The sidebar still learns which workspace is open.
      await waitFor(() => expect(screen.getByTestId('workspace-status').textContent).toMatch(/Demo workspace/));
    });

    it('opens the Exceptions view, its audit log tab, and Settings, from the banner and the sidebar', async () => {
      mockBackend({
        overview: sampleOverview(),
        posture: samplePosture(),
        exceptions: (args) => (args.expiring === 14 ? sampleAcceptances().filter((a) => a.expiring_soon) : sampleAcceptances()),
        audit_log: sampleAuditLog(),
        settings: sampleSettings(),
      });
      render(App);
      const nav = screen.getByRole('navigation', { name: 'Sections' });

      go((await screen.findByTestId('expiry-banner-link')).getAttribute('href')!);
      await waitFor(() => expect(screen.getAllByTestId('exception-row').map((r) => r.dataset.id)).toEqual(['3', '1']));
      expect(screen.getByTestId('exceptions-filter-expiring').getAttribute('aria-pressed')).toBe('true');
      expect(nav.querySelector('[aria-current="page"]')?.textContent).toMatch(/Exceptions/);

      go(screen.getByTestId('audit-tab').getAttribute('href')!);
      expect(await screen.findAllByTestId('audit-entry')).toHaveLength(3);
      expect(screen.getByTestId('audit-tab').getAttribute('aria-current')).toBe('page');
      expect(nav.querySelector('[aria-current="page"]')?.textContent).toMatch(/Exceptions/);

      go(within(nav).getByRole('link', { name: 'Settings' }).getAttribute('href')!);
      expect(await screen.findByTestId('settings-form')).toBeTruthy();
      expect(nav.querySelector('[aria-current="page"]')?.textContent).toMatch(/Settings/);
    });

    it('syncs from the Sync view (the sidebar shows it runs), and the Overview then loads the new counts', async () => {
      const seen: Invocation[] = [];
      let finish: (report: SyncReport) => void = () => {};
      let overviews = 0;
      mockBackend(
        {
          overview: () => (overviews++ === 0 ? sampleOverview() : sampleOverview({ imports: 8 })),
          posture: samplePosture(),
          sync_status: [],
          sync_start: () => new Promise<SyncReport>((resolve) => (finish = resolve)),
        },
        seen,
      );
      render(App);
      await screen.findByTestId('kpi-active');
      const nav = screen.getByRole('navigation', { name: 'Sections' });

      go(within(nav).getByRole('link', { name: 'Sync' }).getAttribute('href')!);
      await screen.findByTestId('sync-form');
      expect(nav.querySelector('[aria-current="page"]')?.textContent).toMatch(/Sync/);
      expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Sync');
      expect(screen.queryByTestId('sync-running')).toBeNull();

      await fireEvent.click(screen.getByTestId('sync-start'));
      expect(await screen.findByTestId('sync-running')).toBeTruthy();
      expect(within(nav).getByRole('link', { name: 'Sync (running)' })).toBeTruthy();

      finish(sampleSyncReport());
      await screen.findByTestId('sync-summary');
      expect(screen.queryByTestId('sync-running')).toBeNull();

      const before = seen.filter((c) => c.cmd === 'overview').length;
      go(within(nav).getByRole('link', { name: 'Overview' }).getAttribute('href')!);
      await screen.findByTestId('kpi-active');
      await waitFor(() => expect(seen.filter((c) => c.cmd === 'overview').length).toBe(before + 1));
      syncSession.reset();
    });

    it('follows a framework card from the Overview to the framework', async () => {
      fullBackend();
      render(App);

      const card = await screen.findByTestId('framework-card-gdpr');
      go(card.getAttribute('href')!);
      expect(await screen.findByTestId('requirement-row-Art.24')).toBeTruthy();
      expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('GDPR');
    });

    it('reloads the posture with at when the as-of date changes', async () => {
      window.location.hash = '#/frameworks/hipaa';
      const seen: Invocation[] = [];
      fullBackend(seen);
      render(App);
      await screen.findByTestId('requirement-row-164.312(b)');
      expect(seen.filter((c) => c.cmd === 'posture').map((c) => c.args)).toEqual([{}]);

      await fireEvent.change(screen.getByTestId('as-of'), { target: { value: '2026-09-30' } });
      expect((await screen.findByTestId('historical')).textContent).toMatch(/Posture as of 2026-09-30/);
      expect(window.location.hash).toBe('#/frameworks/hipaa?at=2026-09-30');
      await waitFor(() =>
        expect(seen.filter((c) => c.cmd === 'posture').map((c) => c.args)).toEqual([{}, { at: '2026-09-30' }]),
      );

      // Back to today: the live posture again.
      go(screen.getByTestId('back-to-today').getAttribute('href')!);
      await waitFor(() => expect(screen.queryByTestId('historical')).toBeNull());
      await waitFor(() => expect(seen.filter((c) => c.cmd === 'posture').at(-1)?.args).toEqual({}));
    });

    it('keeps the view when the skip link is used', async () => {
      window.location.hash = '#/frameworks/hipaa';
      fullBackend();
      render(App);
      await screen.findByTestId('requirement-row-164.312(b)');

      await fireEvent.click(screen.getByRole('link', { name: 'Skip to content' }));
      expect(window.location.hash).toBe('#/frameworks/hipaa');
      expect(document.activeElement).toBe(screen.getByRole('main'));
    });

    it('follows a requirement’s "See all failing findings" link into the explorer, pre-filtered', async () => {
      window.location.hash = '#/frameworks/hipaa/164.312(b)';
      const seen: Invocation[] = [];
      mockBackend(
        {
          overview: sampleOverview(),
          posture: samplePosture(),
          requirement_detail: sampleRequirement('164.312(b)'),
          sla_summary: sampleSla(),
          findings_page: (args) => syntheticPage(args.query as FindingsQuery, 42),
        },
        seen,
      );
      render(App);

      const link = await screen.findByTestId('explorer-link');
      const failed = sampleRequirement('164.312(b)').posture.failed;
      expect(link.textContent).toBe(`See all ${failed} failing findings`);
      expect(link.getAttribute('href')).toBe('#/findings?framework=hipaa&requirement=164.312%28b%29');

      go(link.getAttribute('href')!);
      expect((await screen.findByTestId('explorer-total')).dataset.value).toBe('42');
      expect(seen.filter((c) => c.cmd === 'findings_page').at(-1)?.args.query).toMatchObject({
        framework: 'hipaa',
        requirement: '164.312(b)',
        statuses: ['failed'],
        record_state: 'active',
      });
      const nav = screen.getByRole('navigation', { name: 'Sections' });
      expect(nav.querySelector('[aria-current="page"]')?.textContent).toMatch(/Findings/);
    });

    it('links a framework to its failing findings', async () => {
      window.location.hash = '#/frameworks/gdpr';
      fullBackend();
      render(App);

      const link = await screen.findByTestId('explorer-link');
      expect(link.getAttribute('href')).toBe('#/findings?framework=gdpr');
    });

    it('says when a page does not exist', async () => {
      window.location.hash = '#/nowhere';
      fullBackend();
      render(App);

      const lost = screen.getByTestId('page-not-found');
      expect(lost.textContent).toMatch(/\/nowhere/);
      expect(within(lost).getByRole('link').getAttribute('href')).toBe('#/overview');
    });
  });
});
