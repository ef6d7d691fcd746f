/**
 * The UI's only door to the Rust core: typed wrappers over Tauri `invoke`.
 *
 * Nothing outside this folder imports `@tauri-apps/*`. Every rejection is normalised into a
 * {@link BackendError} (an `Error` that also has the {@link IpcError} shape), so views branch
 * on `error.code` and never on message text.
 */
import { Channel, invoke, type InvokeArgs } from '@tauri-apps/api/core';
import type { Acceptance } from './bindings/Acceptance';
import type { AccountsView } from './bindings/AccountsView';
import type { AuditEntry } from './bindings/AuditEntry';
import type { AwsProfile } from './bindings/AwsProfile';
import type { AuditReport } from './bindings/AuditReport';
import type { Changes } from './bindings/Changes';
import type { ExportRequest } from './bindings/ExportRequest';
import type { FindingDetail } from './bindings/FindingDetail';
import type { FindingsPage } from './bindings/FindingsPage';
import type { ChosenEvidence } from './bindings/ChosenEvidence';
import type { FindingsQuery } from './bindings/FindingsQuery';
import type { ErrorCode } from './bindings/ErrorCode';
import type { IpcError } from './bindings/IpcError';
import type { OwnerScope } from './bindings/OwnerScope';
import type { OwnersView } from './bindings/OwnersView';
import type { Overview } from './bindings/Overview';
import type { Posture } from './bindings/Posture';
import type { NewAcceptance } from './bindings/NewAcceptance';
import type { RequirementDetail } from './bindings/RequirementDetail';
import type { Settings } from './bindings/Settings';
import type { SlaSummary } from './bindings/SlaSummary';
import type { SourceStatus } from './bindings/SourceStatus';
import type { SyncEvent } from './bindings/SyncEvent';
import type { SyncReport } from './bindings/SyncReport';
import type { SyncRequest } from './bindings/SyncRequest';
import type { Trend } from './bindings/Trend';
import type { WorkspaceDetails } from './bindings/WorkspaceDetails';
import type { WorkspaceStatus } from './bindings/WorkspaceStatus';

export type { Acceptance } from './bindings/Acceptance';
export type { AccountCount } from './bindings/AccountCount';
export type { AccountInfo } from './bindings/AccountInfo';
export type { AccountsView } from './bindings/AccountsView';
export type { Attestation } from './bindings/Attestation';
export type { AuditEntry } from './bindings/AuditEntry';
export type { AuditReport } from './bindings/AuditReport';
export type { AwsProfile } from './bindings/AwsProfile';
export type { CatalogFileInfo } from './bindings/CatalogFileInfo';
export type { CatalogInfo } from './bindings/CatalogInfo';
export type { ChangeCounts } from './bindings/ChangeCounts';
export type { ChangedFinding } from './bindings/ChangedFinding';
export type { ChangeGroup } from './bindings/ChangeGroup';
export type { Changes } from './bindings/Changes';
export type { ControlDetail } from './bindings/ControlDetail';
export type { ControlPosture } from './bindings/ControlPosture';
export type { ErrorCode } from './bindings/ErrorCode';
export type { ErrorKind } from './bindings/ErrorKind';
export type { EvidenceView } from './bindings/EvidenceView';
export type { ExportFormat } from './bindings/ExportFormat';
export type { ExportRequest } from './bindings/ExportRequest';
export type { FailingFinding } from './bindings/FailingFinding';
export type { FindingDetail } from './bindings/FindingDetail';
export type { FindingRow } from './bindings/FindingRow';
export type { FindingsPage } from './bindings/FindingsPage';
export type { ChosenEvidence } from './bindings/ChosenEvidence';
export type { FindingsQuery } from './bindings/FindingsQuery';
export type { FrameworkPosture } from './bindings/FrameworkPosture';
export type { FrameworkInfo } from './bindings/FrameworkInfo';
export type { FrameworkTrend } from './bindings/FrameworkTrend';
export type { GroupCount } from './bindings/GroupCount';
export type { HistoryEvent } from './bindings/HistoryEvent';
export type { ImportSummary } from './bindings/ImportSummary';
export type { IpcError } from './bindings/IpcError';
export type { NewAcceptance } from './bindings/NewAcceptance';
export type { Overview } from './bindings/Overview';
export type { OwnerAssignment } from './bindings/OwnerAssignment';
export type { OwnerScope } from './bindings/OwnerScope';
export type { OwnerSla } from './bindings/OwnerSla';
export type { OrgUnit } from './bindings/OrgUnit';
export type { OwnersView } from './bindings/OwnersView';
export type { Posture } from './bindings/Posture';
export type { RecordState } from './bindings/RecordState';
export type { RemediationView } from './bindings/RemediationView';
export type { RequirementDetail } from './bindings/RequirementDetail';
export type { RequirementPosture } from './bindings/RequirementPosture';
export type { RequirementStatus } from './bindings/RequirementStatus';
export type { Scope } from './bindings/Scope';
export type { Settings } from './bindings/Settings';
export type { Severity } from './bindings/Severity';
export type { SeverityCount } from './bindings/SeverityCount';
export type { SeveritySla } from './bindings/SeveritySla';
export type { SlaDays } from './bindings/SlaDays';
export type { SlaSummary } from './bindings/SlaSummary';
export type { Source } from './bindings/Source';
export type { SourceStatus } from './bindings/SourceStatus';
export type { Status } from './bindings/Status';
export type { SyncEvent } from './bindings/SyncEvent';
export type { SyncDefaults } from './bindings/SyncDefaults';
export type { SyncFailure } from './bindings/SyncFailure';
export type { SyncHealth } from './bindings/SyncHealth';
export type { SyncReport } from './bindings/SyncReport';
export type { SyncRequest } from './bindings/SyncRequest';
export type { SyncTarget } from './bindings/SyncTarget';
export type { TargetReport } from './bindings/TargetReport';
export type { Totals } from './bindings/Totals';
export type { Trend } from './bindings/Trend';
export type { TrendPoint } from './bindings/TrendPoint';
export type { UnitCount } from './bindings/UnitCount';
export type { WorkspaceDetails } from './bindings/WorkspaceDetails';
export type { WorkspaceInfo } from './bindings/WorkspaceInfo';
export type { WorkspaceStatus } from './bindings/WorkspaceStatus';

