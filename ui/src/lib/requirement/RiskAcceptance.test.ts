// Risk acceptance in the requirement view: where it can be started (a failing finding, a failing
// control, the requirement itself), the request each sends, the reload after it, and how accepted
// findings and controls look.
import { clearMocks } from '@tauri-apps/api/mocks';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import type { RequirementDetail } from '../backend';
import { mockBackend, sampleRequirement, sampleSettings, type Invocation } from '../../test/fixtures';
import RequirementView from './RequirementView.svelte';

const DAY_MS = 24 * 3600 * 1000;

afterEach(() => {
  clearMocks();
});

/** 164.312(b) after its first ELB.5 finding was accepted (still failing: other findings fail). */
function withFirstFindingAccepted(): RequirementDetail {
  const detail = sampleRequirement('164.312(b)');
  const elb = detail.controls[0]!;
  elb.failing[0]!.accepted = true;
  elb.failed -= 1;
  elb.accepted = 1;
  detail.posture.failed -= 1;
  detail.posture.accepted = 1;
  return detail;
}

async function fillAcceptForm(form: HTMLElement): Promise<void> {
  for (const [testid, value] of [
    ['accept-reason', 'Logs ship through a sidecar until the ALB migration.'],
    ['accept-owner', 'Platform team'],
    ['accept-approver', 'Priya Natarajan (CISO)'],
  ] as const) {
    await fireEvent.input(within(form).getByTestId(testid), { target: { value } });
  }
}

