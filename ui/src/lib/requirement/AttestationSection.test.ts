// The Attestation section of the requirement view: state, history, and the form end to end
// against a mocked core (validation, the attest call, the reload, the messages).
import { clearMocks } from '@tauri-apps/api/mocks';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import type { Attestation, RequirementDetail } from '../backend';
import { mockBackend, sampleRequirement, type Invocation } from '../../test/fixtures';
import { attestationState, validateAttestation } from './attestation';
import RequirementView from './RequirementView.svelte';

const HOSTILE = '<img src=x onerror=alert(1)>';

afterEach(() => {
  clearMocks();
});

function input(testid: string): HTMLInputElement {
  return screen.getByTestId(testid) as HTMLInputElement;
}

describe('Attestation section', () => {
  it('shows the prompt and the attestation in force for an attested manual requirement', async () => {
    mockBackend({ requirement_detail: sampleRequirement('API-6') });
    render(RequirementView, { framework: 'api12', requirement: 'API-6' });

    const section = await screen.findByTestId('attestation');
    expect(section.textContent).toMatch(/every published API has a declared versioning scheme/);
    const current = screen.getByTestId('attestation-current');
    expect(current.dataset.state).toBe('attested');
    expect(current.textContent).toMatch(/Attested/);
    expect(current.textContent).toMatch(/Priya Natarajan \(CISO\)/);
    expect(current.textContent).toMatch(/Every public API is versioned in its path/);
    expect(current.textContent).toMatch(/api-lifecycle-standard-v3\.pdf/);
    expect(current.textContent).toMatch(/4f1c0e7a9b2d3c5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6/);
    expect(screen.queryByTestId('attestation-history')).toBeNull();
    // Judged by attestation only: no controls section.
    expect(screen.queryByTestId('controls')).toBeNull();
  });

  it('says when the attestation in force has expired', async () => {
    mockBackend({ requirement_detail: sampleRequirement('Art.24') });
    render(RequirementView, { framework: 'gdpr', requirement: 'Art.24' });

    const current = await screen.findByTestId('attestation-current');
    expect(current.dataset.state).toBe('expired');
    expect(current.textContent).toMatch(/Expired/);
    expect(current.textContent).toMatch(/has expired/);
  });

  it('says when nothing is attested, and lists earlier attestations', async () => {
    const detail = sampleRequirement('Art.24');
    const old = detail.attestations[0]!;
    detail.posture = { ...detail.posture, status: 'not_attested', attestation: null };
    detail.attestations = [old, { ...old, id: 1, by: 'Earlier Officer', attested_at: '2025-05-01T10:00:00Z' }];
    mockBackend({ requirement_detail: detail });
    render(RequirementView, { framework: 'gdpr', requirement: 'Art.24' });

    const current = await screen.findByTestId('attestation-current');
    expect(current.dataset.state).toBe('not_attested');
    expect(current.textContent).toMatch(/No attestation is in force/);
    const history = within(screen.getByTestId('attestation-history')).getAllByRole('listitem');
    expect(history.map((li) => li.textContent)).toEqual([
      expect.stringMatching(/Dana Whitfield/),
      expect.stringMatching(/Earlier Officer/),
    ]);
  });

  it('has no attestation section when the requirement takes none', async () => {
    mockBackend({ requirement_detail: sampleRequirement('164.312(b)') });
    render(RequirementView, { framework: 'hipaa', requirement: '164.312(b)' });
    await screen.findByTestId('requirement-header');

    expect(screen.queryByTestId('attestation')).toBeNull();
    expect(screen.queryByTestId('attest-form')).toBeNull();
  });

  it('checks the form before sending: both text fields required, expiry in the future', async () => {
    const seen: Invocation[] = [];
    mockBackend({ requirement_detail: sampleRequirement('Art.24'), attest: 9 }, seen);
    render(RequirementView, { framework: 'gdpr', requirement: 'Art.24' });
    await screen.findByTestId('attest-form');
    // Renewing an expired attestation starts from its statement; cleared, both fields are missing.
    await fireEvent.input(input('attest-statement'), { target: { value: '' } });

    await fireEvent.click(screen.getByTestId('attest-submit'));
    expect(screen.getByTestId('attest-errors').textContent).toMatch(/2 fields need attention/);
    expect(screen.getByTestId('attest-errors').getAttribute('role')).toBe('alert');
    const by = input('attest-by');
    expect(by.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(by.getAttribute('aria-describedby')!)?.textContent).toMatch(/Say who attests/);
    expect(input('attest-statement').getAttribute('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(by);

    await fireEvent.input(by, { target: { value: 'Dana Whitfield (DPO)' } });
    await fireEvent.input(input('attest-statement'), { target: { value: '   ' } });
    await fireEvent.input(input('attest-expires'), { target: { value: '2000-01-01' } });
    await fireEvent.click(screen.getByTestId('attest-submit'));
    expect(by.getAttribute('aria-invalid')).toBeNull();
    expect(input('attest-statement').getAttribute('aria-invalid')).toBe('true');
    const expires = input('attest-expires');
    expect(expires.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(expires.getAttribute('aria-describedby')!)?.textContent).toMatch(
      /must be in the future/,
    );
    expect(document.activeElement).toBe(input('attest-statement'));

    expect(seen.filter((c) => c.cmd === 'attest')).toEqual([]);
  });

  it('calls attest with the form, reloads the requirement and says it is recorded', async () => {
    const before = sampleRequirement('Art.24');
    const recorded: Attestation = {
      id: 9,
      by: 'Dana Whitfield (DPO)',
      statement: 'Policy re-approved by the board on 2026-11-20.',
      attested_at: '2026-11-29T12:00:00.000Z',
      expires_at: '2099-01-31T00:00:00.000Z',
      evidence_name: null,
      evidence_sha256: null,
    };
    const after: RequirementDetail = {
      ...before,
      posture: { ...before.posture, status: 'attested', attestation: recorded },
      attestations: [recorded, ...before.attestations],
    };
    let attested = false;
    const seen: Invocation[] = [];
    mockBackend(
      {
        requirement_detail: () => (attested ? after : before),
        attest: () => {
          attested = true;
          return 9;
        },
      },
      seen,
    );
    render(RequirementView, { framework: 'gdpr', requirement: 'Art.24' });
    await screen.findByTestId('attest-form');
    expect(screen.getByTestId('attestation-current').dataset.state).toBe('expired');

    await fireEvent.input(input('attest-by'), { target: { value: '  Dana Whitfield (DPO) ' } });
    await fireEvent.input(input('attest-statement'), {
      target: { value: 'Policy re-approved by the board on 2026-11-20.' },
    });
    await fireEvent.input(input('attest-expires'), { target: { value: '2099-01-31' } });
    await fireEvent.click(screen.getByTestId('attest-submit'));

    await waitFor(() => expect(screen.getByTestId('attest-success').textContent).toMatch(/no\. 9 is recorded/));
    expect(seen.filter((c) => c.cmd === 'attest')).toEqual([
      {
        cmd: 'attest',
        args: {
          framework: 'gdpr',
          requirement: 'Art.24',
          by: 'Dana Whitfield (DPO)',
          statement: 'Policy re-approved by the board on 2026-11-20.',
          expires: '2099-01-31',
        },
      },
    ]);
    expect(seen.map((c) => c.cmd)).toEqual(['requirement_detail', 'attest', 'requirement_detail']);

    const current = screen.getByTestId('attestation-current');
    expect(current.dataset.state).toBe('attested');
    expect(current.textContent).toMatch(/Policy re-approved by the board/);
    expect(within(screen.getByTestId('attestation-history')).getByText(/Dana Whitfield \(Compliance Officer\)/)).toBeTruthy();
    expect(input('attest-by').value).toBe('');
    expect(input('attest-statement').value).toBe('');
    expect(screen.getByTestId('requirement-header').dataset.status).toBe('attested');
  });

  it('sends no expiry when the field is left empty', async () => {
    const seen: Invocation[] = [];
    mockBackend({ requirement_detail: sampleRequirement('API-6'), attest: 2 }, seen);
    render(RequirementView, { framework: 'api12', requirement: 'API-6' });
    await screen.findByTestId('attest-form');

    await fireEvent.input(input('attest-by'), { target: { value: 'Priya' } });
    await fireEvent.input(input('attest-statement'), { target: { value: 'Still true.' } });
    await fireEvent.click(screen.getByTestId('attest-submit'));

    await waitFor(() => expect(screen.getByTestId('attest-success').textContent).toMatch(/recorded/));
    expect(seen.find((c) => c.cmd === 'attest')?.args).toEqual({
      framework: 'api12',
      requirement: 'API-6',
      by: 'Priya',
      statement: 'Still true.',
    });
  });

  it('shows why the core refused an attestation and keeps what was typed', async () => {
    const seen: Invocation[] = [];
    mockBackend(
      {
        requirement_detail: sampleRequirement('API-6'),
        attest: { code: 'bad_request', message: 'The expiry date must be in the future.' },
      },
      seen,
    );
    render(RequirementView, { framework: 'api12', requirement: 'API-6' });
    await screen.findByTestId('attest-form');

    await fireEvent.input(input('attest-by'), { target: { value: 'Priya' } });
    await fireEvent.input(input('attest-statement'), { target: { value: 'Still true.' } });
    await fireEvent.click(screen.getByTestId('attest-submit'));

    const failure = await screen.findByTestId('attest-failure');
    expect(failure.getAttribute('role')).toBe('alert');
    expect(failure.textContent).toMatch(/not recorded: The expiry date must be in the future/);
    expect(input('attest-by').value).toBe('Priya');
    expect(seen.filter((c) => c.cmd === 'requirement_detail')).toHaveLength(1);
    expect(screen.getByTestId('attest-success').textContent).toBe('');
  });

  it('renders attestation text from the backend as text', async () => {
    const detail = sampleRequirement('API-6');
    const current = { ...detail.posture.attestation!, by: HOSTILE, statement: HOSTILE, evidence_name: HOSTILE };
    detail.posture = { ...detail.posture, attestation: current };
    detail.attestations = [current, { ...current, id: 0 }];
    detail.attestation_prompt = HOSTILE;
    mockBackend({ requirement_detail: detail });
    const { container } = render(RequirementView, { framework: 'api12', requirement: 'API-6' });

    const section = await screen.findByTestId('attestation');
    expect(within(screen.getByTestId('attestation-current')).getAllByText(HOSTILE)).toHaveLength(3);
    expect(within(section).getAllByText(HOSTILE).length).toBeGreaterThanOrEqual(6);
    expect(container.querySelector('img')).toBeNull();
  });

  it('places the section after the evidence for a requirement that is only partly manual', async () => {
    const detail = sampleRequirement('164.312(b)');
    detail.attestation_prompt = 'The officer states that audit logs are reviewed weekly.';
    detail.posture = {
      ...detail.posture,
      attestation: {
        id: 4,
        by: 'Sam',
        statement: 'Reviewed weekly.',
        attested_at: '2025-01-01T00:00:00Z',
        expires_at: '2025-06-01T00:00:00Z',
        evidence_name: null,
        evidence_sha256: null,
      },
    };
    mockBackend({ requirement_detail: detail });
    render(RequirementView, { framework: 'hipaa', requirement: '164.312(b)' });

    const section = await screen.findByTestId('attestation');
    expect(screen.getByTestId('attestation-current').dataset.state).toBe('expired');
    const controls = screen.getByTestId('controls');
    expect(controls.compareDocumentPosition(section) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
  });
});

describe('attestation rules', () => {
  const now = Date.parse('2026-11-29T12:00:00Z');

  it('derives the state of a partly manual requirement from the attestation in force', () => {
    const detail = sampleRequirement('164.312(b)');
    expect(attestationState(detail, now)).toBe('not_attested');
    const attestation = sampleRequirement('API-6').posture.attestation!;
    detail.posture.attestation = attestation;
    expect(attestationState(detail, now)).toBe('attested');
    detail.posture.attestation = { ...attestation, expires_at: '2026-11-29T11:59:59Z' };
    expect(attestationState(detail, now)).toBe('expired');
    detail.posture.attestation = { ...attestation, expires_at: null };
    expect(attestationState(detail, now)).toBe('attested');
  });

  it('takes a manual requirement state from its status', () => {
    expect(attestationState(sampleRequirement('Art.24'), now)).toBe('expired');
    expect(attestationState(sampleRequirement('API-6'), now)).toBe('attested');
  });

  it.each([
    [{ by: 'A', statement: 'B', expires: '' }, {}],
    [{ by: ' ', statement: 'B', expires: '' }, { by: expect.any(String) }],
    [{ by: 'A', statement: '', expires: '' }, { statement: expect.any(String) }],
    [{ by: 'A', statement: 'B', expires: '2026-11-30' }, {}],
    [{ by: 'A', statement: 'B', expires: '2026-11-29' }, { expires: 'The expiry date must be in the future.' }],
    [{ by: 'A', statement: 'B', expires: '29/11/2027' }, { expires: expect.stringMatching(/2026-12-17/) }],
  ])('validates %j', (form, errors) => {
    expect(validateAttestation(form, now)).toEqual(errors);
  });
});