/** Every error code the core sends (the generated `ErrorCode`; the type makes this list complete). */
const KNOWN_CODES: Record<ErrorCode, true> = {
  not_ready: true,
  newer_schema: true,
  not_rampart: true,
  db_error: true,
  not_found: true,
  bad_request: true,
  catalog_error: true,
  busy: true,
  internal: true,
};

/** The code as the UI knows it: one of {@link ErrorCode}, else `internal` (a newer core may send others). */
export function errorCode(code: unknown): ErrorCode {
  return typeof code === 'string' && Object.hasOwn(KNOWN_CODES, code) ? (code as ErrorCode) : 'internal';
}

/**
 * A failed backend call: an `Error` (stack, `instanceof`) carrying the IPC shape: the `code` views
 * branch on, the message to show and, for `bad_request`, the request `field` it is about.
 */
export class BackendError extends Error implements IpcError {
  readonly code: ErrorCode;
  readonly field?: string;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; field?: string }) {
    super(message, options);
    this.name = 'BackendError';
    this.code = code;
    if (options?.field !== undefined) this.field = options.field;
  }

  toJSON(): IpcError {
    return this.field === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, field: this.field };
  }
}

/** True for a value that has the `{code, message}` shape the core rejects with (its code may be one this UI does not know). */
export function isIpcError(value: unknown): value is { code: string; message: string; field?: unknown } {
  if (typeof value !== 'object' || value === null) return false;
  const { code, message } = value as Record<string, unknown>;
  return typeof code === 'string' && code !== '' && typeof message === 'string';
}

/** Turns whatever a rejected `invoke` produced into a {@link BackendError}; an unknown code becomes `internal`. */
export function toBackendError(reason: unknown, command = 'backend'): BackendError {
  if (reason instanceof BackendError) return reason;
  if (isIpcError(reason)) {
    const field = typeof reason.field === 'string' && reason.field !== '' ? reason.field : undefined;
    return new BackendError(errorCode(reason.code), reason.message, { cause: reason, field });
  }
  if (typeof reason === 'string' && reason.trim() !== '') {
    // Tauri itself rejects with a bare string, e.g. for an unknown command or a denied permission.
    return new BackendError('internal', reason, { cause: reason });
  }
  if (reason instanceof Error && reason.message !== '') {
    return new BackendError('internal', reason.message, { cause: reason });
  }
  return new BackendError('internal', `The "${command}" request failed without an explanation.`, {
    cause: reason,
  });
}

