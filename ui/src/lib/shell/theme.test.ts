// The theme choice: reading, saving and applying it (lib/shell/theme.ts), the Theme control in the
// sidebar, charts redrawing with the new colours, and app.css's two copies of the dark tokens.
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
// @ts-expect-error -- Node's types are not installed; the tests run in Node.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import EChart from '../charts/EChart.svelte';
import type { ChartColors } from '../charts/theme';
import { applyTheme, readTheme, saveTheme, setTheme, THEME_KEY } from './theme';
import ThemeControl from './ThemeControl.svelte';

afterEach(() => {
  localStorage.clear();
  document.documentElement.removeAttribute('data-theme');
  document.documentElement.style.removeProperty('--brand');
});

/** A storage whose every call throws, as a blocked localStorage does. */
const brokenStorage = {
  getItem: () => {
    throw new Error('blocked');
  },
  setItem: () => {
    throw new Error('blocked');
  },
  removeItem: () => {
    throw new Error('blocked');
  },
} as unknown as Storage;

describe('theme store', () => {
  it('reads System when nothing is saved, and the saved choice otherwise', () => {
    expect(readTheme()).toBe('system');
    localStorage.setItem(THEME_KEY, 'dark');
    expect(readTheme()).toBe('dark');
    localStorage.setItem(THEME_KEY, 'light');
    expect(readTheme()).toBe('light');
  });

  it('reads an unknown value or an unreadable storage as System', () => {
    localStorage.setItem(THEME_KEY, 'sepia');
    expect(readTheme()).toBe('system');
    expect(readTheme(brokenStorage)).toBe('system');
    expect(readTheme(null)).toBe('system');
  });

  it('saves Light and Dark, and System as no entry', () => {
    saveTheme('dark');
    expect(localStorage.getItem(THEME_KEY)).toBe('dark');
    saveTheme('system');
    expect(localStorage.getItem(THEME_KEY)).toBeNull();
    expect(() => saveTheme('light', brokenStorage)).not.toThrow();
  });

  it('applies the choice as data-theme on <html>, and System removes it', () => {
    const root = document.documentElement;
    applyTheme('dark');
    expect(root.getAttribute('data-theme')).toBe('dark');
    applyTheme('light');
    expect(root.getAttribute('data-theme')).toBe('light');
    applyTheme('system');
    expect(root.hasAttribute('data-theme')).toBe(false);
  });

  it('setTheme saves and applies', () => {
    setTheme('dark');
    expect(localStorage.getItem(THEME_KEY)).toBe('dark');
    expect(document.documentElement.getAttribute('data-theme')).toBe('dark');
  });
});

describe('Theme control', () => {
  it('is a radio group labelled Theme with the saved choice checked', () => {
    localStorage.setItem(THEME_KEY, 'light');
    render(ThemeControl);
    const group = screen.getByRole('group', { name: 'Theme' });
    expect(group).toBeTruthy();
    const radios = screen.getAllByRole('radio');
    expect(radios.map((r) => (r as HTMLInputElement).value)).toEqual(['system', 'light', 'dark']);
    expect((screen.getByRole('radio', { name: 'Light' }) as HTMLInputElement).checked).toBe(true);
    // One group: the radios share a name, so the arrow keys move between them.
    expect(new Set(radios.map((r) => (r as HTMLInputElement).name)).size).toBe(1);
  });

  it('saves and applies a choice at once, and System clears it', async () => {
    render(ThemeControl);
    expect((screen.getByRole('radio', { name: 'System' }) as HTMLInputElement).checked).toBe(true);

    await fireEvent.click(screen.getByRole('radio', { name: 'Dark' }));
    expect(document.documentElement.getAttribute('data-theme')).toBe('dark');
    expect(localStorage.getItem(THEME_KEY)).toBe('dark');

    await fireEvent.click(screen.getByRole('radio', { name: 'System' }));
    expect(document.documentElement.hasAttribute('data-theme')).toBe(false);
    expect(localStorage.getItem(THEME_KEY)).toBeNull();
  });
});

describe('charts and the theme', () => {
  it('redraw with the new colours when the theme changes', async () => {
    const seen: string[] = [];
    const build = (colors: ChartColors) => {
      seen.push(colors.score);
      return { xAxis: { type: 'category' as const, data: ['a'] }, yAxis: { type: 'value' as const }, series: [] };
    };
    document.documentElement.style.setProperty('--brand', '#111111');
    render(EChart, { build, label: 'A chart' });
    // ECharts is imported on first use, which can take a while on a busy machine.
    await waitFor(() => expect(seen).toContain('#111111'), { timeout: 5000 });

    // What app.css does for data-theme="dark", done inline (jsdom does not load the stylesheet).
    document.documentElement.style.setProperty('--brand', '#7c98ff');
    setTheme('dark');
    await waitFor(() => expect(seen.at(-1)).toBe('#7c98ff'), { timeout: 5000 });
  });
});

describe('app.css', () => {
  // Vitest empties every CSS import (`?raw` too), so the test reads the file itself.
  const css = readFileSync('src/app.css', 'utf8') as string;

  /** The declarations of the first rule whose selector is exactly `selector`. */
  function declarations(selector: string): string[] {
    const at = css.indexOf(`${selector} {`);
    expect(at, `app.css has no rule for ${selector}`).toBeGreaterThan(-1);
    const body = css.slice(at + selector.length + 2, css.indexOf('}', at));
    return body
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .split(';')
      .map((d) => d.trim())
      .filter((d) => d.startsWith('--'));
  }

  it('gives explicit Dark and System-on-a-dark-desktop the same dark tokens', () => {
    const explicit = declarations(":root[data-theme='dark']");
    const system = declarations(":root:not([data-theme='light'])");
    expect(explicit.length).toBeGreaterThan(20);
    expect(system).toEqual(explicit);
  });

  it('defines in dark every colour token the light theme defines', () => {
    const names = (list: string[]) => list.map((d) => d.slice(0, d.indexOf(':')));
    const light = names(declarations(':root')).filter((n) => !/^--(font|radius)/.test(n));
    expect(names(declarations(":root[data-theme='dark']")).sort()).toEqual(light.sort());
  });
});
