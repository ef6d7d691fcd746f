/**
 * Test data and an IPC mock for component tests: a realistic overview, posture, requirement
 * details, trends, changes, findings and SLA figures (trimmed from the demo workspace, in
 * `data/`), and a helper that answers the core's commands through `mockIPC` like the Rust side would.
 */
import { mockIPC } from '@tauri-apps/api/mocks';
import type {
  AccountsView,
  AwsProfile,
  Acceptance,
  AuditEntry,
  AuditReport,
  Changes,
  FindingDetail,
  FindingRow,
  FindingsPage,
  FindingsQuery,
  IpcError,
  Overview,
  Posture,
  RequirementDetail,
  Settings,
  SlaSummary,
  SourceStatus,
  SyncEvent,
  SyncReport,
  Trend,
  WorkspaceStatus,
  OwnersView,
  ChosenEvidence,
} from '../lib/backend';
import changes7d from './data/changes-7d.json';
import findingRows from './data/findings-rows.json';
import posture from './data/posture.json';
import audit from './data/requirement-164.312b.json';
import apiVersioning from './data/requirement-api6.json';
import art24 from './data/requirement-art24.json';
import sla from './data/sla.json';
import trend30 from './data/trend-30.json';
import trendWeekly from './data/trend-weekly.json';

export function sampleOverview(overrides: Partial<Overview> = {}): Overview {
  return {
    workspace: { db_path: '/home/ana/.local/share/rampart/rampart.db', is_demo: true, schema_version: 1 },
    totals: {
      findings: 13_020,
      active: 12_345,
      archived: 675,
      failed: 4_321,
      passed: 7_654,
      warning: 250,
      not_available: 120,
    },
    by_severity: [
      { severity: 'INFORMATIONAL', total: 900, failed: 12 },
      { severity: 'LOW', total: 3_000, failed: 800 },
      { severity: 'MEDIUM', total: 5_000, failed: 2_100 },
      { severity: 'HIGH', total: 3_000, failed: 1_200 },
      { severity: 'CRITICAL', total: 445, failed: 209 },
    ],
    by_source: [
      { key: 'securityhub', total: 9_000, failed: 3_000 },
      { key: 'inspector', total: 2_345, failed: 1_021 },
      { key: 'config', total: 1_000, failed: 300 },
    ],
    by_account: [
      { account: '111122223333', name: 'payments-prod', ou_id: 'ou-ab12-22222222', ou_path: 'Root/Workloads/Prod', total: 8_000, failed: 3_000 },
      { account: '444455556666', name: null, ou_id: null, ou_path: null, total: 4_345, failed: 1_321 },
    ],
    by_unit: [
      { id: 'r-ab12', name: 'Root', path: 'Root', accounts: 1, total: 8_000, failed: 3_000 },
      { id: 'ou-ab12-11111111', name: 'Workloads', path: 'Root/Workloads', accounts: 1, total: 8_000, failed: 3_000 },
      { id: 'ou-ab12-22222222', name: 'Prod', path: 'Root/Workloads/Prod', accounts: 1, total: 8_000, failed: 3_000 },
    ],
    last_import: {
      id: 7,
      label: 'securityhub-2026-03-31.json',
      shape: 'securityhub-findings',
      started_at: '2026-03-31T09:15:00Z',
      finished_at: '2026-03-31T09:15:04Z',
      findings: 13_020,
      inserted: 1_200,
      updated: 300,
      unchanged: 11_500,
      stale: 20,
      future: 0,
      lenient: 0,
    },
    imports: 7,
    sync: null,
    ...overrides,
  };
}

export function emptyOverview(): Overview {
  return sampleOverview({
    workspace: { db_path: '/tmp/empty.db', is_demo: false, schema_version: 1 },
    totals: { findings: 0, active: 0, archived: 0, failed: 0, passed: 0, warning: 0, not_available: 0 },
    by_severity: [],
    by_source: [],
    by_account: [],
    by_unit: [],
    last_import: null,
    imports: 0,
  });
}

