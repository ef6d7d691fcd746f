// The Settings view's newer sections against a mocked core: the AWS sync defaults (profiles from
// the config files or typed, Regions checked and suggested, sources; saved with the rest), the
// compliance catalog (frameworks, files, add with its refusal shown word for word, remove after a
// confirmation) and the workspace (its file, switching to another one).
import { clearMocks } from '@tauri-apps/api/mocks';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BackendError, type Settings } from '../backend';
import { mockBackend, sampleAwsProfiles, sampleSettings, type Invocation } from '../../test/fixtures';
import { builtInOnly, sampleDetails, type MoreBackend } from './samples';
import SettingsView from './SettingsView.svelte';
import WorkspaceSection from './WorkspaceSection.svelte';

const HOSTILE = '<img src=x onerror=alert(1)>';

afterEach(() => {
  clearMocks();
});

function mock(backend: MoreBackend, seen?: Invocation[]): void {
  mockBackend(backend, seen);
}

function field(testid: string): HTMLInputElement {
  return screen.getByTestId(testid) as HTMLInputElement;
}

async function type(testid: string, value: string): Promise<void> {
  await fireEvent.input(field(testid), { target: { value } });
}

function names(testid: string): string[] {
  return screen.queryAllByTestId(testid).map((el) => el.dataset.name ?? '');
}

function saved(seen: Invocation[]): Settings | undefined {
  return seen.filter((c) => c.cmd === 'set_settings').at(-1)?.args.settings as Settings | undefined;
}

