// The Trends view's pure parts: carried-forward spans, chart options, descriptions, weeks, ranges.
import { describe, expect, it } from 'vitest';
import type { TrendPoint } from '../backend';
import type { ChartColors } from '../charts/theme';
import { sampleTrend } from '../../test/fixtures';
import {
  carriedSpans,
  changeWeeks,
  countAxis,
  customRange,
  failingOption,
  scoreDescription,
  scoreOption,
  weeklyChangesDescription,
  weeklyChangesOption,
} from './trend';

const COLORS: ChartColors = {
  text: '#000',
  muted: '#111',
  faint: '#222',
  border: '#333',
  grid: '#444',
  surface: '#fff',
  score: '#00f',
  control: '#0ff',
  band: 'rgba(0,0,0,0.1)',
  danger: '#f00',
  success: '#0f0',
  warning: '#fa0',
  font: 'sans-serif',
};

function point(day: string, carried: boolean, score: number | null = 0.5): TrendPoint {
  return {
    day,
    score,
    control_score: 0.4,
    passing: 1,
    failing: 3,
    no_data: 0,
    attested: 0,
    expired: 0,
    not_attested: 0,
    controls_passed: 4,
    controls_failed: 6,
    failed_findings: 9,
    carried,
  };
}

type Series = { name: string; data: Array<{ value: number | null; symbol?: string; itemStyle?: Record<string, unknown> }>; markArea?: { data: unknown[] } };

describe('carriedSpans', () => {
  it('shades each run of carried days from the last real day before it', () => {
    const points = [
      point('2026-11-01', false),
      point('2026-11-02', true),
      point('2026-11-03', true),
      point('2026-11-04', false),
      point('2026-11-05', true),
    ];
    expect(carriedSpans(points)).toEqual([
      ['2026-11-01', '2026-11-03'],
      ['2026-11-04', '2026-11-05'],
    ]);
    expect(carriedSpans([point('2026-11-01', true)])).toEqual([['2026-11-01', '2026-11-01']]);
    expect(carriedSpans([point('2026-11-01', false)])).toEqual([]);
  });
});

describe('scoreOption', () => {
  it('draws score and control score as percentages, carried points hollow over a band', () => {
    const fw = sampleTrend().frameworks.find((f) => f.id === 'hipaa')!;
    const option = scoreOption(fw, COLORS, { animate: false });
    const series = option.series as Series[];
    expect(series.map((s) => s.name)).toEqual(['Score', 'Control score (Security Hub)']);
    expect(series[0]!.data).toHaveLength(30);
    const last = fw.points.at(-1)!;
    expect(last.carried).toBe(true);
    expect(series[0]!.data.at(-1)).toMatchObject({ value: Math.round(last.score! * 1000) / 10, symbol: 'emptyCircle' });
    expect(series[1]!.data.at(-1)).toMatchObject({ symbol: 'emptyCircle' });
    expect(series[0]!.data[0]).toMatchObject({ symbol: 'none' });
    expect(series[0]!.markArea?.data).toEqual([[{ xAxis: fw.points.at(-2)!.day }, { xAxis: last.day }]]);
    expect(option.tooltip).toMatchObject({ renderMode: 'richText' });
    expect(option.aria).toMatchObject({ enabled: true });
  });

  it('leaves a gap where there is no score', () => {
    const fw = { id: 'x', name: 'X', points: [point('2026-11-01', false, null), point('2026-11-02', false, 0.25)] };
    const series = scoreOption(fw, COLORS).series as Series[];
    expect(series[0]!.data.map((d) => d.value)).toEqual([null, 25]);
  });

  it('describes the chart in words, carried days included', () => {
    const fw = {
      id: 'x',
      name: 'X',
      points: [point('2026-11-01', false, 0.2), point('2026-11-02', false, 0.5), point('2026-11-03', true, 0.5)],
    };
    expect(scoreDescription(fw, false)).toBe(
      'X, daily from 2026-11-01 to 2026-11-03. Score 50% (up 30 points over the period). ' +
        'Requirements fully met: 1 of 4. ' +
        'Control score (Security Hub) 40% (no change over the period). 1 day without an import, carried forward from the last known state.',
    );
    expect(scoreDescription({ ...fw, points: [] }, true)).toBe('X: no data for this period.');
  });
});

