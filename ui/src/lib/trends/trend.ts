/**
 * The Trends view's pure parts: the chart options (score and Security Hub's control score, failing
 * requirements, new vs fixed per week), the runs of carried-forward days, the text that
 * describes each chart, and the weeks the "new vs fixed" bars ask `changes` about.
 *
 * A carried-forward day is one without an import: the core repeats the last known state. The
 * charts draw those points hollow over a shaded band, and say so in
 * the tooltip, the legend note and the description.
 */
import type { ChangeCounts, FrameworkTrend, TrendPoint } from '../backend';
import type { ChartOption } from '../charts/echarts';
import type { ChartColors } from '../charts/theme';
import { addDays, daysBetween, formatCount, formatDay, formatScore } from '../format';
import { MAX_TREND_DAYS, type TrendRange } from '../router';

/** A score (0–1) as a percentage for the chart, or null (a gap) without one. */
function pct(score: number | null): number | null {
  return score === null ? null : Math.round(score * 1000) / 10;
}

/**
 * The spans of carried-forward points as [first day, last day] pairs for shading. A span starts
 * at the last real day before it (where the repeated state comes from), so a single carried day
 * still shades the segment that leads to it.
 */
export function carriedSpans(points: TrendPoint[]): Array<[string, string]> {
  const spans: Array<[string, string]> = [];
  let start: number | null = null;
  points.forEach((point, i) => {
    if (point.carried && start === null) start = Math.max(0, i - 1);
    const next = points[i + 1];
    if (point.carried && start !== null && (next === undefined || !next.carried)) {
      spans.push([points[start]!.day, point.day]);
      start = null;
    }
  });
  return spans;
}

export function carriedCount(points: TrendPoint[]): number {
  return points.filter((p) => p.carried).length;
}

function change(points: TrendPoint[], pick: (p: TrendPoint) => number | null): number | null {
  const values = points.map(pick).filter((v): v is number => v !== null);
  if (values.length < 2) return null;
  return values.at(-1)! - values[0]!;
}

function points(n: number): string {
  const rounded = Math.round(n * 100);
  if (rounded === 0) return 'no change';
  return `${rounded > 0 ? 'up' : 'down'} ${Math.abs(rounded)} ${Math.abs(rounded) === 1 ? 'point' : 'points'}`;
}

/**
 * The score chart in words: the period, the latest score, requirements fully met and control
 * score and how the scores moved, and carried days.
 */
export function scoreDescription(fw: FrameworkTrend, weekly: boolean): string {
  const list = fw.points;
  if (list.length === 0) return `${fw.name}: no data for this period.`;
  const last = list.at(-1)!;
  const parts = [
    `${fw.name}, ${weekly ? 'weekly' : 'daily'} from ${list[0]!.day} to ${last.day}.`,
    `Score ${formatScore(last.score)}` +
      (change(list, (p) => p.score) !== null ? ` (${points(change(list, (p) => p.score)!)} over the period)` : '') +
      '.',
    `Requirements fully met: ${formatCount(last.passing)} of ${formatCount(last.passing + last.failing)}.`,
    `Control score (Security Hub) ${formatScore(last.control_score)}` +
      (change(list, (p) => p.control_score) !== null
        ? ` (${points(change(list, (p) => p.control_score)!)} over the period)`
        : '') +
      '.',
  ];
  const carried = carriedCount(list);
  if (carried > 0) {
    parts.push(
      `${formatCount(carried)} ${carried === 1 ? (weekly ? 'week' : 'day') : weekly ? 'weeks' : 'days'} without an import, carried forward from the last known state.`,
    );
  }
  return parts.join(' ');
}

/** The failing-requirements chart in words. */
export function failingDescription(fw: FrameworkTrend): string {
  const list = fw.points;
  if (list.length === 0) return `${fw.name}: no data for this period.`;
  const values = list.map((p) => p.failing);
  const last = list.at(-1)!;
  return (
    `${fw.name}: ${formatCount(last.failing)} failing ${last.failing === 1 ? 'requirement' : 'requirements'} on ${last.day}` +
    ` (${formatCount(values[0]!)} at the start of the period, between ${formatCount(Math.min(...values))} and ${formatCount(Math.max(...values))}).`
  );
}

type TooltipParam = { dataIndex: number; seriesName?: string; marker?: unknown; value?: unknown };

function axis(colors: ChartColors, days: string[]) {
  return {
    type: 'category' as const,
    data: days,
    axisLine: { lineStyle: { color: colors.border } },
    axisTick: { show: false },
    axisLabel: { color: colors.muted, hideOverlap: true, formatter: (day: string) => formatDay(day) },
  };
}

/** The axis tooltip every chart here uses; `text` turns the hovered series into its lines. */
function axisTooltip(colors: ChartColors, text: (params: TooltipParam[]) => string) {
  return {
    trigger: 'axis' as const,
    // Text drawn by the renderer itself: no HTML, no inline <style>, nothing for the CSP to refuse.
    renderMode: 'richText' as const,
    backgroundColor: colors.surface,
    borderColor: colors.border,
    borderWidth: 1,
    padding: [6, 10],
    textStyle: { color: colors.text, fontFamily: colors.font, fontSize: 12 },
    formatter: (raw: unknown) => text((Array.isArray(raw) ? raw : [raw]) as TooltipParam[]),
  };
}

