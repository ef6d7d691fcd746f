// The Export menus against a mocked core: the request each placement sends (what, format,
// framework, period, the explorer's query), the saved path shown as text, a cancelled dialog
// that says nothing, an error message, and the keyboard.
import { clearMocks } from '@tauri-apps/api/mocks';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import type { ExportRequest, FindingsQuery } from '../backend';
import {
  mockBackend,
  sampleChanges,
  sampleOverview,
  samplePosture,
  sampleSla,
  sampleTrend,
  syntheticPage,
  type Backend,
  type Invocation,
} from '../../test/fixtures';
import FindingsExplorer from '../findings/FindingsExplorer.svelte';
import { EMPTY_FILTERS, toFindingsQuery } from '../findings/query';
import FrameworkView from '../frameworks/FrameworkView.svelte';
import Overview from '../overview/Overview.svelte';
import TrendsView from '../trends/TrendsView.svelte';
import ExportMenu from './ExportMenu.svelte';
import { REPORT_FORMATS, reportRequest } from './export';

const HOSTILE = '<img src=x onerror=alert(1)>';

afterEach(() => {
  clearMocks();
  window.location.hash = '';
  localStorage.clear();
});

function exports(seen: Invocation[]): ExportRequest[] {
  return seen.filter((c) => c.cmd === 'export').map((c) => c.args.request as ExportRequest);
}

/** Opens the menu and picks `format`; resolves with the result line once it is no longer busy. */
async function exportAs(format: string): Promise<HTMLElement> {
  await fireEvent.click(await screen.findByTestId('export-menu'));
  await fireEvent.click(screen.getByTestId(`export-${format}`));
  const result = screen.getByTestId('export-result');
  await waitFor(() => expect(result.dataset.state).not.toBe('busy'));
  return result;
}

function renderMenu(answer: Backend['export'], seen: Invocation[] = []) {
  mockBackend({ export: answer }, seen);
  return render(ExportMenu, { formats: REPORT_FORMATS, request: (format) => reportRequest(format) });
}

describe('ExportMenu', () => {
  it('offers the formats in a disclosure the keyboard can open and close', async () => {
    renderMenu('/tmp/x.pdf');
    const button = screen.getByTestId('export-menu');
    expect(button.textContent).toMatch(/Export/);
    expect(button.getAttribute('aria-expanded')).toBe('false');
    expect(screen.getByTestId('export-pdf').closest('ul')?.hidden).toBe(true);

    await fireEvent.click(button);
    expect(button.getAttribute('aria-expanded')).toBe('true');
    expect(screen.getByTestId('export-pdf').closest('ul')?.hidden).toBe(false);
    expect(document.activeElement).toBe(screen.getByTestId('export-pdf'));
    expect(screen.getByTestId('export-pdf').textContent?.trim()).toBe('PDF report');
    expect(screen.getByTestId('export-json').textContent?.trim()).toBe('JSON data');

    await fireEvent.keyDown(screen.getByTestId('export-pdf'), { key: 'Escape' });
    expect(button.getAttribute('aria-expanded')).toBe('false');
    expect(document.activeElement).toBe(button);
  });

  it('says where the file was saved, as text, after a busy state', async () => {
    let finish: (path: string) => void = () => {};
    renderMenu(() => new Promise<string>((resolve) => (finish = resolve)));
    await fireEvent.click(screen.getByTestId('export-menu'));
    await fireEvent.click(screen.getByTestId('export-pdf'));

    const button = screen.getByTestId('export-menu');
    const result = screen.getByTestId('export-result');
    await waitFor(() => expect(result.dataset.state).toBe('busy'));
    expect(button.textContent).toMatch(/Exporting…/);
    expect(button.getAttribute('aria-busy')).toBe('true');
    expect(document.activeElement).toBe(button);

    const path = `/home/ana/${HOSTILE}/rampart-executive-summary-2026-11-29.pdf`;
    finish(path);
    await waitFor(() => expect(result.dataset.state).toBe('saved'));
    expect(result.getAttribute('role')).toBe('status');
    expect(result.dataset.path).toBe(path);
    expect(result.textContent?.replace(/\s+/g, ' ').trim()).toBe(`Saved to ${path}`);
    expect(result.querySelector('img')).toBeNull();
    expect(button.textContent).toMatch(/Export/);
  });

  it('says nothing when the save dialog is cancelled', async () => {
    renderMenu(null);
    const result = await exportAs('pdf');
    expect(result.dataset.state).toBe('');
    expect(result.textContent?.trim()).toBe('');
  });

  it('shows the core’s error message', async () => {
    renderMenu({ code: 'internal', message: 'cannot write /readonly/x.pdf: permission denied' });
    const result = await exportAs('json');
    expect(result.dataset.state).toBe('error');
    expect(result.textContent?.trim()).toBe('Not exported: cannot write /readonly/x.pdf: permission denied');
  });
});