describe('Risk acceptance from the requirement view', () => {
  it('accepts one failing finding from its row, reloads, and marks it accepted', async () => {
    const seen: Invocation[] = [];
    let accepted = false;
    mockBackend(
      {
        requirement_detail: () => (accepted ? withFirstFindingAccepted() : sampleRequirement('164.312(b)')),
        settings: sampleSettings(),
        accept_risk: () => {
          accepted = true;
          return 5;
        },
      },
      seen,
    );
    render(RequirementView, { framework: 'hipaa', requirement: '164.312(b)' });
    await screen.findByTestId('requirement-header');

    const elb = screen.getByTestId('control-ELB.5');
    const row = within(elb).getAllByTestId('failing-finding')[0]!;
    const findingId = row.dataset.findingId!;
    const open = within(row).getByTestId('accept-finding');
    await fireEvent.click(open);
    expect(open.getAttribute('aria-expanded')).toBe('true');

    const form = within(elb).getByTestId('accept-form');
    expect(form.dataset.scope).toBe('finding');
    expect(form.textContent).toContain(findingId);
    expect(within(form).queryByTestId('accept-accounts')).toBeNull();
    await fillAcceptForm(form);
    await fireEvent.click(within(form).getByTestId('accept-submit'));

    const success = await within(elb).findByTestId('accept-success');
    expect(success.textContent).toMatch(/Risk acceptance no\. 5 is recorded/);
    expect(within(success).getByRole('link', { name: 'View in Exceptions' }).getAttribute('href')).toBe('#/exceptions');

    const request = seen.find((c) => c.cmd === 'accept_risk')!.args.request as Record<string, unknown>;
    expect(request).toMatchObject({
      scope: { scope: 'finding', target: findingId },
      accounts: [],
      resources: [],
      reason: 'Logs ship through a sidecar until the ALB migration.',
      owner: 'Platform team',
      approver: 'Priya Natarajan (CISO)',
    });
    // The proposed expiry: the start (00:00 UTC) of a day about 90 days ahead.
    const expires = request.expires_at as number;
    expect(expires % DAY_MS).toBe(0);
    expect(Math.round((expires - Date.now()) / DAY_MS)).toBeGreaterThanOrEqual(89);
    expect(Math.round((expires - Date.now()) / DAY_MS)).toBeLessThanOrEqual(91);

    // Reloaded: the finding is accepted (badge, no button), the counts say so.
    expect(seen.filter((c) => c.cmd === 'requirement_detail')).toHaveLength(2);
    const first = within(elb).getAllByTestId('failing-finding')[0]!;
    expect(first.dataset.accepted).toBe('true');
    expect(within(first).getByTestId('accepted-badge').textContent).toMatch(/Accepted/);
    expect(within(first).queryByTestId('accept-finding')).toBeNull();
    expect(screen.getByTestId('accepted-count').dataset.value).toBe('1');
    expect(screen.getByTestId('requirement-header').textContent).toMatch(/18 failed · \d+ passed\s*·\s*1 accepted/);
    expect(elb.textContent).toMatch(/1 accepted/);

    // Closing the confirmation puts the focus back on the row.
    await fireEvent.click(within(success).getByTestId('accept-close'));
    expect(within(elb).queryByTestId('accept-form')).toBeNull();
    expect(document.activeElement).toBe(first);
  });

  it('accepts a failing control from its card, optionally in some accounts', async () => {
    const seen: Invocation[] = [];
    mockBackend({ requirement_detail: sampleRequirement('164.312(b)'), settings: sampleSettings(), accept_risk: 6 }, seen);
    render(RequirementView, { framework: 'hipaa', requirement: '164.312(b)' });
    await screen.findByTestId('requirement-header');

    const trail = screen.getByTestId('control-CloudTrail.1');
    await fireEvent.click(within(trail).getByTestId('accept-control-CloudTrail.1'));
    const form = within(trail).getByTestId('accept-form');
    expect(form.dataset.scope).toBe('control');
    await fillAcceptForm(form);
    await fireEvent.input(within(form).getByTestId('accept-accounts'), { target: { value: '111122223333' } });
    await fireEvent.click(within(form).getByTestId('accept-submit'));

    await within(trail).findByTestId('accept-success');
    expect(seen.find((c) => c.cmd === 'accept_risk')!.args.request).toMatchObject({
      scope: { scope: 'control', target: 'CloudTrail.1' },
      accounts: ['111122223333'],
    });
  });

  it('accepts the whole requirement from its header', async () => {
    const seen: Invocation[] = [];
    mockBackend({ requirement_detail: sampleRequirement('164.312(b)'), settings: sampleSettings(), accept_risk: 7 }, seen);
    render(RequirementView, { framework: 'hipaa', requirement: '164.312(b)' });
    const header = await screen.findByTestId('requirement-header');

    await fireEvent.click(within(header).getByTestId('accept-requirement'));
    const form = screen.getByTestId('accept-form');
    expect(form.dataset.scope).toBe('requirement');
    expect(form.textContent).toContain('hipaa:164.312(b)');
    await fillAcceptForm(form);
    await fireEvent.click(within(form).getByTestId('accept-submit'));

    await screen.findByTestId('accept-success');
    expect(seen.find((c) => c.cmd === 'accept_risk')!.args.request).toMatchObject({
      scope: { scope: 'requirement', target: 'hipaa:164.312(b)' },
      accounts: [],
    });
    // Cancel of a new form takes the focus back to the header's button.
    await fireEvent.click(screen.getByTestId('accept-close'));
    expect(document.activeElement).toBe(within(header).getByTestId('accept-requirement'));
  });

  it('offers no acceptance for a requirement judged by attestation only', async () => {
    mockBackend({ requirement_detail: sampleRequirement('API-6') });
    render(RequirementView, { framework: 'api12', requirement: 'API-6' });
    await screen.findByTestId('requirement-header');
    expect(screen.queryByTestId('accept-requirement')).toBeNull();
  });

  it('shows a control whose failures are all accepted as Accepted, after the failing ones', async () => {
    const detail = sampleRequirement('164.312(b)');
    const elb = detail.controls[0]!;
    detail.controls[0] = {
      ...elb,
      status: 'accepted',
      accepted: elb.failed,
      failed: 0,
      failing: elb.failing.map((f) => ({ ...f, accepted: true })),
    };
    mockBackend({ requirement_detail: detail });
    render(RequirementView, { framework: 'hipaa', requirement: '164.312(b)' });
    await screen.findByTestId('requirement-header');

    const cards = screen.getAllByTestId(/^control-/).slice(0, 4);
    expect(cards.map((c) => [c.dataset.testid, c.dataset.status])).toEqual([
      ['control-CloudTrail.1', 'failed'],
      ['control-CloudWatch.5', 'failed'],
      ['control-Bedrock.99', 'failed'],
      ['control-ELB.5', 'accepted'],
    ]);
    const card = screen.getByTestId('control-ELB.5');
    expect(card.querySelector('.chip')?.textContent).toMatch(/Accepted/);
    expect(within(card).queryByTestId('accept-control-ELB.5')).toBeNull();
    expect(screen.getByTestId('requirement-header').textContent).toMatch(/3 failing\s*·\s*1 accepted\s*· 2 passing/);
  });
});