describe('AWS sync defaults', () => {
  it('shows the saved defaults and what empty means, with no credential asked for', async () => {
    mock({
      settings: { ...sampleSettings(), sync: { profiles: ['prod-audit', 'ci-only'], regions: ['eu-west-1'], sources: ['config'] } },
      aws_profiles: sampleAwsProfiles(),
      workspace_details: sampleDetails(),
    });
    render(SettingsView);

    const group = await screen.findByTestId('settings-sync');
    expect(group.textContent).toMatch(/An empty list means the standard choice/);
    expect(group.textContent).toMatch(/never asks for credentials/);
    expect(group.querySelector('input[type="password"]')).toBeNull();
    expect(names('settings-sync-profile')).toEqual(['prod-audit', 'ci-only']);
    expect(names('settings-sync-region')).toEqual(['eu-west-1']);
    expect(field('settings-sync-source-config').checked).toBe(true);
    expect(field('settings-sync-source-securityhub').checked).toBe(false);

    // The profiles from the config files, each with its Region and SSO tag; a chosen one is pressed.
    await waitFor(() => expect(screen.getAllByTestId('settings-sync-profile-choice')).toHaveLength(3));
    const [plain, sso, noRegion] = screen.getAllByTestId('settings-sync-profile-choice') as [HTMLElement, HTMLElement, HTMLElement];
    expect(plain.textContent).toMatch(/default\s*us-east-1/);
    expect(sso.textContent).toMatch(/prod-audit\s*eu-west-1\s*SSO/);
    expect(noRegion.textContent).toMatch(/sandbox\s*no Region/);
    expect(sso.getAttribute('aria-pressed')).toBe('true');
    expect(plain.getAttribute('aria-pressed')).toBe('false');
    // A chosen name says where it comes from.
    const chosen = screen.getAllByTestId('settings-sync-profile');
    expect(chosen[0]!.textContent).toMatch(/eu-west-1 · SSO/);
    expect(chosen[1]!.textContent).toMatch(/not in your AWS config files/);
    // eu-west-1 is chosen already: only us-east-1 is suggested.
    expect(names('settings-sync-region-suggestion')).toEqual(['us-east-1']);
  });

  it('says none is chosen in words, and that no config file has profiles', async () => {
    mock({ settings: sampleSettings(), aws_profiles: [], workspace_details: sampleDetails() });
    render(SettingsView);
    await screen.findByTestId('settings-form');
    expect(screen.getByTestId('settings-sync-profile-none').textContent).toBe('None: the default credentials chain.');
    expect(screen.getByTestId('settings-sync-region-none').textContent).toBe("None: each profile's own Region.");
    expect((await screen.findByTestId('settings-sync-profiles-none')).textContent).toMatch(/No profiles in your AWS config files/);
    expect(screen.getByTestId('settings-sync').textContent).toMatch(/None checked: all three\./);
  });

  it('says which files Rampart made private because other users could read them', async () => {
    const details = sampleDetails();
    details.notices = ['/home/ana/.local/share/rampart/rampart.db was readable by other users (0644); it is now private to you (0600)'];
    mock({ settings: sampleSettings(), aws_profiles: [], workspace_details: details });
    render(SettingsView);
    const notices = await screen.findByTestId('workspace-notices');
    expect(notices.textContent).toMatch(/made them private/);
    expect(notices.textContent).toContain('rampart.db was readable by other users (0644)');
  });

  it('edits the lists and saves them with the rest', async () => {
    const seen: Invocation[] = [];
    mock(
      {
        settings: sampleSettings(),
        set_settings: (args) => args.settings as Settings,
        aws_profiles: sampleAwsProfiles(),
        workspace_details: sampleDetails(),
      },
      seen,
    );
    render(SettingsView);
    await waitFor(() => expect(screen.getAllByTestId('settings-sync-profile-choice')).toHaveLength(3));

    // A profile from the files, then one typed (Enter adds it, it does not submit the form).
    await fireEvent.click(screen.getAllByTestId('settings-sync-profile-choice')[1]!);
    await type('settings-sync-profile-input', 'break-glass');
    await fireEvent.keyDown(field('settings-sync-profile-input'), { key: 'Enter' });
    expect(names('settings-sync-profile')).toEqual(['prod-audit', 'break-glass']);
    expect(field('settings-sync-profile-input').value).toBe('');
    expect(seen.filter((c) => c.cmd === 'set_settings')).toEqual([]);

    // A malformed Region is refused where it is typed; a suggestion adds one; Remove takes one out.
    await type('settings-sync-region-input', 'eu-west');
    await fireEvent.click(screen.getByTestId('settings-sync-region-add'));
    expect(screen.getByTestId('settings-sync-region-error').textContent).toBe(
      '"eu-west" is not an AWS Region name such as eu-west-1.',
    );
    expect(field('settings-sync-region-input').getAttribute('aria-invalid')).toBe('true');
    expect(names('settings-sync-region')).toEqual([]);
    await type('settings-sync-region-input', 'eu-west-1 ap-south-1');
    await fireEvent.click(screen.getByTestId('settings-sync-region-add'));
    expect(screen.queryByTestId('settings-sync-region-error')).toBeNull();
    expect(names('settings-sync-region-suggestion')).toEqual(['us-east-1']);
    await fireEvent.click(screen.getByTestId('settings-sync-region-suggestion'));
    expect(names('settings-sync-region')).toEqual(['eu-west-1', 'ap-south-1', 'us-east-1']);
    await fireEvent.click(within(screen.getAllByTestId('settings-sync-region')[1]!).getByRole('button', { name: 'Remove ap-south-1' }));
    expect(names('settings-sync-region')).toEqual(['eu-west-1', 'us-east-1']);
    expect(document.activeElement).toBe(field('settings-sync-region-input'));

    await fireEvent.click(field('settings-sync-source-inspector'));
    // Typed but not added: added on save.
    await type('settings-sync-profile-input', 'late-one');
    await type('settings-by', 'Dana');
    await fireEvent.click(screen.getByTestId('settings-save'));

    await screen.findByText(/Saved\./);
    expect(saved(seen)?.sync).toEqual({
      profiles: ['prod-audit', 'break-glass', 'late-one'],
      regions: ['eu-west-1', 'us-east-1'],
      sources: ['inspector'],
    });
    expect(names('settings-sync-profile')).toEqual(['prod-audit', 'break-glass', 'late-one']);
    expect(field('settings-sync-profile-input').value).toBe('');
  });

  it('does not save a malformed Region still typed, and shows the core refusal under its list', async () => {
    const seen: Invocation[] = [];
    mock(
      {
        settings: sampleSettings(),
        set_settings: {
          code: 'bad_request',
          field: 'sync.regions',
          message: 'sync.regions: "mars-north-1x" is not an AWS Region name such as eu-west-1',
        },
        aws_profiles: [],
        workspace_details: sampleDetails(),
      },
      seen,
    );
    render(SettingsView);
    await screen.findByTestId('settings-form');

    await type('settings-sync-region-input', 'Mars');
    await type('settings-by', 'Dana');
    await fireEvent.click(screen.getByTestId('settings-save'));
    expect(screen.getByTestId('settings-sync-region-error').textContent).toMatch(/"Mars" is not an AWS Region name/);
    expect(document.activeElement).toBe(field('settings-sync-region-input'));
    expect(seen.filter((c) => c.cmd === 'set_settings')).toEqual([]);

    await type('settings-sync-region-input', '');
    await fireEvent.click(screen.getByTestId('settings-save'));
    expect((await screen.findByTestId('settings-failure')).textContent).toMatch(/sync\.regions: "mars-north-1x"/);
    expect(screen.getByTestId('settings-sync-region-error').textContent).toMatch(/sync\.regions: "mars-north-1x"/);
  });
});

