import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../backend';
import { acceptanceTargets, auditWhat } from './audit';

function entry(action: string, subject: string, details: object | string): AuditEntry {
  return {
    seq: 1,
    at: '2026-12-08T00:00:00.000Z',
    actor: 'a',
    action,
    subject,
    details: typeof details === 'string' ? details : JSON.stringify(details),
    prev_hash: '0',
    hash: '1',
  };
}

describe('auditWhat', () => {
  const create = entry('acceptance.create', 'acceptance:1', {
    scope: 'control',
    target: 'S3.8',
    accounts: ['111122223333'],
    owner: 'Web team',
  });
  const revoke = entry('acceptance.revoke', 'acceptance:1', { acceptance: 1, reason: 'Fixed.' });

  it('says what an acceptance covers, and what a revocation revoked', () => {
    const targets = acceptanceTargets([revoke, create]);
    expect(auditWhat(create, targets)).toBe('control S3.8 in account 111122223333, owned by Web team');
    expect(auditWhat(revoke, targets)).toBe('the acceptance of control S3.8 in account 111122223333: Fixed.');
    expect(auditWhat(revoke, new Map())).toBe('an acceptance: Fixed.');
  });

  it('names attestations, owners and settings', () => {
    const m = new Map<string, string>();
    expect(auditWhat(entry('attestation.create', 'attestation:2', { framework: 'hipaa', requirement: '164.316(a)' }), m)).toBe(
      '164.316(a) (hipaa)',
    );
    expect(auditWhat(entry('owner.assign', 'owner:1', { scope: 'unit', target: 'ou-ab12-1', owner: 'Platform' }), m)).toBe(
      'organizational unit ou-ab12-1 → Platform',
    );
    expect(auditWhat(entry('owner.assign', 'owner:2', { scope: 'account', target: '1', owner: '' }), m)).toBe(
      'account 1: owner cleared',
    );
    expect(auditWhat(entry('setting.change', 'setting:sla_days', { key: 'sla_days' }), m)).toBe('sla_days');
    expect(auditWhat(entry('acceptance.create', 'acceptance:9', 'not json'), m)).toBeNull();
  });
});
