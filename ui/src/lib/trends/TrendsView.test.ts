// The Trends view against a mocked core: what it asks for, the points it shows, carried days,
// the range controls, and the weekly changes.
import { clearMocks } from '@tauri-apps/api/mocks';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import App from '../../App.svelte';
import { mockBackend, sampleChanges, sampleOverview, samplePosture, sampleTrend, type Invocation } from '../../test/fixtures';
import TrendsView from './TrendsView.svelte';

const HOSTILE = '<img src=x onerror=alert(1)>';

afterEach(() => {
  clearMocks();
  window.location.hash = '';
});

function trendCalls(seen: Invocation[]): Array<Record<string, unknown>> {
  return seen.filter((c) => c.cmd === 'trend').map((c) => c.args);
}

describe('Trends', () => {
  it('asks for the range, and renders each framework’s points in a chart and a table', async () => {
    const seen: Invocation[] = [];
    mockBackend({ trend: sampleTrend(), changes: sampleChanges() }, seen);
    render(TrendsView, { range: { days: 30, until: null, weekly: false } });

    const table = await screen.findByTestId('trend-table-hipaa');
    expect(trendCalls(seen)).toEqual([{ days: 30, weekly: false }]);
    const rows = within(table).getAllByTestId('trend-row');
    expect(rows).toHaveLength(30);
    const hipaa = sampleTrend().frameworks.find((f) => f.id === 'hipaa')!;
    // Newest first.
    const newest = hipaa.points.at(-1)!;
    expect(rows[0]!.dataset).toMatchObject({
      day: newest.day,
      score: String(newest.score),
      controlScore: String(newest.control_score),
      carried: 'true',
    });
    expect(rows[1]!.dataset.carried).toBe('false');
    expect(screen.getByTestId('trend-table-api12')).toBeTruthy();
    expect(screen.getByTestId('trend-table-gdpr')).toBeTruthy();

    const chart = screen.getByTestId('trend-chart-hipaa');
    expect(chart.dataset.points).toBe('30');
    expect(chart.dataset.carried).toBe('1');
    expect(chart.getAttribute('role')).toBe('img');
    expect(chart.getAttribute('aria-label')).toMatch(/HIPAA Security Rule, daily from 2026-10-31 to 2026-11-29/);
    // ECharts draws into the container as SVG.
    await waitFor(() => expect(chart.querySelector('svg')).not.toBeNull());
  });

  it('shows the latest score with the requirements fully met, Security Hub’s control score and the formula', async () => {
    const seen: Invocation[] = [];
    mockBackend({ trend: sampleTrend(), changes: sampleChanges(), posture: samplePosture() }, seen);
    render(TrendsView, { range: { days: 30, until: null, weekly: false } });

    const panel = await screen.findByTestId('trend-panel-hipaa');
    const newest = sampleTrend().frameworks.find((f) => f.id === 'hipaa')!.points.at(-1)!;
    expect(within(panel).getByTestId('trend-score-hipaa').textContent?.trim()).toBe('45%');
    const met = within(panel).getByTestId('trend-fully-met-hipaa');
    expect(met.parentElement?.querySelector('dt')?.textContent).toBe('Requirements fully met');
    // Passing of passing + failing on the latest day: 2 of 26.
    expect(met.textContent?.replace(/\s+/g, ' ').trim()).toBe(`${newest.passing} of ${newest.passing + newest.failing}`);
    expect(met.dataset).toMatchObject({ passing: '2', total: '26' });
    expect(panel.textContent).toMatch(/Control score \(Security Hub\)\s*40%/);

    // The trend has no formula: the posture is asked for it once, and it is printed once above the panels.
    const formula = samplePosture().frameworks[0]!.formula;
    const printed = await screen.findByTestId('trend-formula');
    expect(printed.textContent).toContain(formula);
    expect(screen.getAllByTestId('trend-formula')).toHaveLength(1);
    expect(seen.filter((c) => c.cmd === 'posture')).toHaveLength(1);
    expect(met.getAttribute('aria-describedby')).toBe(printed.id);
    expect(within(panel).getByTestId('trend-score-hipaa').getAttribute('aria-describedby')).toBe(printed.id);
    expect(within(panel).getAllByTitle(formula).length).toBeGreaterThan(0);

    const table = within(panel).getByTestId('trend-table-hipaa');
    expect(within(table).getByRole('columnheader', { name: 'Requirements fully met' })).toBeTruthy();
    expect(within(table).getByRole('columnheader', { name: 'Control score (Security Hub)' })).toBeTruthy();
    expect(screen.getByTestId('trend-chart-hipaa').getAttribute('aria-label')).toMatch(/Requirements fully met: 2 of 26\./);
  });

  it('shows the trend without the formula when the posture cannot be read', async () => {
    const seen: Invocation[] = [];
    mockBackend({ trend: sampleTrend(), changes: sampleChanges(), posture: { code: 'db_error', message: 'disk I/O error' } }, seen);
    render(TrendsView, { range: { days: 30, until: null, weekly: false } });

    const panel = await screen.findByTestId('trend-panel-hipaa');
    await waitFor(() => expect(seen.some((c) => c.cmd === 'posture')).toBe(true));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(within(panel).getByTestId('trend-fully-met-hipaa').hasAttribute('aria-describedby')).toBe(false);
    expect(screen.queryByTestId('trend-formula')).toBeNull();
    expect(screen.queryByTestId('error')).toBeNull();
  });

  it('marks carried-forward days in the table, the description and the legend note', async () => {
    const trend = sampleTrend();
    const hipaa = trend.frameworks.find((f) => f.id === 'hipaa')!;
    for (const day of ['2026-11-10', '2026-11-11']) hipaa.points.find((p) => p.day === day)!.carried = true;
    mockBackend({ trend, changes: sampleChanges() });
    render(TrendsView, { range: { days: 30, until: null, weekly: false } });

    const table = await screen.findByTestId('trend-table-hipaa');
    const carried = within(table)
      .getAllByTestId('trend-row')
      .filter((r) => r.dataset.carried === 'true')
      .map((r) => r.dataset.day);
    expect(carried).toEqual(['2026-11-29', '2026-11-11', '2026-11-10']);
    expect(within(table).getAllByText('none: carried forward')).toHaveLength(3);
    expect(screen.getByTestId('trend-chart-hipaa').dataset.carried).toBe('3');
    expect(screen.getByTestId('trend-chart-hipaa').getAttribute('aria-label')).toMatch(
      /3 days without an import, carried forward/,
    );
    const note = within(screen.getByTestId('trend-panel-hipaa')).getByTestId('carried-note');
    expect(note.textContent).toMatch(/Hollow points.*3\s+days with no import/s);
  });

  it('asks with until and weekly, and labels weekly points', async () => {
    const seen: Invocation[] = [];
    mockBackend({ trend: sampleTrend('weekly'), changes: sampleChanges() }, seen);
    render(TrendsView, { range: { days: 180, until: '2026-11-29', weekly: true } });

    const table = await screen.findByTestId('trend-table-gdpr');
    expect(trendCalls(seen)).toEqual([{ days: 180, until: '2026-11-29', weekly: true }]);
    expect(within(table).getAllByTestId('trend-row')).toHaveLength(12);
    expect(within(table).getByRole('columnheader', { name: 'Week to' })).toBeTruthy();
    expect(screen.getByTestId('trend-chart-gdpr').getAttribute('aria-label')).toMatch(/GDPR, weekly from/);
  });

  it('loads new vs fixed with one changes call per week, newest first, and shows them', async () => {
    const seen: Invocation[] = [];
    mockBackend(
      {
        trend: sampleTrend(),
        changes: (args) => {
          const c = sampleChanges();
          c.totals = { new: args.since === '2026-11-22' ? 6 : 1, fixed: 2, regressed: 0 };
          return c;
        },
      },
      seen,
    );
    render(TrendsView, { range: { days: 30, until: '2026-11-29', weekly: false } });

    const table = await screen.findByTestId('changes-table');
    await waitFor(() => expect(within(table).getAllByTestId('changes-week').every((r) => r.dataset.new !== '')).toBe(true));
    const calls = seen.filter((c) => c.cmd === 'changes').map((c) => c.args);
    expect(calls).toHaveLength(5);
    expect(calls[0]).toEqual(
      '2026-11-29' < new Date().toISOString().slice(0, 10)
        ? { since: '2026-11-22', until: '2026-11-29' }
        : { since: '2026-11-22' },
    );
    const weeks = within(table).getAllByTestId('changes-week');
    expect(weeks[0]!.dataset).toMatchObject({ since: '2026-11-22', until: '2026-11-29', new: '6', fixed: '2', regressed: '0' });
    expect(weeks.at(-1)!.dataset.since).toBe('2026-10-25');
    expect(screen.getByTestId('changes-chart').getAttribute('aria-label')).toMatch(/10 new, 10 fixed, 0 regressed/);
  });

  it('shows an error with Try again', async () => {
    let fail = true;
    mockBackend({ trend: () => (fail ? { code: 'bad_request', message: 'days must be between 1 and 3660' } : sampleTrend()) });
    render(TrendsView, { range: { days: 30, until: null, weekly: false } });

    const error = await screen.findByTestId('error');
    expect(error.textContent).toMatch(/days must be between 1 and 3660/);
    fail = false;
    await fireEvent.click(within(error).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByTestId('trend-table-hipaa')).toBeTruthy();
  });

  it('renders framework names as text', async () => {
    const trend = sampleTrend();
    trend.frameworks[0]!.name = HOSTILE;
    mockBackend({ trend, changes: sampleChanges() });
    const { container } = render(TrendsView, { range: { days: 30, until: null, weekly: false } });

    const panel = await screen.findByTestId('trend-panel-api12');
    expect(within(panel).getAllByText(HOSTILE).length).toBeGreaterThan(0);
    expect(container.querySelector('img')).toBeNull();
  });
});

