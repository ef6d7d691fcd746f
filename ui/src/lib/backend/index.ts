/**
 * The UI's only door to the Rust core: typed wrappers over Tauri `invoke`.
 *
 * Nothing outside this folder imports `@tauri-apps/*`. Every rejection is normalised into a
 * {@link BackendError} (an `Error` that also has the {@link IpcError} shape), so views branch
 * on `error.code` and never on message text.
 */
import { invoke, type InvokeArgs } from '@tauri-apps/api/core';
import type { IpcError } from './bindings/IpcError';
import type { Overview } from './bindings/Overview';
import type { WorkspaceStatus } from './bindings/WorkspaceStatus';

export type { GroupCount } from './bindings/GroupCount';
export type { ImportSummary } from './bindings/ImportSummary';
export type { IpcError } from './bindings/IpcError';
export type { Overview } from './bindings/Overview';
export type { Severity } from './bindings/Severity';
export type { SeverityCount } from './bindings/SeverityCount';
export type { Source } from './bindings/Source';
export type { Status } from './bindings/Status';
export type { Totals } from './bindings/Totals';
export type { WorkspaceInfo } from './bindings/WorkspaceInfo';
export type { WorkspaceStatus } from './bindings/WorkspaceStatus';

/** The stable error codes the core sends and the UI branches on. Others may appear; treat them as `internal`. */
export const ErrorCode = {
  /** The workspace is still being prepared (first start builds the demo workspace): retry shortly. */
  NotReady: 'not_ready',
  /** The database was written by a newer Rampart: the user must upgrade. */
  NewerSchema: 'newer_schema',
  /** The database could not be opened or queried. */
  DbError: 'db_error',
  /** Anything else, including a backend that cannot be reached at all. */
  Internal: 'internal',
} as const;

/** A failed backend call: an `Error` (stack, `instanceof`) carrying the IPC `{code, message}` shape. */
export class BackendError extends Error implements IpcError {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BackendError';
    this.code = code;
  }

  toJSON(): IpcError {
    return { code: this.code, message: this.message };
  }
}

/** True for a value that has the `{code, message}` shape the core rejects with. */
export function isIpcError(value: unknown): value is IpcError {
  if (typeof value !== 'object' || value === null) return false;
  const { code, message } = value as Record<string, unknown>;
  return typeof code === 'string' && code !== '' && typeof message === 'string';
}

/** Turns whatever a rejected `invoke` produced into a {@link BackendError}. */
export function toBackendError(reason: unknown, command = 'backend'): BackendError {
  if (reason instanceof BackendError) return reason;
  if (isIpcError(reason)) return new BackendError(reason.code, reason.message, { cause: reason });
  if (typeof reason === 'string' && reason.trim() !== '') {
    // Tauri itself rejects with a bare string, e.g. for an unknown command or a denied permission.
    return new BackendError(ErrorCode.Internal, reason, { cause: reason });
  }
  if (reason instanceof Error && reason.message !== '') {
    return new BackendError(ErrorCode.Internal, reason.message, { cause: reason });
  }
  return new BackendError(ErrorCode.Internal, `The "${command}" request failed without an explanation.`, {
    cause: reason,
  });
}

type TauriInternals = { invoke?: unknown };

function backendReachable(): boolean {
  const internals = (globalThis as { __TAURI_INTERNALS__?: TauriInternals }).__TAURI_INTERNALS__;
  return typeof internals?.invoke === 'function';
}

async function call<T>(command: string, args?: InvokeArgs): Promise<T> {
  if (!backendReachable()) {
    throw new BackendError(
      ErrorCode.Internal,
      'The Rampart core is not reachable: this page only works inside the Rampart window.',
    );
  }
  try {
    return await invoke<T>(command, args);
  } catch (reason) {
    throw toBackendError(reason, command);
  }
}

/** Counts for the Overview screen. Rejects with `not_ready` while the workspace is being prepared. */
export function getOverview(): Promise<Overview> {
  return call<Overview>('overview');
}

/** Whether the workspace is ready, still being prepared (with a progress message), or failed. */
export function getWorkspaceStatus(): Promise<WorkspaceStatus> {
  return call<WorkspaceStatus>('workspace_status');
}
