// Risk acceptance helpers: expiry days in UTC, the form's checks, the request it sends.
import { describe, expect, it } from 'vitest';
import {
  expiryBounds,
  expiryInstant,
  parseAccounts,
  refusedField,
  requirementTarget,
  toNewAcceptance,
  validateAcceptance,
  type AcceptanceInput,
} from './acceptance';

// 2026-11-29 19:03 UTC, the demo workspace's "today".
const NOW = Date.UTC(2026, 10, 29, 19, 3);
const DAY_MS = 24 * 3600 * 1000;

const valid: AcceptanceInput = {
  reason: 'Compensating WAF rule in place.',
  owner: 'Web team',
  approver: 'Priya (CISO)',
  expires: '2027-02-27',
  accounts: '',
};

describe('expiry days', () => {
  it('lapses at the start of the day, 00:00 UTC', () => {
    expect(expiryInstant('2027-02-27')).toBe(Date.UTC(2027, 1, 27));
    expect(new Date(expiryInstant('2027-02-27')).toISOString()).toBe('2027-02-27T00:00:00.000Z');
  });

  it('refuses malformed and impossible days', () => {
    expect(expiryInstant('')).toBeNaN();
    expect(expiryInstant('27/02/2027')).toBeNaN();
    expect(expiryInstant('2027-02-31')).toBeNaN();
  });

  it('proposes 90 days ahead, from tomorrow to max_acceptance_days away', () => {
    expect(expiryBounds(365, NOW)).toEqual({ min: '2026-11-30', max: '2027-11-29', proposed: '2027-02-27', maxDays: 365 });
    // A shorter maximum caps the proposal; the last day's start stays within the maximum.
    const short = expiryBounds(30, NOW);
    expect(short).toMatchObject({ max: '2026-12-29', proposed: '2026-12-29' });
    expect(expiryInstant(short.max) - NOW).toBeLessThanOrEqual(30 * DAY_MS);
  });
});

describe('validateAcceptance', () => {
  const bounds = expiryBounds(365, NOW);

  it('accepts a complete form', () => {
    expect(validateAcceptance(valid, bounds)).toEqual({});
  });

  it('names every missing field', () => {
    const errors = validateAcceptance({ reason: ' ', owner: '', approver: '', expires: '', accounts: '' }, bounds);
    expect(Object.keys(errors)).toEqual(['reason', 'owner', 'approver', 'expires']);
  });

  it('keeps the expiry between tomorrow and the maximum', () => {
    expect(validateAcceptance({ ...valid, expires: '2026-11-29' }, bounds).expires).toMatch(/future/);
    expect(validateAcceptance({ ...valid, expires: '2027-11-30' }, bounds).expires).toMatch(
      /at most 365 days: choose 2027-11-29 or earlier/,
    );
    expect(validateAcceptance({ ...valid, expires: '2027-11-29' }, bounds)).toEqual({});
  });

  it('wants 12-digit account ids', () => {
    expect(validateAcceptance({ ...valid, accounts: '111122223333, 12345 abc' }, bounds).accounts).toBe(
      '"12345", "abc" are not a 12-digit AWS account id.',
    );
  });
});

describe('toNewAcceptance', () => {
  it('sends trimmed texts, the expiry instant, and accounts for a control only', () => {
    const input = { ...valid, reason: '  Compensating WAF rule in place. ', accounts: '111122223333 444455556666,111122223333' };
    expect(toNewAcceptance({ scope: 'control', target: 'S3.8' }, input)).toEqual({
      scope: { scope: 'control', target: 'S3.8' },
      accounts: ['111122223333', '444455556666'],
      resources: [],
      reason: 'Compensating WAF rule in place.',
      owner: 'Web team',
      approver: 'Priya (CISO)',
      expires_at: Date.UTC(2027, 1, 27),
    });
    expect(toNewAcceptance({ scope: 'finding', target: 'arn:x' }, input).accounts).toEqual([]);
  });

  it('splits accounts on commas, semicolons and spaces', () => {
    expect(parseAccounts(' 111122223333;444455556666\n777788889999 ,, ')).toEqual([
      '111122223333',
      '444455556666',
      '777788889999',
    ]);
  });
});

describe('refusedField', () => {
  it.each([
    ['reason: required', 'bad_request', 'reason', 'reason'],
    ['expires: 2028-01-10T00:00:00Z is more than 365 days away', 'bad_request', 'expires', 'expires'],
    ['accounts: "12345" is not a 12-digit AWS account id', 'bad_request', 'accounts', 'accounts'],
    ['no finding has the id "x"', 'not_found', undefined, null],
    ['requirement: hipaa:164.316(b)(1) is judged by attestation only', 'bad_request', 'requirement', null],
  ] as const)('%s', (message, code, field, expected) => {
    expect(refusedField({ code, field, message })).toBe(expected);
  });
});

describe('requirementTarget', () => {
  it('splits framework:requirement at the first colon', () => {
    expect(requirementTarget({ scope: 'requirement', target: 'hipaa:164.312(b)' })).toEqual({
      framework: 'hipaa',
      requirement: '164.312(b)',
    });
    expect(requirementTarget({ scope: 'control', target: 'S3.8' })).toBeNull();
  });
});
