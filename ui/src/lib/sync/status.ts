/**
 * Where each source stands (the core's `sync_status`) as the Sync screen's table shows it: rows
 * in a stable order, each with a state in words, and times as relative plus absolute text.
 */
import type { SourceStatus } from '../backend';
import { formatDateTime, formatRelative } from '../format';
import { compareTargets } from './progress';

import policy from '../../../../assets/iam/rampart-readonly-policy.json?raw';

/**
 * The IAM policy with exactly the read-only actions a sync calls, as shipped (the file's text,
 * built into the app, so the Sync screen shows it and copies it).
 */
export const IAM_POLICY: string = policy;

/** The actions that policy allows (a test checks the list against the file). */
export const IAM_ACTIONS: readonly string[] = [
  'config:DescribeComplianceByConfigRule',
  'config:DescribeConformancePackCompliance',
  'config:DescribeConformancePacks',
  'config:GetComplianceDetailsByConfigRule',
  'inspector2:ListCoverage',
  'inspector2:ListFindings',
  'securityhub:GetFindingAggregator',
  'securityhub:GetFindings',
  'securityhub:ListFindingAggregators',
  'securityhub:ListSecurityControlDefinitions',
  'sts:GetCallerIdentity',
  'organizations:DescribeOrganizationalUnit',
  'organizations:ListAccounts',
  'organizations:ListParents',
];

/**
 * How a target's last attempt went: `ok` (it succeeded), `failed` or `cancelled` (the error is
 * kept until a later attempt ends), `interrupted` (it stopped without an error, e.g. the app was
 * closed mid-run, or is running now), or `never` (no attempt recorded).
 */
export type StatusState = 'ok' | 'interrupted' | 'cancelled' | 'failed' | 'never';

export function statusState(s: SourceStatus): StatusState {
  if (s.last_error !== null || s.last_error_kind !== null) return s.last_error_kind === 'cancelled' ? 'cancelled' : 'failed';
  if (s.last_attempt === null && s.last_success === null) return 'never';
  if (s.resumable || s.last_success === null) return 'interrupted';
  return 'ok';
}

/** Sorted by source (as the form lists them), then account, then Region. */
export function sortStatuses(list: readonly SourceStatus[]): SourceStatus[] {
  return [...list].sort((a, b) => compareTargets(a.target, b.target));
}

/** A time from the core (ms since the epoch) as relative and absolute text, with its ISO form; null for none. */
export function when(ms: number | null, now: number = Date.now()): { iso: string; relative: string; absolute: string } | null {
  if (ms === null || !Number.isFinite(ms)) return null;
  const iso = new Date(ms).toISOString();
  return { iso, relative: formatRelative(iso, now), absolute: formatDateTime(iso) };
}