/**
 * Posture of the demo workspace: api12, gdpr and hipaa (controls trimmed to two per requirement).
 * 1 active finding is unmapped and 4 are mapped by reference (`by_reference`); HIPAA 164.312(b)
 * lists, besides its two controls, `Bedrock.99`, a control the catalog does not know that reached
 * it by reference (empty title, `by_reference: true`; every other control has `false`).
 * The weighted scores came later than the counts: each failing requirement's `score` is its score
 * in a newer demo build (164.310(d)(2)(iv), manual there, has 0.5), a passing one's 1, a manual or
 * no-data one's null; each framework's `score` is their mean, as the core computes it, so it differs
 * from the requirements fully met (`passing` of `passing + failing`).
 */
export function samplePosture(): Posture {
  return structuredClone(posture) as Posture;
}

/**
 * Requirement details from the demo workspace: HIPAA 164.312(b) (automated, failing; five of
 * its controls, two failing findings each, and `Bedrock.99`, failing, which the catalog does not
 * know: mapped by reference, so no title, severity, rationale or remediation, and `by_reference`
 * in the posture's control list), API-6 (manual, attested), GDPR Art.24 (manual, expired).
 * Each command's `cli_kind` is the catalog's: all five are fixes.
 */
export function sampleRequirement(which: '164.312(b)' | 'API-6' | 'Art.24'): RequirementDetail {
  const data = { '164.312(b)': audit, 'API-6': apiVersioning, 'Art.24': art24 }[which];
  return structuredClone(data) as RequirementDetail;
}

/**
 * Trend of the demo workspace: 30 daily points per framework (the last, 2026-11-29, carried forward).
 * The weighted `score` of each point is the newer demo build's for that day (1 with nothing failing,
 * null without a verdict); the counts are the older build's.
 */
export function sampleTrend(which: 'daily' | 'weekly' = 'daily'): Trend {
  return structuredClone(which === 'daily' ? trend30 : trendWeekly) as Trend;
}

/**
 * Changes in the demo workspace's last 7 days. The totals are the real ones (6 new, 33 fixed,
 * 13 regressed); the lists are trimmed to their first 8 entries.
 */
export function sampleChanges(): Changes {
  return structuredClone(changes7d) as Changes;
}

/**
 * 30 findings of the demo workspace, most severe first (securityhub and inspector, some archived).
 * Row 27 is the `Bedrock.99` finding, failing and mapped by reference (`mapped_by_reference`, the
 * only one; it bears on hipaa:164.312(b)).
 */
export function sampleFindingRows(): FindingRow[] {
  return structuredClone(findingRows) as FindingRow[];
}

/**
 * The detail of the demo's log4j finding (the Inspector row of {@link sampleFindingRows} with
 * CVE-2021-44228): a two-line description, its instance with two tags, the CVE with its package
 * and scores, three recorded status changes (failed, passed, failed again; oldest first) and its JSON as Inspector sent it.
 */