describe('failingOption', () => {
  it('draws failing requirements against those with a status, carried days hollow over a band', () => {
    const fw = { id: 'x', name: 'X', points: [point('2026-11-01', false), point('2026-11-02', true)] };
    const option = failingOption(fw, COLORS);
    const [line] = option.series as Series[];
    expect(line!.data.map((d) => d.value)).toEqual([3, 3]);
    expect(line!.data.map((d) => d.symbol)).toEqual(['none', 'emptyCircle']);
    expect(line!.markArea?.data).toEqual([[{ xAxis: '2026-11-01' }, { xAxis: '2026-11-02' }]]);
    expect(option.yAxis).toMatchObject({ min: 0, max: 4, interval: 1 });
  });
});

describe('countAxis', () => {
  it('ends a count axis on a whole step, so the top label never overlaps the one below', () => {
    expect(countAxis(4)).toEqual({ max: 4, interval: 1 });
    expect(countAxis(10)).toEqual({ max: 10, interval: 2 });
    expect(countAxis(28)).toEqual({ max: 30, interval: 5 });
    expect(countAxis(0)).toEqual({ max: 1, interval: 1 });
    expect(countAxis(191)).toEqual({ max: 200, interval: 50 });
  });
});

describe('changeWeeks', () => {
  it('asks for the last 12 weeks, the current one up to now', () => {
    const weeks = changeWeeks({ days: 90, until: null, weekly: false }, '2026-11-29');
    expect(weeks).toHaveLength(12);
    expect(weeks.at(-1)).toEqual({ since: '2026-11-22', until: '2026-11-29', closed: false, counts: null, error: null });
    expect(weeks[0]).toMatchObject({ since: '2026-09-06', until: '2026-09-13', closed: true });
  });

  it('covers a short range with fewer weeks, and ends with a past range', () => {
    expect(changeWeeks({ days: 30, until: null, weekly: false }, '2026-11-29')).toHaveLength(5);
    const past = changeWeeks({ days: 14, until: '2026-10-31', weekly: false }, '2026-11-29');
    expect(past.map((w) => [w.since, w.until, w.closed])).toEqual([
      ['2026-10-17', '2026-10-24', true],
      ['2026-10-24', '2026-10-31', true],
    ]);
  });

  it('sums the weeks loaded so far', () => {
    const weeks = changeWeeks({ days: 14, until: null, weekly: false }, '2026-11-29');
    expect(weeklyChangesDescription(weeks)).toMatch(/loading/);
    weeks[0]!.counts = { new: 2, fixed: 5, regressed: 1 };
    expect(weeklyChangesDescription(weeks)).toBe(
      'New, fixed and regressed findings per week over 1 week: 2 new, 5 fixed, 1 regressed in all.',
    );
    const series = weeklyChangesOption(weeks, COLORS).series as Series[];
    expect(series.map((s) => s.name)).toEqual(['New', 'Fixed', 'Regressed']);
    expect(series[0]!.data).toEqual([2, null]);
  });
});

describe('customRange', () => {
  it('turns two days into days and until', () => {
    expect(customRange('2026-10-01', '2026-10-31', '2026-11-29', false)).toEqual({
      range: { days: 31, until: '2026-10-31', weekly: false },
    });
    expect(customRange('2026-11-01', '2026-11-29', '2026-11-29', true)).toEqual({
      range: { days: 29, until: null, weekly: true },
    });
  });

  it('refuses ranges the core would refuse', () => {
    expect(customRange('2026-11-10', '2026-11-01', '2026-11-29', false)).toEqual({
      error: 'The first day must come before the last.',
    });
    expect(customRange('2026-11-01', '2026-12-01', '2026-11-29', false)).toMatchObject({ error: /after today/ });
    expect(customRange('2000-01-01', '2026-11-01', '2026-11-29', false)).toMatchObject({ error: /at most/ });
    expect(customRange('', '2026-11-01', '2026-11-29', false)).toMatchObject({ error: /both/ });
  });
});