function tooltip(colors: ChartColors, list: TrendPoint[], weekly: boolean, line: (p: TooltipParam) => string) {
  return axisTooltip(colors, (params) => {
    const point = list[params[0]?.dataIndex ?? -1];
    if (!point) return '';
    const head = `${weekly ? 'Week to ' : ''}${point.day}${point.carried ? '  (carried forward: no import)' : ''}`;
    return [head, ...params.map(line)].join('\n');
  });
}

/** The legend of a line chart: each line as its stroke (solid or dashed) alone, since a round mark would read as "carried". */
function lineLegend(colors: ChartColors) {
  return { ...base(colors, '', false).legend, itemStyle: { opacity: 0 } };
}

function base(colors: ChartColors, description: string, animate: boolean) {
  return {
    animation: animate,
    aria: { enabled: true, label: { description } },
    textStyle: { fontFamily: colors.font, color: colors.text },
    legend: {
      top: 0,
      left: 0,
      itemWidth: 24,
      itemHeight: 10,
      textStyle: { color: colors.muted, fontSize: 12 },
    },
  };
}

/** Score and control score as two lines (0–100%); carried days hollow, over a shaded band. */
export function scoreOption(
  fw: FrameworkTrend,
  colors: ChartColors,
  { weekly = false, animate = true }: { weekly?: boolean; animate?: boolean } = {},
): ChartOption {
  const list = fw.points;
  const days = list.map((p) => p.day);
  const spans = carriedSpans(list);
  const series = (name: string, pick: (p: TrendPoint) => number | null, color: string, dashed: boolean) => ({
    name,
    type: 'line' as const,
    data: list.map((p) => ({
      value: pct(pick(p)),
      // Only carried points get a mark (hollow); the others are the line itself.
      symbol: p.carried ? 'emptyCircle' : 'none',
      symbolSize: 7,
    })),
    // The legend draws the line alone; only carried points (below) get a mark.
    symbol: 'none',
    showAllSymbol: true,
    connectNulls: false,
    lineStyle: { color, width: 2, type: dashed ? ('dashed' as const) : ('solid' as const) },
    itemStyle: { color, borderColor: color, borderWidth: 2 },
    emphasis: { disabled: true },
  });
  const score = series('Score', (p) => p.score, colors.score, false);
  const control = series('Control score (Security Hub)', (p) => p.control_score, colors.control, true);
  return {
    ...base(colors, scoreDescription(fw, weekly), animate),
    legend: lineLegend(colors),
    grid: { left: 48, right: 16, top: 34, bottom: 28 },
    tooltip: tooltip(colors, list, weekly, (p) => `${p.seriesName}: ${p.value === null || p.value === undefined ? '—' : `${String(p.value)}%`}`),
    xAxis: { ...axis(colors, days), boundaryGap: false },
    yAxis: {
      type: 'value',
      min: 0,
      max: 100,
      interval: 25,
      axisLabel: { color: colors.muted, formatter: '{value}%' },
      splitLine: { lineStyle: { color: colors.grid } },
    },
    series: [
      {
        ...score,
        markArea: {
          silent: true,
          itemStyle: { color: colors.band },
          data: spans.map(([from, to]) => [{ xAxis: from }, { xAxis: to }]),
        },
      },
      control,
    ],
  } as ChartOption;
}

/**
 * Failing requirements per day as a stepped area, against the requirements that have a status
 * (so "10 of 10" fills the chart); carried days hollow over a shaded band, like the scores.
 */
/**
 * The top of a count axis and its step: at least `n`, a whole number of steps of 1, 2 or 5 × 10^k,
 * at most `steps` of them. A top between two labels (28 over steps of 5) would print its label on
 * top of the one below, so the axis ends on a step (30) instead.
 */
export function countAxis(n: number, steps = 6): { max: number; interval: number } {
  const top = Math.max(1, Math.ceil(n));
  for (let scale = 1; ; scale *= 10) {
    for (const unit of [1, 2, 5]) {
      const interval = unit * scale;
      if (Math.ceil(top / interval) <= steps) return { max: Math.ceil(top / interval) * interval, interval };
    }
  }
}

