/**
 * ECharts, tree-shaken to what Rampart draws: line and bar charts with a legend, grid, tooltip,
 * shaded areas and the ARIA description, rendered as SVG. Tooltips use `richText` so that
 * nothing writes HTML or needs `eval` under the window's strict CSP. Loaded on demand (a
 * dynamic import), so views without charts do not pay for it.
 */
import { BarChart, LineChart } from 'echarts/charts';
import type { BarSeriesOption, LineSeriesOption } from 'echarts/charts';
import {
  AriaComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  TooltipComponent,
} from 'echarts/components';
import type {
  AriaComponentOption,
  GridComponentOption,
  LegendComponentOption,
  MarkAreaComponentOption,
  TooltipComponentOption,
} from 'echarts/components';
import { init, use } from 'echarts/core';
import type { ComposeOption } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';

use([LineChart, BarChart, LegendComponent, GridComponent, TooltipComponent, AriaComponent, MarkAreaComponent, SVGRenderer]);

export type ChartOption = ComposeOption<
  | LineSeriesOption
  | BarSeriesOption
  | LegendComponentOption
  | GridComponentOption
  | TooltipComponentOption
  | AriaComponentOption
  | MarkAreaComponentOption
>;

export { init };