export function sampleFindingDetail(overrides: Partial<FindingDetail> = {}): FindingDetail {
  const row = sampleFindingRows().find((r) => r.vulnerabilities.includes('CVE-2021-44228'))!;
  const raw = {
    findingArn: row.id,
    awsAccountId: row.account,
    type: 'PACKAGE_VULNERABILITY',
    title: row.title,
    severity: 'CRITICAL',
    status: 'ACTIVE',
    packageVulnerabilityDetails: {
      vulnerabilityId: 'CVE-2021-44228',
      cvss: [{ baseScore: 10, version: '3.1' }],
      vulnerablePackages: [{ name: 'log4j-core', version: '2.14.1', fixedInVersion: '2.17.1' }],
    },
  };
  return {
    id: row.id,
    product_arn: row.product_arn,
    description:
      'Apache Log4j2 JNDI features do not protect against attacker-controlled LDAP endpoints.\nAn attacker who can control log messages can execute arbitrary code.',
    remediation_text: 'Update log4j-core to 2.17.1 or later.',
    types: ['Software and Configuration Checks/Vulnerabilities/CVE'],
    generator_id: 'AWSInspector',
    resources: [
      {
        type: 'AWS_EC2_INSTANCE',
        id: `arn:aws:ec2:${row.region}:${row.account}:instance/i-0abc123def4567890`,
        region: row.region,
        tags: [
          ['Name', 'payments-api-1'],
          ['team', 'payments'],
        ],
      },
    ],
    vulnerabilities: [
      {
        id: 'CVE-2021-44228',
        package: 'log4j-core',
        installed_version: '2.14.1',
        fixed_version: '2.17.1',
        cvss: 10,
        fix_available: true,
        exploit_available: true,
      },
    ],
    history: [
      { at: '2026-10-13T05:22:00.000Z', status: 'failed', record_state: 'active', workflow_status: 'NEW', severity: 'CRITICAL' },
      { at: '2026-11-02T09:30:00.000Z', status: 'passed', record_state: 'active', workflow_status: 'RESOLVED', severity: 'CRITICAL' },
      { at: '2026-11-28T06:06:00.178Z', status: 'failed', record_state: 'active', workflow_status: null, severity: 'CRITICAL' },
    ],
    raw_format: 'inspector2-findings',
    raw: JSON.stringify(raw),
    other_raw: [],
    ...overrides,
  };
}

/** SLA figures of the demo workspace (7/30/90/180 days). */
export function sampleSla(): SlaSummary {
  return structuredClone(sla) as SlaSummary;
}

/**
 * A findings page for `query` out of `total` made-up findings: row i is the demo row i mod 30
 * with id `finding-<i>`, so every page has distinct ids and a page can be told from another.
 */
export function syntheticPage(query: FindingsQuery, total: number): FindingsPage {
  const rows = sampleFindingRows();
  const start = (query.page - 1) * query.page_size;
  const end = Math.min(total, start + query.page_size);
  const page: FindingRow[] = [];
  for (let i = start; i < end; i += 1) page.push({ ...rows[i % rows.length]!, id: `finding-${i}` });
  return { total, page: query.page, page_size: query.page_size, rows: page };
}

/** The demo workspace's settings (the defaults). */
export function sampleSettings(): Settings {
  return {
    sla_days: { critical: 7, high: 30, medium: 90, low: 180 },
    max_acceptance_days: 365,
    sync: { profiles: [], regions: [], sources: [] },
  };
}

/**
 * Four risk acceptances as the core lists them (newest first) on 2026-11-29: a control in one
 * account expiring in 4 days, a requirement, a finding expiring in 11 days, and a revoked control.
 */