export function failingOption(
  fw: FrameworkTrend,
  colors: ChartColors,
  { weekly = false, animate = true }: { weekly?: boolean; animate?: boolean } = {},
): ChartOption {
  const list = fw.points;
  const ceiling = countAxis(Math.max(1, ...list.map((p) => p.failing + p.passing + p.no_data)));
  return {
    ...base(colors, failingDescription(fw), animate),
    legend: lineLegend(colors),
    grid: { left: 40, right: 16, top: 34, bottom: 28 },
    tooltip: tooltip(colors, list, weekly, (p) => {
      const point = list[p.dataIndex];
      const of = point ? point.failing + point.passing + point.no_data : null;
      return `Failing requirements: ${String(p.value ?? '—')}${of !== null ? ` of ${of}` : ''}`;
    }),
    xAxis: { ...axis(colors, list.map((p) => p.day)), boundaryGap: false },
    yAxis: {
      type: 'value',
      min: 0,
      max: ceiling.max,
      interval: ceiling.interval,
      axisLabel: { color: colors.muted },
      splitLine: { lineStyle: { color: colors.grid } },
    },
    series: [
      {
        name: 'Failing requirements',
        type: 'line',
        step: 'end',
        symbol: 'none',
        data: list.map((p) => ({ value: p.failing, symbol: p.carried ? 'emptyCircle' : 'none', symbolSize: 7 })),
        showAllSymbol: true,
        lineStyle: { color: colors.danger, width: 2 },
        itemStyle: { color: colors.danger, borderColor: colors.danger, borderWidth: 2 },
        areaStyle: { color: colors.danger, opacity: 0.14 },
        emphasis: { disabled: true },
        markArea: {
          silent: true,
          itemStyle: { color: colors.band },
          data: carriedSpans(list).map(([from, to]) => [{ xAxis: from }, { xAxis: to }]),
        },
      },
    ],
  } as ChartOption;
}

/** One week of the "new vs fixed" bars: what `changes` is asked and, once in, its counts. */
export type ChangeWeek = {
  /** The window is after the end of `since` up to the end of `until` (the week's last day). */
  since: string;
  until: string;
  /** False for the week that ends today: `changes` is then asked up to now (no `until`). */
  closed: boolean;
  counts: ChangeCounts | null;
  error: string | null;
};

/** Weeks the "new vs fixed" bars show: the last `max` weeks (fewer for a short range) ending with the range. */
export function changeWeeks(range: TrendRange, today: string, max = 12): ChangeWeek[] {
  const end = range.until !== null && range.until < today ? range.until : today;
  const count = Math.max(1, Math.min(max, Math.ceil(range.days / 7)));
  const weeks: ChangeWeek[] = [];
  for (let i = count - 1; i >= 0; i -= 1) {
    const until = addDays(end, -7 * i);
    weeks.push({ since: addDays(until, -7), until, closed: until < today, counts: null, error: null });
  }
  return weeks;
}

/** The weekly changes chart in words: the totals over the weeks loaded so far. */
export function weeklyChangesDescription(weeks: ChangeWeek[]): string {
  const loaded = weeks.filter((w) => w.counts !== null);
  const sum = (k: keyof ChangeCounts) => loaded.reduce((n, w) => n + (w.counts?.[k] ?? 0), 0);
  if (loaded.length === 0) return 'New, fixed and regressed findings per week: loading.';
  return (
    `New, fixed and regressed findings per week over ${formatCount(loaded.length)} ${loaded.length === 1 ? 'week' : 'weeks'}: ` +
    `${formatCount(sum('new'))} new, ${formatCount(sum('fixed'))} fixed, ${formatCount(sum('regressed'))} regressed in all.`
  );
}

/** New, fixed and regressed findings per week as grouped bars; weeks still loading are gaps. */
export function weeklyChangesOption(weeks: ChangeWeek[], colors: ChartColors, { animate = true } = {}): ChartOption {
  const description = weeklyChangesDescription(weeks);
  const bar = (name: string, key: keyof ChangeCounts, color: string) => ({
    name,
    type: 'bar' as const,
    barMaxWidth: 16,
    data: weeks.map((w) => w.counts?.[key] ?? null),
    itemStyle: { color },
    emphasis: { disabled: true },
  });
  return {
    ...base(colors, description, animate),
    grid: { left: 48, right: 16, top: 34, bottom: 28 },
    tooltip: axisTooltip(colors, (params) => {
      const week = weeks[params[0]?.dataIndex ?? -1];
      if (!week) return '';
      const head = `Week ${addDays(week.since, 1)} to ${week.until}`;
      return [head, ...params.map((p) => `${p.seriesName}: ${p.value === null || p.value === undefined ? '…' : String(p.value)}`)].join('\n');
    }),
    xAxis: axis(colors, weeks.map((w) => w.until)),
    yAxis: {
      type: 'value',
      min: 0,
      minInterval: 1,
      axisLabel: { color: colors.muted },
      splitLine: { lineStyle: { color: colors.grid } },
    },
    series: [bar('New', 'new', colors.danger), bar('Fixed', 'fixed', colors.success), bar('Regressed', 'regressed', colors.warning)],
  } as ChartOption;
}

/** The range between two days typed in the custom fields, or why it cannot be used. */
export function customRange(
  from: string,
  to: string,
  today: string,
  weekly: boolean,
): { range: TrendRange } | { error: string } {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(from) || !/^\d{4}-\d{2}-\d{2}$/.test(to)) return { error: 'Enter both days.' };
  if (to > today) return { error: 'The period cannot end after today.' };
  const days = daysBetween(from, to) + 1;
  if (days < 1) return { error: 'The first day must come before the last.' };
  if (days > MAX_TREND_DAYS) return { error: `A period can be at most ${formatCount(MAX_TREND_DAYS)} days.` };
  return { range: { days, until: to === today ? null : to, weekly } };
}
