// The Settings view against a mocked core: the values in force, the form's checks, the call
// with who changes them, and the core's refusal.
import { clearMocks } from '@tauri-apps/api/mocks';
import { fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { mockBackend, sampleSettings, type Invocation } from '../../test/fixtures';
import SettingsView from './SettingsView.svelte';

afterEach(() => {
  clearMocks();
});

function field(testid: string): HTMLInputElement {
  return screen.getByTestId(testid) as HTMLInputElement;
}

async function type(testid: string, value: string): Promise<void> {
  await fireEvent.input(field(testid), { target: { value } });
}

describe('SettingsView', () => {
  it('shows the settings in force and saves a change with its author', async () => {
    const seen: Invocation[] = [];
    mockBackend(
      {
        settings: sampleSettings(),
        set_settings: (args) => args.settings as ReturnType<typeof sampleSettings>,
      },
      seen,
    );
    render(SettingsView);

    await screen.findByTestId('settings-form');
    expect(field('settings-sla-critical').value).toBe('7');
    expect(field('settings-sla-low').value).toBe('180');
    expect(field('settings-max-acceptance').value).toBe('365');
    expect(screen.getByRole('link', { name: 'audit log' }).getAttribute('href')).toBe('#/exceptions/audit');

    await type('settings-sla-high', '14');
    await type('settings-max-acceptance', '180');
    await type('settings-by', ' Dana Whitfield ');
    await fireEvent.click(screen.getByTestId('settings-save'));

    expect((await screen.findByText(/Saved\. Each change is recorded in the audit log\./)).dataset.testid).toBe(
      'settings-success',
    );
    expect(seen.at(-1)).toEqual({
      cmd: 'set_settings',
      args: {
        settings: {
          sla_days: { critical: 7, high: 14, medium: 90, low: 180 },
          max_acceptance_days: 180,
          sync: { profiles: [], regions: [], sources: [] },
        },
        by: 'Dana Whitfield',
      },
    });
    expect(field('settings-max-acceptance').value).toBe('180');
  });

  it('checks the values and the author before calling the core', async () => {
    const seen: Invocation[] = [];
    mockBackend({ settings: sampleSettings(), set_settings: sampleSettings() }, seen);
    render(SettingsView);
    await screen.findByTestId('settings-form');

    await type('settings-sla-critical', 'soon');
    await type('settings-max-acceptance', '0');
    await fireEvent.click(screen.getByTestId('settings-save'));
    const form = screen.getByTestId('settings-form');
    expect(form.textContent).toMatch(/Critical: a whole number of days from 1 to 3650/);
    expect(form.textContent).toMatch(/Say who changes the settings/);
    expect(field('settings-max-acceptance').getAttribute('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(field('settings-sla-critical'));

    await type('settings-sla-critical', '60');
    await type('settings-max-acceptance', '365');
    await type('settings-by', 'Dana');
    await fireEvent.click(screen.getByTestId('settings-save'));
    expect(screen.getByTestId('settings-sla-error').textContent).toMatch(
      /A more severe finding cannot get more days than a less severe one/,
    );
    expect(seen.map((c) => c.cmd).filter((c) => c.includes('settings'))).toEqual(['settings']);
  });

  it('shows the core refusal', async () => {
    mockBackend({
      settings: sampleSettings(),
      set_settings: {
        code: 'bad_request',
        field: 'sla_days',
        message: 'sla_days: a more severe finding cannot get more days than a less severe one',
      },
    });
    render(SettingsView);
    await screen.findByTestId('settings-form');
    await type('settings-by', 'Dana');
    await fireEvent.click(screen.getByTestId('settings-save'));

    expect((await screen.findByTestId('settings-failure')).textContent).toMatch(
      /The settings were not saved: sla_days: a more severe finding cannot get more days than a less severe one/,
    );
    expect(screen.getByTestId('settings-success').textContent).toBe('');
  });
});
