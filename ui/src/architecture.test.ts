// Invariants of the UI's layout that no type checker enforces.
import { describe, expect, it } from 'vitest';

const sources = import.meta.glob<string>(['/src/**/*.ts', '/src/**/*.svelte'], {
  query: '?raw',
  import: 'default',
  eager: true,
});

const isTest = (path: string) => path.endsWith('.test.ts') || path.startsWith('/src/test/');

describe('architecture', () => {
  it('finds the sources it checks', () => {
    expect(Object.keys(sources)).toContain('/src/lib/backend/index.ts');
    expect(Object.keys(sources)).toContain('/src/lib/overview/Overview.svelte');
    expect(Object.keys(sources)).toContain('/src/lib/requirement/RequirementView.svelte');
  });

  it('imports @tauri-apps only from src/lib/backend/ (tests may use the mocks)', () => {
    const offenders = Object.entries(sources)
      .filter(([path]) => !path.startsWith('/src/lib/backend/') && !isTest(path))
      .filter(([, text]) => /from\s+['"]@tauri-apps\//.test(text) || /import\(\s*['"]@tauri-apps\//.test(text))
      .map(([path]) => path);
    expect(offenders).toEqual([]);
  });

  it('never renders raw HTML', () => {
    const offenders = Object.entries(sources)
      .filter(([path]) => path.endsWith('.svelte'))
      .filter(([, text]) => text.includes('{@html'))
      .map(([path]) => path);
    expect(offenders).toEqual([]);
  });
});