describe('Catalog', () => {
  it('lists the frameworks in force, the user files with what each brings, and the folder', async () => {
    mock({ settings: sampleSettings(), aws_profiles: [], workspace_details: sampleDetails() });
    render(SettingsView);

    await waitFor(() => expect(screen.getAllByTestId('catalog-framework')).toHaveLength(4));
    const rows = screen.getAllByTestId('catalog-framework');
    expect(rows.map((r) => [r.dataset.id, r.dataset.custom])).toEqual([
      ['api12', 'false'],
      ['gdpr', 'false'],
      ['hipaa', 'false'],
      ['acme', 'true'],
    ]);
    expect(rows[3]!.textContent).toMatch(/ACME cloud baseline\s*acme/);
    expect(rows[3]!.textContent).toMatch(/Custom/);
    expect(rows[0]!.textContent).toMatch(/Built in/);
    expect(rows[0]!.textContent).toMatch(/12\s*\(3 manual\)/);
    expect(screen.getByTestId('catalog-summary').textContent).toMatch(/4 frameworks, 148 controls/);

    const [own, given] = screen.getAllByTestId('catalog-file') as [HTMLElement, HTMLElement];
    expect(own.dataset.name).toBe('custom-framework.toml');
    expect(own.textContent).toMatch(/In the workspace folder/);
    expect(own.textContent).toMatch(/Adds framework acme/);
    expect(within(own).getByTestId('catalog-remove')).toBeTruthy();
    expect(given.textContent).toMatch(/Given with --catalog/);
    expect(given.textContent).toMatch(/Changes framework gdpr · Adds 2 controls/);
    expect(within(given).queryByTestId('catalog-remove')).toBeNull();
    expect(screen.getByTestId('catalog-folder').textContent).toBe('/home/ana/.local/share/rampart/catalog');
  });

  it('says when only the built-in catalog is in force', async () => {
    mock({ settings: sampleSettings(), aws_profiles: [], workspace_details: builtInOnly() });
    render(SettingsView);
    expect((await screen.findByTestId('catalog-files-empty')).textContent).toMatch(/only the built-in catalog is in force/);
  });

  it('adds a file with who adds it, then lists it and says what it added', async () => {
    const seen: Invocation[] = [];
    let details = builtInOnly();
    mock(
      {
        settings: sampleSettings(),
        aws_profiles: [],
        workspace_details: () => details,
        catalog_add: () => {
          details = sampleDetails();
          details.catalog.files = details.catalog.files.filter((f) => f.in_folder);
          return 'custom-framework.toml';
        },
      },
      seen,
    );
    render(SettingsView);
    await screen.findByTestId('catalog-files-empty');

    // Who adds it is required first.
    await fireEvent.click(screen.getByTestId('catalog-add'));
    expect(screen.getByTestId('catalog-by-error').textContent).toMatch(/Say who changes the catalog/);
    expect(document.activeElement).toBe(field('catalog-by'));
    expect(seen.filter((c) => c.cmd === 'catalog_add')).toEqual([]);

    await type('catalog-by', ' Dana Whitfield ');
    await fireEvent.click(screen.getByTestId('catalog-add'));
    expect((await screen.findByText(/custom-framework\.toml is added, which adds the framework acme/)).dataset.testid).toBe('catalog-notice');
    expect(seen.filter((c) => c.cmd === 'catalog_add')).toEqual([{ cmd: 'catalog_add', args: { by: 'Dana Whitfield' } }]);
    expect(names('catalog-file')).toEqual(['custom-framework.toml']);
    expect(screen.getAllByTestId('catalog-framework').map((r) => r.dataset.id)).toContain('acme');
  });

  it('shows a refused file word for word and changes nothing; a cancelled dialog says nothing', async () => {
    const seen: Invocation[] = [];
    let answer: unknown = null;
    mock(
      {
        settings: sampleSettings(),
        aws_profiles: [],
        workspace_details: builtInOnly(),
        catalog_add: () => answer as string | null,
      },
      seen,
    );
    render(SettingsView);
    await screen.findByTestId('catalog-files-empty');
    await type('catalog-by', 'Dana');

    await fireEvent.click(screen.getByTestId('catalog-add'));
    await waitFor(() => expect(seen.filter((c) => c.cmd === 'catalog_add')).toHaveLength(1));
    expect(screen.queryByTestId('catalog-add-error')).toBeNull();
    expect(screen.getByTestId('catalog-notice').textContent).toBe('');

    const message = `syntax-error.toml:3: invalid string\n  name = "ACME internal baseline\n${HOSTILE}`;
    answer = { code: 'bad_request', message };
    await fireEvent.click(screen.getByTestId('catalog-add'));
    const alert = await screen.findByTestId('catalog-add-error');
    expect(alert.getAttribute('role')).toBe('alert');
    expect(alert.textContent).toMatch(/The file was not added; nothing changed/);
    expect(alert.querySelector('pre')!.textContent).toBe(message);
    expect(document.querySelector('img')).toBeNull();
    expect(screen.getByTestId('catalog-files-empty')).toBeTruthy();
  });

  it('puts a refusal about the author, by its field, under the author field', async () => {
    mock({
      settings: sampleSettings(),
      aws_profiles: [],
      workspace_details: builtInOnly(),
      catalog_add: { code: 'bad_request', field: 'by', message: 'by: must not contain control characters' },
    });
    render(SettingsView);
    await screen.findByTestId('catalog-files-empty');
    await type('catalog-by', 'Dana');

    await fireEvent.click(screen.getByTestId('catalog-add'));
    expect((await screen.findByTestId('catalog-by-error')).textContent).toBe('by: must not contain control characters');
    expect(document.activeElement).toBe(field('catalog-by'));
    expect(screen.queryByTestId('catalog-add-error')).toBeNull();
  });

  it('removes a file from the folder after a confirmation', async () => {
    const seen: Invocation[] = [];
    let details = sampleDetails();
    mock(
      {
        settings: sampleSettings(),
        aws_profiles: [],
        workspace_details: () => details,
        catalog_remove: () => {
          details = builtInOnly();
          return null;
        },
      },
      seen,
    );
    render(SettingsView);
    const remove = await screen.findByTestId('catalog-remove');

    await fireEvent.click(remove);
    expect(remove.getAttribute('aria-expanded')).toBe('true');
    const box = screen.getByTestId('catalog-remove-box');
    expect(box.textContent).toMatch(/Remove custom-framework\.toml from the workspace's catalog folder\?/);
    expect(document.activeElement).toBe(screen.getByTestId('catalog-remove-confirm'));

    // Cancel leaves it, with the focus back on its button.
    await fireEvent.click(within(box).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByTestId('catalog-remove-box')).toBeNull();
    expect(document.activeElement).toBe(remove);

    // Who removes it is required.
    await fireEvent.click(remove);
    await fireEvent.click(screen.getByTestId('catalog-remove-confirm'));
    expect(screen.getByTestId('catalog-by-error').textContent).toMatch(/Say who changes the catalog/);
    expect(seen.filter((c) => c.cmd === 'catalog_remove')).toEqual([]);

    await type('catalog-by', 'Dana');
    await fireEvent.click(screen.getByTestId('catalog-remove-confirm'));
    expect((await screen.findByTestId('catalog-files-empty')).textContent).toMatch(/only the built-in catalog/);
    expect(seen.filter((c) => c.cmd === 'catalog_remove')).toEqual([
      { cmd: 'catalog_remove', args: { name: 'custom-framework.toml', by: 'Dana' } },
    ]);
    expect(screen.getByTestId('catalog-notice').textContent).toMatch(/custom-framework\.toml is removed/);
  });

  it('shows why a removal was refused inside the confirmation', async () => {
    mock({
      settings: sampleSettings(),
      aws_profiles: [],
      workspace_details: sampleDetails(),
      catalog_remove: { code: 'bad_request', message: 'without custom-framework.toml, remap.toml:4: unknown framework "acme"' },
    });
    render(SettingsView);
    await fireEvent.click(await screen.findByTestId('catalog-remove'));
    await type('catalog-by', 'Dana');
    await fireEvent.click(screen.getByTestId('catalog-remove-confirm'));
    expect((await screen.findByTestId('catalog-remove-error')).textContent).toMatch(/unknown framework "acme"/);
    expect(names('catalog-file')).toEqual(['custom-framework.toml', 'remap.toml']);
  });
});

describe('Workspace', () => {
  it('shows the database file, its size and whether it opens on start', async () => {
    mock({ settings: sampleSettings(), aws_profiles: [], workspace_details: sampleDetails() });
    render(SettingsView);
    const path = await screen.findByTestId('workspace-path');
    expect(path.textContent).toBe('/home/ana/.local/share/rampart/rampart.db');
    expect(within(screen.getByTestId('settings-workspace')).getByRole('button', { name: /Copy path/ })).toBeTruthy();
    expect(screen.getByTestId('workspace-size').textContent).toBe('47 MB');
    expect(screen.getByTestId('workspace-default').dataset.default).toBe('true');
    expect(screen.getByTestId('workspace-default').textContent).toMatch(/opens this workspace when it starts/);
  });

  it('switches to another workspace or a new one, and does nothing when the dialog is cancelled', async () => {
    const seen: Invocation[] = [];
    let answer: string | null = null;
    mock({ open_workspace: () => answer }, seen);
    const onswitched = vi.fn();
    render(WorkspaceSection, { details: { kind: 'ready', data: sampleDetails() }, onretry: () => {}, onswitched });

    await fireEvent.click(screen.getByTestId('workspace-open'));
    await waitFor(() => expect(seen).toHaveLength(1));
    expect(seen[0]).toEqual({ cmd: 'open_workspace', args: { create: false } });
    expect(onswitched).not.toHaveBeenCalled();

    answer = '/tmp/new/rampart.db';
    await fireEvent.click(screen.getByTestId('workspace-new'));
    await waitFor(() => expect(onswitched).toHaveBeenCalledWith('/tmp/new/rampart.db'));
    expect(seen[1]).toEqual({ cmd: 'open_workspace', args: { create: true } });
  });

  it('says why it could not switch, and keeps the buttons when the details cannot be read', async () => {
    mock({ open_workspace: { code: 'busy', message: 'a sync is running' } });
    const details = { kind: 'error' as const, error: new BackendError('db_error', 'disk I/O error') };
    render(WorkspaceSection, { details, onretry: () => {}, onswitched: () => {} });
    expect(screen.getByTestId('workspace-load-error').textContent).toMatch(/disk I\/O error/);

    await fireEvent.click(screen.getByTestId('workspace-open'));
    const alert = await screen.findByTestId('workspace-error');
    expect(alert.getAttribute('role')).toBe('alert');
    expect(alert.textContent).toMatch(/A sync is running: wait for it to finish or cancel it/);
  });
});
