// The Exceptions view and the audit log against a mocked core: the list and its filters, the
// empty states, revoking an acceptance, and verifying the audit chain.
import { clearMocks } from '@tauri-apps/api/mocks';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import type { Acceptance } from '../backend';
import {
  mockBackend,
  sampleAcceptances,
  sampleAuditLog,
  sampleFindingRows,
  sampleSettings,
  type Invocation,
} from '../../test/fixtures';
import AuditView from './AuditView.svelte';
import ExceptionsView from './ExceptionsView.svelte';

const HOSTILE = '<img src=x onerror=alert(1)>';

afterEach(() => {
  clearMocks();
  window.location.hash = '';
});

function rows(): HTMLElement[] {
  return screen.queryAllByTestId('exception-row');
}

describe('ExceptionsView', () => {
  it('lists the active acceptances with scope, status, expiry, coverage, people and reason', async () => {
    const seen: Invocation[] = [];
    mockBackend({ exceptions: sampleAcceptances() }, seen);
    render(ExceptionsView, { filter: 'active' });

    await waitFor(() => expect(rows()).toHaveLength(3));
    expect(seen).toEqual([{ cmd: 'exceptions', args: { expiring: null } }]);
    expect(rows().map((r) => r.dataset.id)).toEqual(['3', '2', '1']);
    expect(rows().map((r) => r.dataset.status)).toEqual(['active', 'active', 'active']);

    const [finding, requirement, control] = rows() as [HTMLElement, HTMLElement, HTMLElement];
    // "Covers N failing" opens exactly those findings in the explorer.
    expect(within(requirement).getByTestId('exception-covers').querySelector('a')?.getAttribute('href')).toBe(
      '#/findings?acceptance=2',
    );
    // What each covers reads in words beside its id.
    expect(within(finding).getByTestId('exception-title').textContent).toMatch(/^AWS Config should be enabled/);
    expect(within(finding).getByTestId('exception-target').textContent).toBe(
      'arn:aws:securityhub:eu-west-1:777788889999:security-control/Config.1/finding/d322c785',
    );
    expect(finding.textContent).toMatch(/Finding/);
    expect(finding.textContent).toMatch(/Active/);
    expect(finding.dataset.expiring).toBe('true');
    expect(within(finding).getByTestId('days-left').textContent).toMatch(/11 days left/);
    expect(within(finding).getByTestId('days-left').classList.contains('soon')).toBe(true);
    expect(within(finding).getByTestId('exception-covers').dataset.value).toBe('1');
    expect(finding.textContent).toMatch(/Cloud foundations/);
    expect(finding.textContent).toMatch(/approved by Priya Natarajan \(CISO\)/);
    expect(within(finding).getByTestId('exception-reason').textContent).toBe(
      'Config is being re-enabled in eu-west-1 by the landing zone migration.',
    );

    // A requirement links to its page; a control says which accounts it is limited to.
    const link = within(requirement).getByTestId('exception-target');
    expect(link.getAttribute('href')).toBe('#/frameworks/gdpr/Art.32');
    expect(requirement.dataset.expiring).toBe('false');
    expect(within(requirement).getByTestId('days-left').classList.contains('soon')).toBe(false);
    expect(within(requirement).getByTestId('exception-covers').textContent).toMatch(/179/);
    expect(control.textContent).toMatch(/Accounts\s*111122223333/);

    // Each active acceptance can be revoked.
    expect(within(control).getByTestId('revoke-1').textContent).toMatch(/Revoke/);

    // The filters count what they keep.
    expect(screen.getByTestId('exceptions-filter-active').getAttribute('aria-pressed')).toBe('true');
    expect(screen.getByTestId('exceptions-filter-active').textContent).toMatch(/3$/);
    expect(screen.getByTestId('exceptions-filter-expiring').textContent).toMatch(/Expiring in 14 days\s*2$/);
    expect(screen.getByTestId('exceptions-filter-all').textContent).toMatch(/4$/);
  });

  it('keeps the expiring or all acceptances as the URL says, and changes it from the filter', async () => {
    mockBackend({ exceptions: sampleAcceptances() });
    const view = render(ExceptionsView, { filter: 'expiring' });
    await waitFor(() => expect(rows().map((r) => r.dataset.id)).toEqual(['3', '1']));

    await fireEvent.click(screen.getByTestId('exceptions-filter-all'));
    expect(window.location.hash).toBe('#/exceptions?filter=all');
    await view.rerender({ filter: 'all' });
    await waitFor(() => expect(rows().map((r) => r.dataset.id)).toEqual(['4', '3', '2', '1']));
    const revoked = rows()[0]!;
    expect(revoked.textContent).toMatch(/Revoked/);
    expect(revoked.textContent).toMatch(/by Priya Natarajan \(CISO\)/);
    expect(revoked.textContent).toMatch(/Bastions were removed\./);
    expect(within(revoked).queryByRole('button')).toBeNull();
  });

  it('says what to do next when there is nothing to list', async () => {
    mockBackend({ exceptions: [] });
    render(ExceptionsView, { filter: 'active' });

    const empty = await screen.findByTestId('exceptions-empty');
    expect(empty.textContent).toMatch(/No risk acceptances yet/);
    expect(empty.textContent).toMatch(/Accept a risk from a finding, a control or a requirement/);
    expect(within(empty).getByRole('link', { name: 'Go to Frameworks' }).getAttribute('href')).toBe('#/frameworks');
  });

  it('offers all acceptances when the filter leaves none', async () => {
    mockBackend({ exceptions: sampleAcceptances().filter((a) => a.status === 'revoked') });
    render(ExceptionsView, { filter: 'expiring' });

    const empty = await screen.findByTestId('exceptions-empty');
    expect(empty.textContent).toMatch(/Nothing expires within 14 days/);
    await fireEvent.click(within(empty).getByRole('button', { name: 'Show all acceptances' }));
    expect(window.location.hash).toBe('#/exceptions?filter=all');
  });

  it('revokes an acceptance from its row: who and why, then the list reloads', async () => {
    const seen: Invocation[] = [];
    let list = sampleAcceptances();
    mockBackend(
      {
        exceptions: () => list,
        revoke_risk: (args) => {
          list = list.map((a): Acceptance =>
            a.id === args.id
              ? { ...a, status: 'revoked', days_left: null, expiring_soon: false, covers: 0, revoked_at: '2026-11-29T20:00:00Z', revoked_by: String(args.by), revoke_reason: String(args.reason) }
              : a,
          );
          return null;
        },
      },
      seen,
    );
    render(ExceptionsView, { filter: 'active' });
    await waitFor(() => expect(rows()).toHaveLength(3));

    const button = screen.getByTestId('revoke-1');
    await fireEvent.click(button);
    expect(button.getAttribute('aria-expanded')).toBe('true');
    const form = screen.getByTestId('revoke-form');
    expect(form.textContent).toMatch(/Revoke acceptance no\. 1/);
    expect(document.activeElement).toBe(screen.getByTestId('revoke-by'));

    // Escape leaves it, with the focus back on the row's button.
    await fireEvent.keyDown(screen.getByTestId('revoke-by'), { key: 'Escape' });
    expect(screen.queryByTestId('revoke-form')).toBeNull();
    expect(document.activeElement).toBe(button);
    await fireEvent.click(button);

    // Both fields are required.
    const form2 = screen.getByTestId('revoke-form');
    await fireEvent.click(screen.getByTestId('revoke-confirm'));
    expect(form2.textContent).toMatch(/Say who revokes the acceptance/);
    expect(form2.textContent).toMatch(/Say why it is revoked/);
    expect(seen.filter((c) => c.cmd === 'revoke_risk')).toEqual([]);

    await fireEvent.input(screen.getByTestId('revoke-by'), { target: { value: ' Dana Whitfield ' } });
    await fireEvent.input(screen.getByTestId('revoke-reason'), { target: { value: 'The site moved to a private bucket.' } });
    await fireEvent.click(screen.getByTestId('revoke-confirm'));

    const notice = await screen.findByTestId('exceptions-notice');
    expect(notice.textContent).toMatch(/Acceptance no\. 1 is revoked/);
    expect(seen.filter((c) => c.cmd === 'revoke_risk')).toEqual([
      { cmd: 'revoke_risk', args: { id: 1, by: 'Dana Whitfield', reason: 'The site moved to a private bucket.' } },
    ]);
    expect(seen.filter((c) => c.cmd === 'exceptions')).toHaveLength(2);
    // It left the active list; the form is gone.
    expect(rows().map((r) => r.dataset.id)).toEqual(['3', '2']);
    expect(screen.queryByTestId('revoke-form')).toBeNull();
    expect(screen.getByTestId('exceptions-filter-all').textContent).toMatch(/4$/);
  });

  it('shows the core refusal in the revoke form', async () => {
    mockBackend({
      exceptions: sampleAcceptances(),
      revoke_risk: { code: 'bad_request', message: 'id: acceptance 1 was already revoked on 2026-11-29T20:00:00Z' },
    });
    render(ExceptionsView, { filter: 'active' });
    await waitFor(() => expect(rows()).toHaveLength(3));
    await fireEvent.click(screen.getByTestId('revoke-1'));
    await fireEvent.input(screen.getByTestId('revoke-by'), { target: { value: 'Dana' } });
    await fireEvent.input(screen.getByTestId('revoke-reason'), { target: { value: 'Fixed' } });
    await fireEvent.click(screen.getByTestId('revoke-confirm'));

    expect((await screen.findByTestId('revoke-failure')).textContent).toMatch(/already revoked/);
    expect(screen.queryByTestId('exceptions-notice')).toBeNull();
  });

  it('renders every string from the core as text', async () => {
    const [a] = sampleAcceptances().slice(1, 2) as [Acceptance];
    mockBackend({ exceptions: [{ ...a, scope: { scope: 'finding', target: HOSTILE }, reason: HOSTILE, owner: HOSTILE, approver: HOSTILE }] });
    render(ExceptionsView, { filter: 'all' });
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(rows()[0]!.textContent).toContain(HOSTILE);
    expect(document.querySelector('img')).toBeNull();
  });

  it('shows an error with Try again when the list cannot be read', async () => {
    mockBackend({ exceptions: { code: 'db_error', message: 'disk I/O error' } });
    render(ExceptionsView, { filter: 'active' });
    const error = await screen.findByTestId('error');
    expect(error.dataset.code).toBe('db_error');
    expect(error.textContent).toMatch(/disk I\/O error/);
  });
});

