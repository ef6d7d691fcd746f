// The Attestations view against a mocked core: the tiles, the "needs action" list with the
// most urgent first, showing all, links to each requirement, and hostile text shown as text.
import { clearMocks } from '@tauri-apps/api/mocks';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { mockBackend, samplePosture } from '../../test/fixtures';
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
    expect(within(never).getByRole('link', { name: /Attest/ })).toBeTruthy();

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
});