describe('Trends in the window', () => {
  it('changes the period and the granularity through the URL', async () => {
    window.location.hash = '#/trends';
    const seen: Invocation[] = [];
    mockBackend({ overview: sampleOverview(), trend: sampleTrend(), changes: sampleChanges() }, seen);
    render(App);

    await screen.findByTestId('trend-table-hipaa');
    expect(trendCalls(seen)).toEqual([{ days: 90, weekly: false }]);
    const nav = screen.getByRole('navigation', { name: 'Sections' });
    expect(nav.querySelector('[aria-current="page"]')?.textContent).toMatch(/Trends/);

    expect(screen.getByTestId('trend-range-90').getAttribute('aria-current')).toBe('true');
    window.location.hash = screen.getByTestId('trend-range-365').getAttribute('href')!;
    await waitFor(() => expect(trendCalls(seen).at(-1)).toEqual({ days: 365, weekly: false }));
    expect(screen.getByTestId('trend-range-365').getAttribute('aria-current')).toBe('true');

    await fireEvent.click(screen.getByTestId('trend-weekly'));
    await waitFor(() => expect(trendCalls(seen).at(-1)).toEqual({ days: 365, weekly: true }));
    expect(window.location.hash).toBe('#/trends?days=365&weekly=1');

    // A custom range: both days, the last in the past.
    await fireEvent.input(screen.getByTestId('trend-from'), { target: { value: '2026-09-01' } });
    await fireEvent.input(screen.getByTestId('trend-to'), { target: { value: '2026-09-30' } });
    await fireEvent.change(screen.getByTestId('trend-to'), { target: { value: '2026-09-30' } });
    await waitFor(() => expect(trendCalls(seen).at(-1)).toEqual({ days: 30, until: '2026-09-30', weekly: true }));
    expect(screen.getByTestId('trend-range-30').getAttribute('aria-current')).toBeNull();

    await fireEvent.input(screen.getByTestId('trend-from'), { target: { value: '2026-10-15' } });
    await fireEvent.change(screen.getByTestId('trend-from'), { target: { value: '2026-10-15' } });
    expect((await screen.findByTestId('trend-range-error')).textContent).toMatch(/before the last/);
  });
});
