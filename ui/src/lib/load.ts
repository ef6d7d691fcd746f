/**
 * Loading a view's data from the core, with the states every view shows: loading, the
 * workspace still being prepared (retried every `retryMs` while the core answers `not_ready`),
 * ready, or failed with a {@link BackendError}.
 */
import { BackendError, getWorkspaceStatus, toBackendError } from './backend';

export type Loaded<T> =
  | { kind: 'loading' }
  | { kind: 'preparing'; message: string | null }
  | { kind: 'ready'; data: T }
  | { kind: 'error'; error: BackendError };

/**
 * Runs `fetch` and reports each state to `report`. While the core answers `not_ready`, asks the
 * workspace status for a progress message and tries again. Returns a function that stops it
 * (call it from an effect's cleanup so a stale answer never overwrites a newer one).
 */
export function load<T>(
  fetch: () => Promise<T>,
  report: (state: Loaded<T>) => void,
  { retryMs = 500, command = 'backend' }: { retryMs?: number; command?: string } = {},
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
      if (error.code !== 'not_ready') {
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
