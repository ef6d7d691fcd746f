/**
 * The colour theme the user picked: System (follow the desktop's light or dark setting), Light
 * or Dark. The choice is kept in localStorage (`rampart.theme`) and applied as `data-theme` on
 * <html>, which app.css reads; System removes the attribute, so `prefers-color-scheme` decides.
 * main.ts applies the saved choice before the app mounts, so the first paint has its colours.
 * Charts watch the attribute (lib/charts/EChart.svelte) and redraw with the new colours.
 */

export type ThemeChoice = 'system' | 'light' | 'dark';

/** The choices in the order the control offers them. */
export const THEME_CHOICES: readonly ThemeChoice[] = ['system', 'light', 'dark'];

export const THEME_KEY = 'rampart.theme';

/** localStorage, or null where it cannot be used (blocked, or no window). */
function defaultStorage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

function isChoice(value: unknown): value is ThemeChoice {
  return typeof value === 'string' && (THEME_CHOICES as readonly string[]).includes(value);
}

/** The saved choice; System when none is saved, the value is unknown, or storage cannot be read. */
export function readTheme(storage: Storage | null = defaultStorage()): ThemeChoice {
  try {
    const value = storage?.getItem(THEME_KEY);
    return isChoice(value) ? value : 'system';
  } catch {
    return 'system';
  }
}

/** Keeps the choice (System is stored as no entry). A storage that refuses is ignored: the choice then lasts this session. */
export function saveTheme(choice: ThemeChoice, storage: Storage | null = defaultStorage()): void {
  try {
    if (choice === 'system') storage?.removeItem(THEME_KEY);
    else storage?.setItem(THEME_KEY, choice);
  } catch {
    // Private mode or a full quota: nothing to do.
  }
}

/** Puts the choice on the document: `data-theme="light|dark"`, or no attribute for System. */
export function applyTheme(choice: ThemeChoice, root: HTMLElement = document.documentElement): void {
  if (choice === 'system') root.removeAttribute('data-theme');
  else root.setAttribute('data-theme', choice);
}

/** Saves and applies a new choice (what the control calls). */
export function setTheme(choice: ThemeChoice, storage: Storage | null = defaultStorage()): void {
  saveTheme(choice, storage);
  applyTheme(choice);
}
