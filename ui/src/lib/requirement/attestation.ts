/**
 * The state of a requirement's attestation as the Attestation section shows it, and the
 * checks the attestation form makes before it calls the core (which checks them again).
 */
import type { Attestation, RequirementDetail } from '../backend';

export type AttestationState = 'attested' | 'expired' | 'not_attested';

/**
 * Attested, expired or not attested. For a manual requirement that is its status; for one that
 * is only partly manual (an attestation beside automated evidence) it follows from the attestation in force.
 */
export function attestationState(detail: RequirementDetail, now: number = Date.now()): AttestationState {
  const status = detail.posture.status;
  if (status === 'attested' || status === 'expired' || status === 'not_attested') return status;
  const current = detail.posture.attestation;
  if (!current) return 'not_attested';
  return isExpired(current, now) ? 'expired' : 'attested';
}

export function isExpired(attestation: Attestation, now: number = Date.now()): boolean {
  if (attestation.expires_at === null) return false;
  const ms = Date.parse(attestation.expires_at);
  return !Number.isNaN(ms) && ms <= now;
}

export type AttestationInput = { by: string; statement: string; expires: string };
export type AttestationErrors = Partial<Record<keyof AttestationInput, string>>;

/**
 * What is wrong with the form, by field (empty when it can be sent). The expiry is a day that
 * starts at midnight UTC, as the core reads it, and must begin after `now`.
 */
export function validateAttestation(input: AttestationInput, now: number = Date.now()): AttestationErrors {
  const errors: AttestationErrors = {};
  if (input.by.trim() === '') errors.by = 'Say who attests: a name, and a role if it helps.';
  if (input.statement.trim() === '') errors.statement = 'Write the statement being attested.';
  if (input.expires !== '') {
    const ms = /^\d{4}-\d{2}-\d{2}$/.test(input.expires) ? Date.parse(`${input.expires}T00:00:00Z`) : NaN;
    if (Number.isNaN(ms)) errors.expires = 'Enter the expiry as a day (2026-12-17 or 17 Dec 2026), or leave it empty.';
    else if (ms <= now) errors.expires = 'The expiry date must be in the future.';
  }
  return errors;
}
