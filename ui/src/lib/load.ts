/**
 * Loading a view's data from the core, with the states every view shows: loading, the
 * workspace still being prepared (retried every `retryMs` while the core answers `not_ready`),
 * ready, or failed with a {@link BackendError}.
 *
 * Every answer the UI asks for in an effect goes through {@link load}: the function it returns
 * is the effect's cleanup, so an answer that comes after the effect re-ran (another finding
 * opened, a Refresh, the view left) is dropped instead of overwriting a newer one.
 */
import { BackendError, getWorkspaceStatus, toBackendError } from './backend';

export type Loaded<T> =
  | { kind: 'loading' }
  | { kind: 'preparing'; message: string | null }
  | { kind: 'ready'; data: T }
  | { kind: 'error'; error: BackendError };

export type LoadOptions = {
  /** How long to wait before asking again while the workspace is prepared. */
  retryMs?: number;
  /** The command, named in the error of a rejection that does not explain itself. */
  command?: string;
  /**
   * Whether to wait while the core answers `not_ready` (asking the workspace status for a
   * progress message, then trying again). Without waiting, `not_ready` is reported as an error
   * like any other: for a part of a view whose view waits already.
   */
  wait?: boolean;
};

/**
 * Runs `fetch` and reports each state to `report`. While the core answers `not_ready`, asks the
 * workspace status for a progress message and tries again (unless `wait` is false). Returns a
 * function that stops it (call it from an effect's cleanup so a stale answer never overwrites a
 * newer one).
 */
export function load<T>(
  fetch: () => Promise<T>,
  report: (state: Loaded<T>) => void,
  { retryMs = 500, command = 'backend', wait = true }: LoadOptions = {},
): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  async function attempt(): Promise<void> {
    try {
      const data = await fetch();
      if (!stopped) report({ kind: 'ready', data });
    } catch (reason) {
      if (stopped) return;
      const error = toBackendError(reason, command);
      if (error.code !== 'not_ready' || !wait) {
        report({ kind: 'error', error });
        return;
      }
      const status = await getWorkspaceStatus().catch(() => null);
      if (stopped) return;
      if (status?.state === 'error') {
        const message = status.message ?? 'The workspace could not be prepared.';
        report({ kind: 'error', error: new BackendError('internal', message) });
        return;
      }
      report({ kind: 'preparing', message: status?.message ?? null });
      timer = setTimeout(attempt, retryMs);
    }
  }

  void attempt();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

/**
 * Asks once for what a part of a view shows beside the view's own data (no waiting while the
 * workspace is prepared) and hands the answer to `ready`, a failure to `failed` (ignored when
 * absent: the part then shows nothing). Returns the stop function for the effect's cleanup.
 */
export function loadOnce<T>(
  fetch: () => Promise<T>,
  ready: (data: T) => void,
  failed?: (error: BackendError) => void,
  command?: string,
): () => void {
  return load(
    fetch,
    (state) => {
      if (state.kind === 'ready') ready(state.data);
      else if (state.kind === 'error') failed?.(state.error);
    },
    { command, wait: false },
  );
}