export function sampleAcceptances(): Acceptance[] {
  const base = { resources: [], revoked_at: null, revoked_by: null, revoke_reason: null };
  return [
    {
      ...base,
      id: 4,
      scope: { scope: 'control', target: 'EC2.19' },
      accounts: [],
      reason: 'Bastion hosts; replaced by SSM Session Manager next sprint.',
      owner: 'SRE',
      approver: 'Priya Natarajan (CISO)',
      created_at: '2026-11-20T09:00:00.000Z',
      expires_at: '2027-03-29T00:00:00.000Z',
      status: 'revoked',
      days_left: null,
      expiring_soon: false,
      revoked_at: '2026-11-25T10:00:00.000Z',
      revoked_by: 'Priya Natarajan (CISO)',
      revoke_reason: 'Bastions were removed.',
      covers: 0,
      renews: null,
      renewed_by: null,
      title: 'EC2 security groups should not allow ingress from 0.0.0.0/0 to remote server administration ports',
    },
    {
      ...base,
      id: 3,
      scope: {
        scope: 'finding',
        target: 'arn:aws:securityhub:eu-west-1:777788889999:security-control/Config.1/finding/d322c785',
      },
      accounts: [],
      reason: 'Config is being re-enabled in eu-west-1 by the landing zone migration.',
      owner: 'Cloud foundations',
      approver: 'Priya Natarajan (CISO)',
      created_at: '2026-11-19T09:00:00.000Z',
      expires_at: '2026-12-11T00:00:00.000Z',
      status: 'active',
      days_left: 11,
      expiring_soon: true,
      covers: 1,
      renews: null,
      renewed_by: null,
      title: 'AWS Config should be enabled and use the service-linked role for resource recording',
    },
    {
      ...base,
      id: 2,
      scope: { scope: 'requirement', target: 'gdpr:Art.32' },
      accounts: [],
      reason: 'Encryption rollout for legacy RDS instances is scheduled for Q1.',
      owner: 'Data platform',
      approver: 'Dana Whitfield (Compliance Officer)',
      created_at: '2026-11-18T09:00:00.000Z',
      expires_at: '2027-01-28T00:00:00.000Z',
      status: 'active',
      days_left: 59,
      expiring_soon: false,
      covers: 179,
      renews: null,
      renewed_by: null,
      title: 'Security of processing',
    },
    {
      ...base,
      id: 1,
      scope: { scope: 'control', target: 'S3.8' },
      accounts: ['111122223333'],
      reason: 'Public read is intended: these buckets serve the marketing site.',
      owner: 'Web platform team',
      approver: 'Priya Natarajan (CISO)',
      created_at: '2026-11-17T09:00:00.000Z',
      expires_at: '2026-12-04T00:00:00.000Z',
      status: 'active',
      days_left: 4,
      expiring_soon: true,
      covers: 2,
      renews: null,
      renewed_by: null,
      title: 'S3 general purpose buckets should block public read access',
    },
  ];
}

/** The demo workspace's audit log after the acceptances above (newest first, trimmed to three entries). */
export function sampleAuditLog(): AuditEntry[] {
  return [
    {
      seq: 11,
      at: '2026-11-25T10:00:00.000Z',
      actor: 'Priya Natarajan (CISO)',
      action: 'acceptance.revoke',
      subject: 'acceptance:4',
      details: '{"acceptance":4,"at":1795600000000,"by":"Priya Natarajan (CISO)","reason":"Bastions were removed."}',
      prev_hash: '2ddbe4a49ace0d1e2f3a4b5c6d7e8f90a1b2c3d4e5f60d1e2f3a4b5c6d7e8f9',
      hash: '56e0603c8d720d1e2f3a4b5c6d7e8f90a1b2c3d4e5f60d1e2f3a4b5c6d7e8f9',
    },
    {
      seq: 10,
      at: '2026-11-20T09:00:00.000Z',
      actor: 'Priya Natarajan (CISO)',
      action: 'acceptance.create',
      subject: 'acceptance:4',
      details: '{"scope":"control","target":"EC2.19","reason":"Bastion hosts"}',
      prev_hash: 'af67e798f74d0d1e2f3a4b5c6d7e8f90a1b2c3d4e5f60d1e2f3a4b5c6d7e8f9',
      hash: '2ddbe4a49ace0d1e2f3a4b5c6d7e8f90a1b2c3d4e5f60d1e2f3a4b5c6d7e8f9',
    },
    {
      seq: 1,
      at: '2026-07-31T10:00:00.000Z',
      actor: 'Priya Natarajan (CISO)',
      action: 'attestation.create',
      subject: 'attestation:1',
      details: '{"framework":"api12","requirement":"API-6"}',
      prev_hash: '0000000000000000000000000000000000000000000000000000000000000000',
      hash: 'ebc92bd769fe9a8713a07b318d0d6c13bb1b1c47547d4e0110430f88cb5ba051',
    },
  ];
}

