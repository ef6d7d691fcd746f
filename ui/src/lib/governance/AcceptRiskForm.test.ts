// The accept-a-risk form against a mocked core: the expiry it proposes and allows, its own
// checks, the request it sends (scope, expiry at 00:00 UTC, accounts), the core's refusal, and
// the confirmation with its link to the Exceptions view.
import { clearMocks } from '@tauri-apps/api/mocks';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockBackend, sampleSettings, type Invocation } from '../../test/fixtures';
import AcceptRiskForm from './AcceptRiskForm.svelte';

const NOW = Date.UTC(2026, 10, 29, 19, 3);
const HOSTILE = '<img src=x onerror=alert(1)>';

afterEach(() => {
  clearMocks();
});

function field(testid: string): HTMLInputElement {
  return screen.getByTestId(testid) as HTMLInputElement;
}

async function fill(values: Record<string, string>): Promise<void> {
  for (const [testid, value] of Object.entries(values)) await fireEvent.input(field(testid), { target: { value } });
}

describe('AcceptRiskForm', () => {
  it('proposes an expiry 90 days ahead, capped by the workspace maximum', async () => {
    mockBackend({ settings: { ...sampleSettings(), max_acceptance_days: 30 } });
    render(AcceptRiskForm, { scope: { scope: 'finding', target: 'arn:f1' }, onaccepted: () => {}, onclose: () => {}, now: NOW });

    const expires = field('accept-expires');
    expect(expires.dataset.min).toBe('2026-11-30');
    // 365 until the settings are in, then the workspace's 30 days.
    await waitFor(() => expect(expires.dataset.max).toBe('2026-12-29'));
    expect(expires.value).toBe('2026-12-29');
    expect(screen.getByTestId('accept-form').textContent).toMatch(/At most 30 days/);
    // The form opens with the focus in its first field; accounts are for a control only.
    expect(document.activeElement).toBe(field('accept-reason'));
    expect(screen.queryByTestId('accept-accounts')).toBeNull();
  });

  it('says what is missing before calling the core', async () => {
    const seen: Invocation[] = [];
    mockBackend({ settings: sampleSettings(), accept_risk: 1 }, seen);
    render(AcceptRiskForm, { scope: { scope: 'control', target: 'S3.8' }, onaccepted: () => {}, onclose: () => {}, now: NOW });
    await waitFor(() => expect(field('accept-expires').value).toBe('2027-02-27'));

    await fill({ 'accept-owner': 'Web team', 'accept-accounts': '111122223333 12345' });
    await fireEvent.click(screen.getByTestId('accept-submit'));

    expect(screen.getByTestId('accept-errors').textContent).toMatch(/3 fields need attention/);
    expect(screen.getByTestId('accept-form').textContent).toMatch(/Say why the risk is accepted/);
    expect(screen.getByTestId('accept-form').textContent).toMatch(/Name who approved the acceptance/);
    expect(screen.getByTestId('accept-form').textContent).toMatch(/"12345" is not a 12-digit AWS account id/);
    expect(field('accept-reason').getAttribute('aria-invalid')).toBe('true');
    expect(field('accept-owner').getAttribute('aria-invalid')).toBeNull();
    expect(document.activeElement).toBe(field('accept-reason'));
    expect(seen.map((c) => c.cmd)).toEqual(['settings']);
  });

  it('sends the scope, the texts, the accounts and the expiry at 00:00 UTC, then confirms', async () => {
    const seen: Invocation[] = [];
    const onaccepted = vi.fn(async () => {});
    mockBackend({ settings: sampleSettings(), accept_risk: 12 }, seen);
    render(AcceptRiskForm, {
      scope: { scope: 'control', target: 'S3.8' },
      subject: 'S3 general purpose buckets should block public read access',
      onaccepted,
      onclose: () => {},
      now: NOW,
    });
    await waitFor(() => expect(field('accept-expires').value).toBe('2027-02-27'));

    await fill({
      'accept-reason': ' Marketing site buckets are public by design. ',
      'accept-owner': 'Web team',
      'accept-approver': 'Priya Natarajan (CISO)',
      'accept-expires': '2027-01-15',
      'accept-accounts': '111122223333, 444455556666',
    });
    await fireEvent.click(screen.getByTestId('accept-submit'));

    const success = await screen.findByTestId('accept-success');
    expect(seen.find((c) => c.cmd === 'accept_risk')?.args).toEqual({
      request: {
        scope: { scope: 'control', target: 'S3.8' },
        accounts: ['111122223333', '444455556666'],
        resources: [],
        reason: 'Marketing site buckets are public by design.',
        owner: 'Web team',
        approver: 'Priya Natarajan (CISO)',
        expires_at: Date.UTC(2027, 0, 15),
      },
    });
    expect(onaccepted).toHaveBeenCalledWith(12);
    expect(success.textContent).toMatch(/Risk acceptance no\. 12 is recorded/);
    expect(screen.getByTestId('accept-exceptions-link').getAttribute('href')).toBe('#/exceptions');
    expect(document.activeElement).toBe(success);
  });

  it('shows the core refusal next to the form and marks the field it names', async () => {
    mockBackend({
      settings: sampleSettings(),
      accept_risk: {
        code: 'bad_request',
        field: 'expires',
        message: 'expires: 2027-12-01T00:00:00Z is more than 365 days away (the workspace maximum)',
      },
    });
    const onaccepted = vi.fn();
    render(AcceptRiskForm, { scope: { scope: 'finding', target: 'arn:f1' }, onaccepted, onclose: () => {}, now: NOW });
    await waitFor(() => expect(field('accept-expires').value).toBe('2027-02-27'));
    await fill({ 'accept-reason': 'r', 'accept-owner': 'o', 'accept-approver': 'a' });
    await fireEvent.click(screen.getByTestId('accept-submit'));

    const failure = await screen.findByTestId('accept-failure');
    expect(failure.textContent).toMatch(/The risk was not accepted: expires: 2027-12-01T00:00:00Z is more than 365 days away/);
    expect(field('accept-expires').getAttribute('aria-invalid')).toBe('true');
    expect(onaccepted).not.toHaveBeenCalled();
    expect(screen.queryByTestId('accept-success')).toBeNull();
  });

  it('shows a not_found refusal as it is', async () => {
    mockBackend({ settings: sampleSettings(), accept_risk: { code: 'not_found', message: 'no finding has the id "arn:gone"' } });
    render(AcceptRiskForm, { scope: { scope: 'finding', target: 'arn:gone' }, onaccepted: () => {}, onclose: () => {}, now: NOW });
    await fill({ 'accept-reason': 'r', 'accept-owner': 'o', 'accept-approver': 'a' });
    await fireEvent.click(screen.getByTestId('accept-submit'));

    expect((await screen.findByTestId('accept-failure')).textContent).toMatch(/no finding has the id "arn:gone"/);
  });

  it('renders the target and subject as text', async () => {
    mockBackend({ settings: sampleSettings() });
    render(AcceptRiskForm, {
      scope: { scope: 'finding', target: HOSTILE },
      subject: HOSTILE,
      onaccepted: () => {},
      onclose: () => {},
      now: NOW,
    });
    expect(screen.getByTestId('accept-form').textContent).toContain(HOSTILE);
    expect(document.querySelector('img')).toBeNull();
  });

  it('closes on Cancel and on Escape', async () => {
    mockBackend({ settings: sampleSettings() });
    const onclose = vi.fn();
    render(AcceptRiskForm, { scope: { scope: 'finding', target: 'arn:f1' }, onaccepted: () => {}, onclose, now: NOW });
    await fireEvent.click(screen.getByTestId('accept-cancel'));
    expect(onclose).toHaveBeenCalledOnce();
    await fireEvent.keyDown(field('accept-owner'), { key: 'Escape' });
    expect(onclose).toHaveBeenCalledTimes(2);
  });

  it('keeps what was typed on Escape until the user says to discard it', async () => {
    mockBackend({ settings: sampleSettings() });
    const onclose = vi.fn();
    render(AcceptRiskForm, { scope: { scope: 'finding', target: 'arn:f1' }, onaccepted: () => {}, onclose, now: NOW });
    await fill({ 'accept-reason': 'Compensating control: WAF in front.' });
    await fireEvent.keyDown(field('accept-owner'), { key: 'Escape' });
    expect(onclose).not.toHaveBeenCalled();
    expect(screen.getByTestId('accept-discard')).toBeTruthy();
    // Keep editing is the default: a second Escape keeps the work too.
    expect(document.activeElement).toBe(screen.getByTestId('accept-discard-keep'));
    await fireEvent.keyDown(screen.getByTestId('accept-discard-keep'), { key: 'Escape' });
    expect(screen.queryByTestId('accept-discard')).toBeNull();
    expect(field('accept-reason').value).toBe('Compensating control: WAF in front.');
    expect(onclose).not.toHaveBeenCalled();
    await fireEvent.keyDown(field('accept-reason'), { key: 'Escape' });
    await fireEvent.click(screen.getByTestId('accept-discard-confirm'));
    expect(onclose).toHaveBeenCalledTimes(1);
  });

  it('closes on Escape at once while nothing is typed', async () => {
    mockBackend({ settings: sampleSettings() });
    const onclose = vi.fn();
    render(AcceptRiskForm, { scope: { scope: 'finding', target: 'arn:f1' }, onaccepted: () => {}, onclose, now: NOW });
    await fireEvent.keyDown(field('accept-reason'), { key: 'Escape' });
    expect(onclose).toHaveBeenCalledTimes(1);
  });

  it('takes an expiry typed key by key, in words, or picked from the calendar', async () => {
    const seen: Invocation[] = [];
    mockBackend({ settings: sampleSettings(), accept_risk: 3 }, seen);
    render(AcceptRiskForm, { scope: { scope: 'finding', target: 'arn:f1' }, onaccepted: () => {}, onclose: () => {}, now: NOW });
    const expires = field('accept-expires');
    await waitFor(() => expect(expires.value).toBe('2027-02-27'));
    // Typed one key at a time, as a person does: every keystroke stays where it was typed.
    await fireEvent.input(expires, { target: { value: '' } });
    let typed = '';
    for (const key of '17 Dec 2026') {
      typed += key;
      await fireEvent.input(expires, { target: { value: typed } });
      expect(expires.value).toBe(typed);
    }
    await fireEvent.change(expires, { target: { value: typed } });
    expect(expires.value).toBe('2026-12-17');
    // The calendar opens on the chosen day's month and picks another.
    await fireEvent.click(screen.getByTestId('accept-expires-pick'));
    const calendar = screen.getByTestId('accept-expires-calendar');
    expect(calendar.querySelector('[data-day="2026-12-17"]')?.getAttribute('aria-selected')).toBe('true');
    // Days before the earliest allowed expiry are not offered.
    await fireEvent.click(screen.getByRole('button', { name: 'Previous month' }));
    expect((calendar.querySelector('[data-day="2026-11-29"]') as HTMLButtonElement).disabled).toBe(true);
    expect((calendar.querySelector('[data-day="2026-11-30"]') as HTMLButtonElement).disabled).toBe(false);
    await fireEvent.click(screen.getByRole('button', { name: 'Next month' }));
    await fireEvent.click(calendar.querySelector('[data-day="2026-12-24"]')!);
    expect(screen.queryByTestId('accept-expires-calendar')).toBeNull();
    expect(expires.value).toBe('2026-12-24');
    await fill({ 'accept-reason': 'Why', 'accept-owner': 'Team', 'accept-approver': 'Boss' });
    await fireEvent.click(screen.getByTestId('accept-submit'));
    await screen.findByTestId('accept-success');
    const request = seen.find((c) => c.cmd === 'accept_risk')?.args.request as { expires_at: number };
    expect(request.expires_at).toBe(Date.UTC(2026, 11, 24));
  });

  it('says plainly when the typed expiry is not a day, and empty stays empty', async () => {
    mockBackend({ settings: sampleSettings() });
    render(AcceptRiskForm, { scope: { scope: 'finding', target: 'arn:f1' }, onaccepted: () => {}, onclose: () => {}, now: NOW });
    const expires = field('accept-expires');
    await waitFor(() => expect(expires.value).toBe('2027-02-27'));
    await fill({ 'accept-reason': 'Why', 'accept-owner': 'Team', 'accept-approver': 'Boss', 'accept-expires': '' });
    expect(expires.value).toBe('');
    expect(expires.placeholder).toBe('YYYY-MM-DD');
    await fireEvent.click(screen.getByTestId('accept-submit'));
    expect(screen.getByTestId('accept-form').textContent).toMatch(/Choose when the acceptance expires/);
    await fill({ 'accept-expires': '12/17/2026' });
    await fireEvent.click(screen.getByTestId('accept-submit'));
    expect(screen.getByTestId('accept-form').textContent).toMatch(/Enter the expiry as a day/);
  });
});