describe('AuditView', () => {
  it('lists the entries newest first and verifies the chain', async () => {
    const seen: Invocation[] = [];
    mockBackend({ audit_log: sampleAuditLog(), audit_verify: { entries: 11, problems: [] } }, seen);
    render(AuditView);

    await waitFor(() => expect(screen.getAllByTestId('audit-entry')).toHaveLength(3));
    expect(seen[0]).toEqual({ cmd: 'audit_log', args: { limit: 200 } });
    const [revoke, , attestation] = screen.getAllByTestId('audit-entry') as [HTMLElement, HTMLElement, HTMLElement];
    // Each entry says what it is about: the revocation names what the revoked acceptance covered.
    expect(within(revoke).getByTestId('audit-what').textContent?.trim()).toBe(
      'the acceptance of control EC2.19: Bastions were removed.',
    );
    expect(within(attestation).getByTestId('audit-what').textContent?.trim()).toBe('API-6 (api12)');
    expect(revoke.dataset.seq).toBe('11');
    expect(revoke.textContent).toMatch(/Acceptance revoked/);
    expect(revoke.textContent).toMatch(/Priya Natarajan \(CISO\)/);
    expect(revoke.textContent).toMatch(/acceptance:4/);
    expect(revoke.textContent).toMatch(/56e0603c8d72/);
    expect(revoke.textContent).not.toMatch(/56e0603c8d720d1e/);
    expect(revoke.textContent).toMatch(/"reason": "Bastions were removed\."/);
    expect(attestation.textContent).toMatch(/Attestation recorded/);

    await fireEvent.click(screen.getByTestId('audit-verify'));
    const result = await screen.findByTestId('audit-result');
    expect(result.dataset.intact).toBe('true');
    expect(result.textContent).toMatch(/Intact:\s*11\s+entries checked/);
  });

  it('names each problem when the chain is broken', async () => {
    mockBackend({
      audit_log: sampleAuditLog(),
      audit_verify: { entries: 11, problems: ['entry 10: hash does not match its content', 'acceptance 4: record differs from entry 10'] },
    });
    render(AuditView);
    await fireEvent.click(await screen.findByTestId('audit-verify'));

    const result = await screen.findByTestId('audit-result');
    expect(result.dataset.intact).toBe('false');
    expect(result.textContent).toMatch(/2 problems/);
    expect(screen.getAllByTestId('audit-problem').map((p) => p.textContent)).toEqual([
      'entry 10: hash does not match its content',
      'acceptance 4: record differs from entry 10',
    ]);
  });

  it('renews an acceptance in one step, starting from what it said, the two linked', async () => {
    const seen: Invocation[] = [];
    const renewedList = () => {
      const list = sampleAcceptances();
      const old = list.find((a) => a.id === 1)!;
      old.renewed_by = 5;
      old.expiring_soon = false;
      return [{ ...old, id: 5, renews: 1, renewed_by: null, expires_at: '2027-03-01T00:00:00.000Z', days_left: 92 }, ...list];
    };
    let calls = 0;
    mockBackend(
      {
        exceptions: () => (calls++ === 0 ? sampleAcceptances() : renewedList()),
        settings: sampleSettings(),
        accept_risk: 5,
      },
      seen,
    );
    render(ExceptionsView, { filter: 'active' });
    const row = await waitFor(() => screen.getAllByTestId('exception-row').find((r) => r.dataset.id === '1')!);
    await fireEvent.click(within(row).getByTestId('renew-1'));
    const form = await screen.findByTestId('accept-form');
    expect(form.textContent).toMatch(/Renew acceptance no\. 1/);
    expect((within(form).getByTestId('accept-reason') as HTMLTextAreaElement).value).toBe(
      'Public read is intended: these buckets serve the marketing site.',
    );
    expect((within(form).getByTestId('accept-accounts') as HTMLInputElement).value).toBe('111122223333');
    await fireEvent.input(within(form).getByTestId('accept-approver'), { target: { value: 'Priya Natarajan (CISO)' } });
    await fireEvent.click(within(form).getByTestId('accept-submit'));
    await waitFor(() => expect(seen.some((c) => c.cmd === 'accept_risk')).toBe(true));
    const request = seen.find((c) => c.cmd === 'accept_risk')?.args.request as { renews: number; scope: unknown; accounts: string[] };
    expect(request).toMatchObject({ renews: 1, scope: { scope: 'control', target: 'S3.8' }, accounts: ['111122223333'] });
    await waitFor(() => expect(screen.getByTestId('exception-renewed-by').textContent).toBe('renewed by no. 5'));
    expect(screen.getByTestId('exception-renews').textContent).toBe('renews no. 1');
    expect(screen.queryByTestId('renew-1')).toBeNull();
  });

  it('opens an accepted finding in the side panel', async () => {
    const target = 'arn:aws:securityhub:eu-west-1:777788889999:security-control/Config.1/finding/d322c785';
    const seen: Invocation[] = [];
    mockBackend(
      {
        exceptions: sampleAcceptances(),
        findings_page: { total: 1, page: 1, page_size: 50, rows: [{ ...sampleFindingRows()[0]!, id: target }] },
        finding_detail: { code: 'not_found', message: 'no detail in this test' },
      },
      seen,
    );
    render(ExceptionsView, { filter: 'active' });
    const row = await waitFor(() => screen.getAllByTestId('exception-row').find((r) => r.dataset.id === '3')!);
    await fireEvent.click(within(row).getByTestId('exception-target'));
    expect((await screen.findByTestId('finding-panel')).dataset.id).toBe(target);
  });
});