/** Where each source stands after a sync of Security Hub in two Regions, one of them denied. */
export function sampleSyncStatus(): SourceStatus[] {
  const target = (region: string) => ({ source: 'securityhub', account: '123456789012', region });
  return [
    {
      target: target('us-east-1'),
      watermark: 1_795_990_911_580,
      last_attempt: 1_795_990_911_576,
      last_success: 1_795_990_911_647,
      last_error: null,
      last_error_kind: null,
      resumable: false,
      last_pages: 3,
      last_findings: 187,
    },
    {
      target: target('eu-west-1'),
      watermark: null,
      last_attempt: 1_795_990_911_580,
      last_success: null,
      last_error:
        'AccessDenied on securityhub:GetFindings in eu-west-1: User: arn:aws:iam::123456789012:user/test is not authorized to perform: securityhub:GetFindings',
      last_error_kind: 'denied',
      resumable: false,
      last_pages: 0,
      last_findings: 0,
    },
  ];
}

/** The events of that sync, in the order the core sends them. */
export function sampleSyncEvents(): SyncEvent[] {
  const east = { source: 'securityhub', account: '123456789012', region: 'us-east-1' };
  const west = { source: 'securityhub', account: '123456789012', region: 'eu-west-1' };
  return [
    { kind: 'planned', targets: [east, west] },
    { kind: 'target_started', target: east, incremental: false, resumed: false },
    { kind: 'target_started', target: west, incremental: false, resumed: false },
    { kind: 'page', target: east, query: 'active', page: 1, items: 100, new: 100, updated: 0, findings: 100 },
    {
      kind: 'retry',
      target: east,
      attempt: 1,
      wait_ms: 1300,
      reason: 'throttled on securityhub:GetFindings in us-east-1: Rate exceeded',
    },
    { kind: 'page', target: east, query: 'active', page: 2, items: 83, new: 83, updated: 0, findings: 183 },
    {
      kind: 'target_failed',
      target: west,
      error_kind: 'denied',
      message:
        'AccessDenied on securityhub:GetFindings in eu-west-1: User: arn:aws:iam::123456789012:user/test is not authorized to perform: securityhub:GetFindings',
      pages: 0,
      findings: 0,
    },
    { kind: 'page', target: east, query: 'archived-recent', page: 1, items: 4, new: 4, updated: 0, findings: 187 },
    { kind: 'target_done', target: east, pages: 3, findings: 187, elapsed_ms: 412 },
    { kind: 'finished', succeeded: 1, failed: 1, cancelled: false, elapsed_ms: 420 },
  ];
}

/** The report that ends that sync. */
export function sampleSyncReport(): SyncReport {
  const [east, west] = sampleSyncStatus();
  return {
    targets: [
      { target: west!.target, ok: false, error_kind: 'denied', message: west!.last_error, pages: 0, findings: 0, new: 0, updated: 0 },
      { target: east!.target, ok: true, error_kind: null, message: null, pages: 3, findings: 187, new: 187, updated: 0 },
    ],
    errors: [],
    organization: null,
    cancelled: false,
    elapsed_ms: 420,
  };
}

/**
 * Sends `events` to the page over the Channel a mocked `sync_start` received (its `onEvent`
 * argument), the way the core does: numbered messages through the IPC callback registry.
 */
export function sendSyncEvents(args: Record<string, unknown>, events: SyncEvent[]): void {
  const channel = args.onEvent as { id: number };
  const internals = (globalThis as unknown as { __TAURI_INTERNALS__: { runCallback: (id: number, data: unknown) => void } })
    .__TAURI_INTERNALS__;
  const sent = channelIndex.get(channel.id) ?? 0;
  events.forEach((message, i) => internals.runCallback(channel.id, { index: sent + i, message }));
  channelIndex.set(channel.id, sent + events.length);
}

const channelIndex = new Map<number, number>();