type TauriInternals = { invoke?: unknown };

function backendReachable(): boolean {
  const internals = (globalThis as { __TAURI_INTERNALS__?: TauriInternals }).__TAURI_INTERNALS__;
  return typeof internals?.invoke === 'function';
}

function requireBackend(): void {
  if (!backendReachable()) {
    throw new BackendError(
      'internal',
      'The Rampart core is not reachable: this page only works inside the Rampart window.',
    );
  }
}

async function call<T>(command: string, args?: InvokeArgs): Promise<T> {
  requireBackend();
  try {
    return await invoke<T>(command, args);
  } catch (reason) {
    throw toBackendError(reason, command);
  }
}

/** Counts for the Overview screen. Rejects with `not_ready` while the workspace is being prepared. */
export function getOverview(units: string[] = []): Promise<Overview> {
  return call<Overview>('overview', units.length > 0 ? { units } : {});
}

/** Whether the workspace is ready, still being prepared (with a progress message), or failed. */
export function getWorkspaceStatus(): Promise<WorkspaceStatus> {
  return call<WorkspaceStatus>('workspace_status');
}

/** A day as `YYYY-MM-DD`, the only date format the core's commands accept. */
export type Day = string;

/**
 * Posture of every framework (or only `framework`), now or as of the end of the day `at` (UTC).
 * Rejects with `not_found` for an unknown framework and `bad_request` for a malformed date.
 */
export function getPosture(options: { framework?: string; at?: Day; units?: string[] } = {}): Promise<Posture> {
  const args: Record<string, unknown> = {};
  if (options.framework !== undefined) args.framework = options.framework;
  if (options.at !== undefined) args.at = options.at;
  if (options.units !== undefined && options.units.length > 0) args.units = options.units;
  return call<Posture>('posture', args);
}

/** One requirement with its evidence rules, controls (with remediation and failing findings) and attestations. */
export function getRequirementDetail(framework: string, requirement: string): Promise<RequirementDetail> {
  return call<RequirementDetail>('requirement_detail', { framework, requirement });
}

/** What an officer states for a requirement that takes an attestation. */
export type NewAttestation = {
  framework: string;
  requirement: string;
  by: string;
  statement: string;
  /** Optional expiry day; the core refuses one that is not in the future (`bad_request`). */
  expires?: Day;
  /** The SHA-256 of an evidence file chosen with `chooseEvidence` (the core knows its name). */
  evidence?: string;
};

/** Records an attestation and resolves with its id. Only for requirements that have an attestation prompt. */
export function attest(attestation: NewAttestation): Promise<number> {
  const { framework, requirement, by, statement, expires, evidence } = attestation;
  const args: Record<string, unknown> = { framework, requirement, by, statement };
  if (expires !== undefined && expires !== '') args.expires = expires;
  if (evidence !== undefined && evidence !== '') args.evidence = evidence;
  return call<number>('attest', args);
}

/**
 * Opens the system dialog to choose an attestation's evidence file; the core hashes it.
 * Resolves with its name, size and SHA-256 (give the digest to `attest`), or null when cancelled.
 */
export function chooseEvidence(): Promise<ChosenEvidence | null> {
  return call<ChosenEvidence | null>('choose_evidence');
}

/** What a trend covers: `days` days (1–3660) ending with `until` (default today, UTC), daily or one point a week. */
export type TrendRequest = {
  /** One framework; all of them when absent. */
  framework?: string;
  days: number;
  until?: Day;
  weekly: boolean;
};

/**
 * Score, control score and requirement counts per day (or per week) for every framework or one.
 * Days without an import carry the last known state forward and say so (`carried`).
 * Rejects with `bad_request` for days outside 1–3660 or a malformed `until`.
 */
export function getTrend(request: TrendRequest): Promise<Trend> {
  const args: Record<string, unknown> = { days: request.days, weekly: request.weekly };
  if (request.framework !== undefined) args.framework = request.framework;
  if (request.until !== undefined && request.until !== '') args.until = request.until;
  return call<Trend>('trend', args);
}

