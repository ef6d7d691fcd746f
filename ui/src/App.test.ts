// The application shell: navigation and the sidebar's workspace status line.
import { clearMocks } from '@tauri-apps/api/mocks';
import { render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import App from './App.svelte';
import { mockBackend, sampleOverview } from './test/fixtures';

afterEach(() => {
  clearMocks();
});

describe('App', () => {
  it('marks Overview as the current section and the others as coming soon', async () => {
    mockBackend({ overview: sampleOverview() });
    render(App);

    const nav = screen.getByRole('navigation', { name: 'Sections' });
    const current = nav.querySelector('[aria-current="page"]');
    expect(current?.textContent).toMatch(/Overview/);
    for (const label of ['Frameworks', 'Findings', 'Trends', 'Exceptions', 'Sync', 'Settings']) {
      const item = [...nav.querySelectorAll('li')].find((li) => li.textContent?.includes(label));
      expect(item?.textContent).toMatch(/soon/);
      expect(item?.querySelector('a, button')).toBeNull();
    }
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
});
