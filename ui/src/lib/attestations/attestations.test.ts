// The Attestations view's rows from the demo posture: which requirements appear, how each
// stands, the order (most urgent first) and the expiry in words.
import { describe, expect, it } from 'vitest';
import { samplePosture } from '../../test/fixtures';
import { attestationRows, expiryText, needsAction, standingCounts } from './attestations';

const NOW = Date.parse('2026-11-29T16:48:04Z');

describe('attestationRows', () => {
  it('lists every manual requirement, most urgent first', () => {
    const rows = attestationRows(samplePosture(), NOW);
    expect(rows).toHaveLength(14);
    expect(rows.every((r) => r.status === 'attested' || r.status === 'expired' || r.status === 'not_attested')).toBe(
      true,
    );
    expect(rows.map((r) => r.standing).slice(0, 2)).toEqual(['expired', 'expired']);
    // The longest-expired first: HIPAA's lapsed in October, GDPR's in November.
    expect(rows.slice(0, 2).map((r) => `${r.framework} ${r.requirement}`)).toEqual([
      'hipaa 164.316(b)(2)(i)',
      'gdpr Art.24',
    ]);
    expect(standingCounts(rows)).toEqual({ missing: 8, expired: 2, due: 0, valid: 4 });
    expect(rows.filter(needsAction)).toHaveLength(10);
    const last = rows[rows.length - 1]!;
    expect(last.standing).toBe('valid');
    expect(last.requirement).toBe('API-11');
  });

  it('marks an attestation expiring within 30 days as due, and says when', () => {
    const posture = samplePosture();
    const api6 = posture.frameworks[0]!.requirements.find((r) => r.id === 'API-6')!;
    api6.attestation!.expires_at = '2026-12-09T17:00:00Z';
    const rows = attestationRows(posture, NOW);
    const row = rows.find((r) => r.requirement === 'API-6')!;
    expect(row.standing).toBe('due');
    expect(row.daysLeft).toBe(10);
    expect(expiryText(row)).toBe('expires in 10 days');
    expect(expiryText(rows[0]!)).toMatch(/^expired \d+ days ago$/);
    expect(expiryText(rows.find((r) => r.standing === 'missing')!)).toBe('never attested');
  });
});