/**
 * Findings that became new, fixed or regressed after the end of the day `since` (UTC), up to the
 * end of `until` (default: now), with counts per framework, requirement, control and account.
 * Rejects with `bad_request` when `since` is not before `until`.
 */
export function getChanges(since: Day, until?: Day, units: string[] = []): Promise<Changes> {
  const args: Record<string, unknown> = { since };
  if (until !== undefined && until !== '') args.until = until;
  if (units.length > 0) args.units = units;
  return call<Changes>('changes', args);
}

/** One page of the findings explorer and the number of findings that match in all. Send the query complete. */
export function getFindingsPage(query: FindingsQuery): Promise<FindingsPage> {
  return call<FindingsPage>('findings_page', { query });
}

/** The accounts the workspace can name (AWS Organizations, else the findings) and the organisation's OUs. */
export function getAccounts(): Promise<AccountsView> {
  return call<AccountsView>('accounts');
}

/**
 * Open, overdue and time-to-remediate figures per severity, with the workspace's SLA days: of
 * the findings `query` matches (the explorer's filters; its page and sort do not matter), or of
 * the whole workspace.
 */
export function getSlaSummary(query: FindingsQuery | null = null): Promise<SlaSummary> {
  return call<SlaSummary>('sla_summary', query === null ? undefined : { query });
}

/**
 * Risk acceptances, newest first, each with its status now (active, expired, revoked), days left
 * and the failing findings it covers. With `expiring`, only the active ones that expire within
 * that many days.
 */
export function getExceptions(expiring?: number): Promise<Acceptance[]> {
  return call<Acceptance[]>('exceptions', { expiring: expiring ?? null });
}

/**
 * Records a risk acceptance (the approver is recorded as its author in the audit log) and resolves
 * with its id. Rejects with `bad_request` naming the field (`reason: required`, an expiry in the
 * past or beyond the workspace's maximum, a malformed account id, a manual requirement) and with
 * `not_found` for an unknown finding, control or requirement.
 */
export function acceptRisk(request: NewAcceptance): Promise<number> {
  return call<number>('accept_risk', { request });
}

/** Revokes a risk acceptance at once. Rejects with `bad_request` (missing field, already revoked) or `not_found`. */
export async function revokeRisk(id: number, by: string, reason: string): Promise<void> {
  await call<null>('revoke_risk', { id, by, reason });
}

/** The newest `limit` entries of the audit log (acceptances, revocations, attestations, settings), newest first. */
export function getAuditLog(limit: number): Promise<AuditEntry[]> {
  return call<AuditEntry[]>('audit_log', { limit });
}

/** Recomputes the audit log's hash chain; `problems` is empty when it is intact. */
export function verifyAudit(): Promise<AuditReport> {
  return call<AuditReport>('audit_verify');
}

/** The workspace settings: SLA days per severity and the longest a risk acceptance may run. */
export function getSettings(): Promise<Settings> {
  return call<Settings>('settings');
}

/**
 * Changes the settings, recorded in the audit log with `by` as the author; resolves with the
 * settings now in force. Rejects with `bad_request` naming the field that is out of range.
 */
export function setSettings(settings: Settings, by: string): Promise<Settings> {
  return call<Settings>('set_settings', { settings, by });
}

/**
 * Writes a report (`what: "report"`: PDF or JSON; the executive summary, or `framework`'s report
 * for the period `from`–`to`, default the last 30 days) or every finding matching `query`
 * (`what: "findings"`: CSV or JSON) to a file the user picks in the system's save dialog, which
 * the core opens (the page never names a path). Resolves with the path written, or null when the
 * user cancelled the dialog. Rejects with `bad_request` (a format that does not apply, a
 * malformed day), `not_found` (unknown framework) or `internal` (the file could not be written).
 */
export function exportFile(request: ExportRequest): Promise<string | null> {
  return call<string | null>('export', { request });
}

