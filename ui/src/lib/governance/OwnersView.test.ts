// The Owners view against a mocked core: failing findings per owner (Unassigned last), the
// assignments in force, assigning an owner (checks, the call, the core's refusal at its field),
// changing one from its row, clearing one after a confirmation, and strings shown as text.
import { clearMocks } from '@tauri-apps/api/mocks';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import type { OwnersView as Owners } from '../backend';
import { mockBackend, sampleAccounts, type Invocation } from '../../test/fixtures';
import { sampleOwners, type MoreBackend } from '../settings/samples';
import OwnersView from './OwnersView.svelte';

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

function assigned(seen: Invocation[]): Invocation[] {
  return seen.filter((c) => c.cmd === 'assign_owner');
}

describe('OwnersView', () => {
  it('lists each owner’s failing findings, Unassigned last, and the assignments in force', async () => {
    mock({ owners: sampleOwners() });
    render(OwnersView);

    await waitFor(() => expect(screen.getAllByTestId('owner-row')).toHaveLength(3));
    expect(screen.getByTestId('owners-tab').getAttribute('aria-current')).toBe('page');
    expect(screen.getByTestId('owners-tab').getAttribute('href')).toBe('#/owners');
    const [web, data, nobody] = screen.getAllByTestId('owner-row') as [HTMLElement, HTMLElement, HTMLElement];
    expect(web.dataset.owner).toBe('Web platform team');
    expect(web.textContent).toMatch(/Web platform team\s*41\s*12\s*2/);
    expect(web.textContent).toMatch(/63 days late/);
    expect(within(web).getByRole('rowheader').textContent).toMatch(/Web platform team/);
    expect(web.querySelector('time')!.getAttribute('datetime')).toBe('2026-12-04T09:00:00Z');
    expect(data.textContent).toMatch(/—/);
    expect(nobody.dataset.owner).toBe('');
    expect(nobody.textContent).toMatch(/Unassigned\s*1,204\s*388\s*179/);

    const rows = screen.getAllByTestId('assignment-row');
    expect(rows.map((r) => [r.dataset.scope, r.dataset.target, r.dataset.owner])).toEqual([
      ['account', '111122223333', 'Web platform team'],
      ['control', 'RDS.3', 'Data platform'],
      ['finding', 'arn:aws:securityhub:eu-west-1:777788889999:security-control/Config.1/finding/d322c785', 'Cloud foundations'],
    ]);
    expect(rows[0]!.textContent).toMatch(/Account/);
  });

  it('assigns an owner to an organizational unit picked by its path, and lists it by its path', async () => {
    const seen: Invocation[] = [];
    let view: Owners = { owners: sampleOwners().owners, assignments: [] };
    mock(
      {
        owners: () => view,
        accounts: sampleAccounts(),
        assign_owner: (args) => {
          view = { ...view, assignments: [{ scope: 'unit', target: String(args.target), owner: String(args.owner) }] };
          return 8;
        },
      },
      seen,
    );
    render(OwnersView);
    const scope = (await screen.findByTestId('assign-scope')) as HTMLSelectElement;
    await waitFor(() => expect(scope.querySelector('option[value="unit"]')).not.toBeNull());
    await fireEvent.change(scope, { target: { value: 'unit' } });
    const picker = screen.getByTestId('assign-target') as HTMLSelectElement;
    expect(picker.tagName).toBe('SELECT');
    expect([...picker.options].map((o) => o.textContent)).toContain('Root/Workloads (1 account)');
    await fireEvent.change(picker, { target: { value: 'ou-ab12-11111111' } });
    await type('assign-owner', 'Workloads team');
    await type('assign-by', 'Dana Whitfield');
    await fireEvent.click(screen.getByTestId('assign-submit'));
    await screen.findByTestId('owners-notice');
    expect(assigned(seen)).toEqual([
      { cmd: 'assign_owner', args: { scope: 'unit', target: 'ou-ab12-11111111', owner: 'Workloads team', by: 'Dana Whitfield' } },
    ]);
    const row = screen.getByTestId('assignment-row');
    expect(row.dataset.scope).toBe('unit');
    expect(row.textContent).toMatch(/OU\s*Root\/Workloads\s*Workloads team/);
  });

  it('names an assigned account as the organisation does', async () => {
    mock({ owners: sampleOwners(), accounts: sampleAccounts() });
    render(OwnersView);
    await waitFor(() =>
      expect(screen.getAllByTestId('assignment-row')[0]!.textContent).toMatch(/payments-prod \(111122223333\)/),
    );
    expect(screen.getAllByTestId('assignment-row')[0]!.dataset.target).toBe('111122223333');
  });

  it('offers no OU to assign when the workspace knows no organisation', async () => {
    mock({ owners: sampleOwners(), accounts: { accounts: [], units: [] } });
    render(OwnersView);
    const scope = (await screen.findByTestId('assign-scope')) as HTMLSelectElement;
    await waitFor(() => expect(screen.getAllByTestId('assignment-row').length).toBeGreaterThan(0));
    expect(scope.querySelector('option[value="unit"]')).toBeNull();
  });

  it('says what to do when nothing is assigned and nothing fails', async () => {
    mock({ owners: { owners: [], assignments: [] } });
    render(OwnersView);
    expect((await screen.findByTestId('owners-empty')).textContent).toMatch(/No active failing findings/);
    expect(screen.getByTestId('assignments-empty').textContent).toMatch(/No owner is assigned yet/);
    expect(screen.getByTestId('assign-form')).toBeTruthy();
  });

  it('checks the form, assigns an owner with who assigns it, then reloads and says so', async () => {
    const seen: Invocation[] = [];
    let view: Owners = { owners: sampleOwners().owners, assignments: [] };
    mock(
      {
        owners: () => view,
        assign_owner: (args) => {
          view = { ...view, assignments: [{ scope: 'account', target: String(args.target), owner: String(args.owner) }] };
          return 7;
        },
      },
      seen,
    );
    render(OwnersView);
    await screen.findByTestId('assign-form');
    expect((screen.getByTestId('assign-scope') as HTMLSelectElement).value).toBe('account');

    await fireEvent.click(screen.getByTestId('assign-submit'));
    const form = screen.getByTestId('assign-form');
    expect(form.textContent).toMatch(/Give the account id/);
    expect(form.textContent).toMatch(/Name the owner/);
    expect(form.textContent).toMatch(/Say who makes the assignment/);
    expect(document.activeElement).toBe(field('assign-target'));

    await type('assign-target', '1111-2222');
    await type('assign-owner', ' Web platform team ');
    await type('assign-by', ' Dana Whitfield ');
    await fireEvent.click(screen.getByTestId('assign-submit'));
    expect(form.textContent).toMatch(/An AWS account id is 12 digits/);
    expect(assigned(seen)).toEqual([]);

    await type('assign-target', ' 444455556666 ');
    await fireEvent.click(screen.getByTestId('assign-submit'));
    const notice = await screen.findByTestId('owners-notice');
    expect(notice.textContent).toMatch(/The owner of account 444455556666 is now Web platform team/);
    expect(document.activeElement).toBe(notice);
    expect(assigned(seen)).toEqual([
      { cmd: 'assign_owner', args: { scope: 'account', target: '444455556666', owner: 'Web platform team', by: 'Dana Whitfield' } },
    ]);
    expect(seen.filter((c) => c.cmd === 'owners')).toHaveLength(2);
    expect(screen.getAllByTestId('assignment-row').map((r) => r.dataset.target)).toEqual(['444455556666']);
    // The target and owner are cleared for the next one; who assigns stays.
    expect(field('assign-target').value).toBe('');
    expect(field('assign-owner').value).toBe('');
    expect(field('assign-by').value).toBe(' Dana Whitfield ');
  });

  it('shows the core refusal at the field it names', async () => {
    mock({
      owners: sampleOwners(),
      assign_owner: { code: 'not_found', message: 'no finding has the id "nope"' },
    });
    render(OwnersView);
    await screen.findByTestId('assign-form');
    await fireEvent.change(screen.getByTestId('assign-scope'), { target: { value: 'finding' } });
    expect(screen.getByLabelText('Finding id')).toBe(field('assign-target'));
    await type('assign-target', 'nope');
    await type('assign-owner', 'SRE');
    await type('assign-by', 'Dana');
    await fireEvent.click(screen.getByTestId('assign-submit'));

    expect((await screen.findByTestId('assign-failure')).textContent).toMatch(/The owner was not assigned: no finding has the id "nope"/);
    expect(field('assign-target').getAttribute('aria-invalid')).toBe('true');
    expect(screen.queryByTestId('owners-notice')).toBeNull();
  });

  it('marks the field a bad_request names in its field, not in its text', async () => {
    mock({
      owners: sampleOwners(),
      assign_owner: { code: 'bad_request', field: 'owner', message: 'owner: required' },
    });
    render(OwnersView);
    await screen.findByTestId('assign-form');
    await type('assign-target', '444455556666');
    await type('assign-owner', 'SRE');
    await type('assign-by', 'Dana');
    await fireEvent.click(screen.getByTestId('assign-submit'));

    expect((await screen.findByTestId('assign-failure')).textContent).toMatch(/The owner was not assigned: owner: required/);
    expect(field('assign-owner').getAttribute('aria-invalid')).toBe('true');
    expect(field('assign-target').getAttribute('aria-invalid')).not.toBe('true');
    expect(field('assign-by').getAttribute('aria-invalid')).not.toBe('true');
  });

  it('fills the form from a row to change its owner', async () => {
    mock({ owners: sampleOwners() });
    render(OwnersView);
    await waitFor(() => expect(screen.getAllByTestId('assignment-row')).toHaveLength(3));
    await fireEvent.click(within(screen.getAllByTestId('assignment-row')[1]!).getByTestId('assignment-change'));
    expect((screen.getByTestId('assign-scope') as HTMLSelectElement).value).toBe('control');
    expect(field('assign-target').value).toBe('RDS.3');
    expect(document.activeElement).toBe(field('assign-owner'));
  });

  it('clears an assignment after a confirmation saying who clears it', async () => {
    const seen: Invocation[] = [];
    let view = sampleOwners();
    mock(
      {
        owners: () => view,
        assign_owner: (args) => {
          view = { ...view, assignments: view.assignments.filter((a) => a.target !== args.target) };
          return 8;
        },
      },
      seen,
    );
    render(OwnersView);
    await waitFor(() => expect(screen.getAllByTestId('assignment-row')).toHaveLength(3));

    const clear = within(screen.getAllByTestId('assignment-row')[1]!).getByTestId('assignment-clear');
    await fireEvent.click(clear);
    expect(clear.getAttribute('aria-expanded')).toBe('true');
    const box = screen.getByTestId('clear-form');
    expect(box.textContent).toMatch(/Clear Data platform as the owner of control RDS\.3\?/);
    expect(document.activeElement).toBe(field('clear-by'));

    // Escape leaves it, with the focus back on the row's button.
    await fireEvent.keyDown(field('clear-by'), { key: 'Escape' });
    expect(screen.queryByTestId('clear-form')).toBeNull();
    expect(document.activeElement).toBe(clear);

    await fireEvent.click(clear);
    await fireEvent.click(screen.getByTestId('clear-confirm'));
    expect(screen.getByTestId('clear-error').textContent).toMatch(/Say who clears the owner/);
    expect(assigned(seen)).toEqual([]);

    await type('clear-by', 'Dana');
    await fireEvent.click(screen.getByTestId('clear-confirm'));
    expect((await screen.findByTestId('owners-notice')).textContent).toMatch(/The owner of control RDS\.3 is cleared/);
    expect(assigned(seen)).toEqual([{ cmd: 'assign_owner', args: { scope: 'control', target: 'RDS.3', owner: '', by: 'Dana' } }]);
    expect(screen.getAllByTestId('assignment-row').map((r) => r.dataset.target)).not.toContain('RDS.3');
    expect(screen.queryByTestId('clear-form')).toBeNull();
    expect(field('assign-by').value).toBe('Dana');
  });

  it('renders every string from the core as text', async () => {
    mock({
      owners: {
        owners: [{ owner: HOSTILE, open: 1, overdue: 0, accepted: 0, next_due: null, most_overdue_days: null }],
        assignments: [{ scope: 'control', target: HOSTILE, owner: HOSTILE }],
      },
    });
    render(OwnersView);
    await waitFor(() => expect(screen.getAllByTestId('owner-row')).toHaveLength(1));
    expect(screen.getByTestId('owner-row').textContent).toContain(HOSTILE);
    expect(screen.getByTestId('assignment-row').textContent).toContain(HOSTILE);
    expect(document.querySelector('img')).toBeNull();
  });

  it('shows an error with Try again when the owners cannot be read', async () => {
    mock({ owners: { code: 'db_error', message: 'disk I/O error' } });
    render(OwnersView);
    const error = await screen.findByTestId('error');
    expect(error.dataset.code).toBe('db_error');
    expect(error.textContent).toMatch(/disk I\/O error/);
  });
});
