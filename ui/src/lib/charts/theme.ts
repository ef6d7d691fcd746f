/**
 * The colours charts draw with, read from the theme's CSS custom properties (app.css), so a
 * chart follows light and dark like the rest of the window. ECharts needs real colour values,
 * not `var(--…)`; the fallbacks are the light theme's, for environments without styles.
 */

export type ChartColors = {
  text: string;
  muted: string;
  faint: string;
  border: string;
  grid: string;
  surface: string;
  score: string;
  control: string;
  band: string;
  danger: string;
  success: string;
  warning: string;
  font: string;
};

const FALLBACK: ChartColors = {
  text: '#101828',
  muted: '#526074',
  faint: '#7b8698',
  border: '#cdd2da',
  grid: '#e2e5eb',
  surface: '#ffffff',
  score: '#2f54d8',
  control: '#0d8a8c',
  band: 'rgba(123, 134, 152, 0.14)',
  danger: '#c4320a',
  success: '#0e7a55',
  warning: '#a15c07',
  font: 'system-ui, sans-serif',
};

const VARIABLES: Record<keyof ChartColors, string> = {
  text: '--text',
  muted: '--text-muted',
  faint: '--text-faint',
  border: '--border-strong',
  grid: '--border',
  surface: '--surface',
  score: '--brand',
  control: '--chart-control',
  band: '--chart-band',
  danger: '--danger',
  success: '--success',
  warning: '--warning',
  font: '--font-sans',
};

/** The chart colours of the theme in force (light or dark). */
export function chartColors(root: Element = document.documentElement): ChartColors {
  const style = getComputedStyle(root);
  const colors = { ...FALLBACK };
  for (const [key, name] of Object.entries(VARIABLES) as Array<[keyof ChartColors, string]>) {
    const value = style.getPropertyValue(name).trim();
    if (value !== '') colors[key] = value;
  }
  return colors;
}

/** True when the user asked for less motion: charts then draw without animation. */
export function reducedMotion(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
}