/**
 * Runs a sync from AWS (Security Hub, Inspector, Config) with the standard credentials chain and
 * resolves with how each source, account and Region ended once the run is over (also when some
 * failed or it was cancelled). `onEvent` sees the run's progress as it happens (planned targets,
 * each page stored, retries, each target's end, the finish), in order. Empty lists in `request`
 * mean the default profile, its Region and every source; its `endpoint_url` is ignored by the core
 * (only the `RAMPART_ENDPOINT_URL` environment variable sets one). Rejects with `busy` while another
 * sync runs, and with `internal` when the run could not start at all (an unknown source).
 */
export async function startSync(
  request: SyncRequest,
  onEvent: (event: SyncEvent) => void,
  intoDemo = false,
): Promise<SyncReport> {
  requireBackend();
  const channel = new Channel<SyncEvent>();
  channel.onmessage = onEvent;
  // Into the demo workspace only when the user said so: the core refuses it otherwise.
  const args: Record<string, unknown> = { request, onEvent: channel };
  if (intoDemo) args.intoDemo = true;
  return call<SyncReport>('sync_start', args);
}

/** Asks the running sync to stop; the pages stored so far stay and the next run resumes. False when none runs. */
export function cancelSync(): Promise<boolean> {
  return call<boolean>('sync_cancel');
}

/** Where each source stands in each account and Region: last attempt, last success, last error, resumable. */
export function getSyncStatus(): Promise<SourceStatus[]> {
  return call<SourceStatus[]>('sync_status');
}

/**
 * The profiles in the standard AWS config files (`~/.aws/config`, `~/.aws/credentials`): name,
 * Region and whether it signs in through IAM Identity Center. No credential is read or returned;
 * an empty list when there are no such files.
 */
export function getAwsProfiles(): Promise<AwsProfile[]> {
  return call<AwsProfile[]>('aws_profiles');
}

/**
 * Open, overdue and accepted failing findings per remediation owner (the most overdue first,
 * findings nobody owns last), and the assignments in force (account, control or finding).
 */
export function getOwners(): Promise<OwnersView> {
  return call<OwnersView>('owners');
}

/**
 * Assigns the remediation owner of a finding, a control or an account (an empty `owner` clears
 * it); recorded in the audit log with `by` as the author. Rejects with `bad_request` naming the
 * field (`finding: no such finding`, `account: … 12 digits`, `by: required`).
 */
export function assignOwner(scope: OwnerScope, target: string, owner: string, by: string): Promise<number> {
  return call<number>('assign_owner', { scope, target, owner, by });
}

/** The open workspace's database file and the catalog it is mapped with (built in plus user files). */
export function getWorkspaceDetails(): Promise<WorkspaceDetails> {
  return call<WorkspaceDetails>('workspace_details');
}

/**
 * Adds a catalog file the user picks in the system's open dialog (opened by the core): checked
 * with the catalog in force, copied into the workspace's `catalog/` folder, findings mapped again.
 * Resolves with the file's name, or null when the dialog was cancelled. Rejects with
 * `bad_request` whose message names the file and what is wrong in it; nothing changes then.
 */
export function addCatalogFile(by: string): Promise<string | null> {
  return call<string | null>('catalog_add', { by });
}

/** Removes a file from the workspace's `catalog/` folder and maps the findings again (audited). */
export async function removeCatalogFile(name: string, by: string): Promise<void> {
  await call<null>('catalog_remove', { name, by });
}

/**
 * Opens another workspace picked in the system's dialog: an existing database, or with `create`
 * a new empty one. The window switches to it at once (views then see `not_ready` while it is
 * prepared) and Rampart opens it on the next start. Resolves with its path, or null when the
 * dialog was cancelled. Rejects with `busy` while a sync runs, `not_found`, or `bad_request`
 * when the file is not a Rampart workspace.
 */
export function openWorkspace(create: boolean): Promise<string | null> {
  return call<string | null>('open_workspace', { create });
}

/**
 * What the finding panel shows beyond the explorer's row: the description, each resource with its
 * tags, each vulnerability (package, installed and fixed versions, CVSS, fix and exploit
 * availability), the finding's own status changes (oldest first) and its JSON exactly as the
 * source sent it. A finding is its product and its id (another product's finding may share the
 * id). Rejects with `not_found` for an unknown finding.
 */
export function getFindingDetail(id: string, productArn: string): Promise<FindingDetail> {
  return call<FindingDetail>('finding_detail', { id, productArn });
}