describe('Export placements', () => {
  it('an Overview of one organizational unit exports its executive summary', async () => {
    const seen: Invocation[] = [];
    mockBackend({ overview: sampleOverview(), export: '/tmp/rampart-executive-summary-ou-2026-11-29.pdf' }, seen);
    render(Overview, { unit: 'ou-ab12-11111111' });
    await screen.findByTestId('kpi-active');
    await exportAs('pdf');
    expect(exports(seen)).toEqual([
      { what: 'report', format: 'pdf', framework: null, from: null, to: null, query: null, units: ['ou-ab12-11111111'] },
    ]);
  });

  it('Overview exports the executive summary (PDF and JSON)', async () => {
    const seen: Invocation[] = [];
    mockBackend({ overview: sampleOverview(), export: '/tmp/rampart-executive-summary-2026-11-29.pdf' }, seen);
    render(Overview);
    await screen.findByTestId('kpi-active');

    const result = await exportAs('pdf');
    expect(result.textContent).toMatch(/Saved to \/tmp\/rampart-executive-summary-2026-11-29\.pdf/);
    await exportAs('json');
    expect(exports(seen)).toEqual([
      { what: 'report', format: 'pdf', framework: null, from: null, to: null, query: null },
      { what: 'report', format: 'json', framework: null, from: null, to: null, query: null },
    ]);
  });

  it('Trends exports the executive summary for the period on screen', async () => {
    const seen: Invocation[] = [];
    const trend = sampleTrend();
    mockBackend({ trend, changes: sampleChanges(), export: '/tmp/summary.pdf' }, seen);
    render(TrendsView, { range: { days: 30, until: null, weekly: false } });
    await screen.findByTestId('trend-table-hipaa');

    await exportAs('pdf');
    expect(exports(seen)).toEqual([
      { what: 'report', format: 'pdf', framework: null, from: trend.from, to: trend.to, query: null },
    ]);
  });

  it('the Framework view exports that framework’s report, as of its day', async () => {
    const seen: Invocation[] = [];
    mockBackend({ posture: samplePosture(), export: '/tmp/rampart-hipaa-report.pdf' }, seen);
    const view = render(FrameworkView, { framework: 'hipaa', at: null });
    await screen.findByTestId('requirement-row-164.312(b)');

    await exportAs('pdf');
    await view.rerender({ framework: 'hipaa', at: '2026-10-01' });
    await exportAs('json');
    expect(exports(seen)).toEqual([
      { what: 'report', format: 'pdf', framework: 'hipaa', from: null, to: null, query: null },
      { what: 'report', format: 'json', framework: 'hipaa', from: null, to: '2026-10-01', query: null },
    ]);
  });

  it('the explorer exports its selection with the query it sends to findings_page', async () => {
    const seen: Invocation[] = [];
    mockBackend(
      {
        overview: sampleOverview(),
        posture: samplePosture(),
        sla_summary: sampleSla(),
        findings_page: (args) => syntheticPage(args.query as FindingsQuery, 42),
        export: '/tmp/rampart-findings-2026-11-29.csv',
      },
      seen,
    );
    render(FindingsExplorer, { query: 'severity=CRITICAL&status=failed&search=bucket&sort=updated', debounceMs: 0 });
    await screen.findByTestId('explorer-total');

    const menu = screen.getByTestId('export-menu');
    expect(menu.textContent).toMatch(/Export selection/);
    const result = await exportAs('csv');
    expect(result.textContent).toMatch(/Saved to \/tmp\/rampart-findings-2026-11-29\.csv/);
    await exportAs('json');

    const sent = seen.filter((c) => c.cmd === 'findings_page').map((c) => c.args.query as FindingsQuery)[0]!;
    const expected = toFindingsQuery(
      { ...EMPTY_FILTERS, severities: ['CRITICAL'], statuses: ['failed'], search: 'bucket', sort: 'updated' },
      1,
    );
    expect(sent).toEqual(expected);
    expect(exports(seen)).toEqual([
      { what: 'findings', format: 'csv', framework: null, from: null, to: null, query: sent },
      { what: 'findings', format: 'json', framework: null, from: null, to: null, query: sent },
    ]);
  });
});