type Args = Record<string, unknown>;
type Answer<T> = T | IpcError | ((args: Args) => T | IpcError | Promise<T | IpcError>);

/** What each mocked command answers; an `IpcError` value is thrown, as the core rejects with it. */
export type Backend = {
  overview?: Answer<Overview>;
  workspace_status?: Answer<WorkspaceStatus>;
  posture?: Answer<Posture>;
  requirement_detail?: Answer<RequirementDetail>;
  attest?: Answer<number>;
  trend?: Answer<Trend>;
  changes?: Answer<Changes>;
  findings_page?: Answer<FindingsPage>;
  sla_summary?: Answer<SlaSummary>;
  exceptions?: Answer<Acceptance[]>;
  accept_risk?: Answer<number>;
  revoke_risk?: Answer<null>;
  audit_log?: Answer<AuditEntry[]>;
  audit_verify?: Answer<AuditReport>;
  settings?: Answer<Settings>;
  set_settings?: Answer<Settings>;
  export?: Answer<string | null>;
  sync_start?: Answer<SyncReport>;
  sync_cancel?: Answer<boolean>;
  sync_status?: Answer<SourceStatus[]>;
  aws_profiles?: Answer<AwsProfile[]>;
  finding_detail?: Answer<FindingDetail>;
  accounts?: Answer<AccountsView>;
  owners?: Answer<OwnersView>;
  choose_evidence?: Answer<ChosenEvidence | null>;
  open_workspace?: Answer<string | null>;
};

/** One mocked command call: its name and arguments. */
export type Invocation = { cmd: string; args: Args };

function isIpcError(value: unknown): value is IpcError {
  return typeof value === 'object' && value !== null && 'code' in value && 'message' in value;
}

/**
 * Installs `mockIPC` answering the given commands; returns the list of commands invoked so far.
 * Pass `invocations` to also collect each call's arguments.
 */
export function mockBackend(backend: Backend, invocations?: Invocation[]): string[] {
  const calls: string[] = [];
  mockIPC(async (cmd, payload) => {
    const args = (payload ?? {}) as Args;
    calls.push(cmd);
    invocations?.push({ cmd, args });
    const answer = backend[cmd as keyof Backend];
    if (answer === undefined) throw { code: 'internal', message: `unknown command ${cmd}` };
    const value = typeof answer === 'function' ? await answer(args) : answer;
    if (isIpcError(value)) throw value;
    return value;
  });
  return calls;
}

/** Profiles as the AWS config files might list them: a plain one, an SSO one, one without a Region. */
export function sampleAwsProfiles(): AwsProfile[] {
  return [
    { name: 'default', region: 'us-east-1', sso: false },
    { name: 'prod-audit', region: 'eu-west-1', sso: true },
    { name: 'sandbox', region: null, sso: false },
  ];
}

/** An organisation as a sync with AWS Organizations leaves it: two OUs under the root, two named accounts. */
export function sampleAccounts(): AccountsView {
  return {
    accounts: [
      { id: '111122223333', name: 'payments-prod', name_source: 'organizations', ou_id: 'ou-ab12-22222222', ou_path: 'Root/Workloads/Prod' },
      { id: '444455556666', name: 'audit', name_source: 'organizations', ou_id: 'ou-ab12-33333333', ou_path: 'Root/Security' },
    ],
    units: [
      { id: 'r-ab12', name: 'Root', parent_id: null, path: 'Root', accounts: 2 },
      { id: 'ou-ab12-33333333', name: 'Security', parent_id: 'r-ab12', path: 'Root/Security', accounts: 1 },
      { id: 'ou-ab12-11111111', name: 'Workloads', parent_id: 'r-ab12', path: 'Root/Workloads', accounts: 1 },
      { id: 'ou-ab12-22222222', name: 'Prod', parent_id: 'ou-ab12-11111111', path: 'Root/Workloads/Prod', accounts: 1 },
    ],
  };
}
