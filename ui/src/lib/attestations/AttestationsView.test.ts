// The Attestations view against a mocked core: the tiles, the "needs action" list with the
// most urgent first, showing all, links to each requirement, and hostile text shown as text.
import { clearMocks } from '@tauri-apps/api/mocks';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { mockBackend, samplePosture, type Invocation } from '../../test/fixtures';
import AttestationsView from './AttestationsView.svelte';

const NOW = Date.parse('2026-11-29T16:48:04Z');
const HOSTILE = '<img src=x onerror=alert(1)>';

afterEach(() => clearMocks());

function rows(): HTMLElement[] {
  return screen.queryAllByTestId('attestation-row');
}

describe('AttestationsView', () => {
  it('shows what needs action first, then everything on request', async () => {
    const calls = mockBackend({ posture: samplePosture() });
    render(AttestationsView, { now: NOW });
    await waitFor(() => expect(rows()).toHaveLength(10));
    expect(calls).toEqual(['posture']);
    expect(screen.getByTestId('attestations-count-expired').dataset.value).toBe('2');
    expect(screen.getByTestId('attestations-count-missing').dataset.value).toBe('8');
    expect(screen.getByTestId('attestations-count-valid').dataset.value).toBe('4');
    const first = rows()[0]!;
    expect(first.dataset.standing).toBe('expired');
    expect(first.dataset.requirement).toBe('164.316(b)(2)(i)');
    expect(within(first).getByRole('link', { name: /164\.316\(b\)\(2\)\(i\)/ }).getAttribute('href')).toBe(
      '#/frameworks/hipaa/164.316(b)(2)(i)',
    );
    expect(within(first).getByTestId('attestation-expiry').textContent).toMatch(/expired \d+ days ago/);
    const never = rows().find((r) => r.dataset.standing === 'missing')!;
    expect(within(never).getByTestId('attestation-act').textContent).toMatch(/^Attest/);
    // The expired one, listed first, can be renewed where it is listed.
    expect(within(first).getByTestId('attestation-act').textContent).toMatch(/^Renew/);

    await fireEvent.click(screen.getByTestId('attestations-filter-all'));
    expect(rows()).toHaveLength(14);
    expect(rows()[13]!.dataset.standing).toBe('valid');
  });

  it('renders statements and names as text', async () => {
    const posture = samplePosture();
    const api6 = posture.frameworks[0]!.requirements.find((r) => r.id === 'API-6')!;
    api6.attestation!.statement = HOSTILE;
    api6.attestation!.by = HOSTILE;
    mockBackend({ posture });
    const { container } = render(AttestationsView, { now: NOW });
    await waitFor(() => expect(rows().length).toBeGreaterThan(0));
    await fireEvent.click(screen.getByTestId('attestations-filter-all'));
    const row = rows().find((r) => r.dataset.requirement === 'API-6')!;
    expect(within(row).getByTestId('attestation-statement').textContent).toBe(HOSTILE);
    expect(container.querySelector('img')).toBeNull();
  });

  it('renews an expired attestation from the list, with an evidence file the core hashed', async () => {
    const seen: Invocation[] = [];
    const sha = 'ab'.repeat(32);
    mockBackend(
      {
        posture: samplePosture(),
        choose_evidence: { name: 'dpia-register.xlsx', bytes: 48_213, sha256: sha },
        attest: 31,
      },
      seen,
    );
    render(AttestationsView, { now: NOW });
    await waitFor(() => expect(rows()).toHaveLength(10));
    const first = rows()[0]!;
    const was = first.querySelector('[data-testid="attestation-statement"]')?.textContent ?? '';
    await fireEvent.click(within(first).getByTestId('attestation-act'));
    const form = await screen.findByTestId('attest-form');
    expect((within(form).getByTestId('attest-statement') as HTMLTextAreaElement).value).toBe(was);
    await fireEvent.click(within(form).getByTestId('attest-evidence-choose'));
    const evidence = await within(form).findByTestId('attest-evidence');
    expect(evidence.textContent).toMatch(/dpia-register\.xlsx/);
    expect(evidence.textContent).toContain(sha);
    await fireEvent.input(within(form).getByTestId('attest-by'), { target: { value: 'Dana Whitfield (DPO)' } });
    await fireEvent.click(within(form).getByTestId('attest-submit'));
    await waitFor(() => expect(seen.some((c) => c.cmd === 'attest')).toBe(true));
    expect(seen.find((c) => c.cmd === 'attest')?.args).toEqual({
      framework: 'hipaa',
      requirement: '164.316(b)(2)(i)',
      by: 'Dana Whitfield (DPO)',
      statement: was.trim(),
      evidence: sha,
    });
    // Recorded: the list is asked again and the form closes.
    await waitFor(() => expect(seen.filter((c) => c.cmd === 'posture')).toHaveLength(2));
    await waitFor(() => expect(screen.queryByTestId('attest-form')).toBeNull());
  });

  it('asks before Escape throws away a statement being written', async () => {
    mockBackend({ posture: samplePosture() });
    render(AttestationsView, { now: NOW });
    await waitFor(() => expect(rows()).toHaveLength(10));
    const never = rows().find((r) => r.dataset.standing === 'missing')!;
    await fireEvent.click(within(never).getByTestId('attestation-act'));
    const form = await screen.findByTestId('attest-form');
    const statement = within(form).getByTestId('attest-statement') as HTMLTextAreaElement;
    await fireEvent.input(statement, { target: { value: 'A DPIA is kept for every high-risk processing.' } });
    await fireEvent.keyDown(statement, { key: 'Escape' });
    expect(screen.getByTestId('attest-discard')).toBeTruthy();
    await fireEvent.click(screen.getByTestId('attest-discard-keep'));
    expect(statement.value).toBe('A DPIA is kept for every high-risk processing.');
    await fireEvent.keyDown(statement, { key: 'Escape' });
    await fireEvent.click(screen.getByTestId('attest-discard-confirm'));
    expect(screen.queryByTestId('attest-form')).toBeNull();
  });
});
