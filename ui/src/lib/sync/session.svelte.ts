/**
 * The window's sync run, kept outside the Sync view so that leaving the screen while a sync
 * runs loses nothing: coming back shows the same progress, and the sidebar can say a sync is
 * running. One run at a time, as in the core. The state is replaced (never mutated) on each
 * event, through the pure reducer in `progress.ts`.
 */
import {
  cancelSync,
  startSync,
  toBackendError,
  type BackendError,
  type SyncReport,
  type SyncRequest,
} from '../backend';
import { EMPTY_PROGRESS, reduce, settle, type Progress } from './progress';

export type SyncRun = {
  /** Tells one run from the next, so a late event of an old run is dropped. */
  id: number;
  request: SyncRequest;
  /** When the page started it (ms since the epoch), for the elapsed time while it runs. */
  startedAt: number;
  progress: Progress;
  /** The core's answer once the run is over; null while it runs or when it could not start. */
  report: SyncReport | null;
  /** Why the run could not start or did not finish (`busy` when another sync runs). */
  error: BackendError | null;
  running: boolean;
  cancelling: boolean;
  /** A cancel request that failed, in words. */
  cancelError: string | null;
  /**
   * After Cancel on a sync this window did not start (starting answered `busy`): whether it was
   * asked to stop, or none was running any more.
   */
  stoppedOther: 'cancelled' | 'none' | null;
};

class SyncSession {
  /** The current or last run of this window; null before the first. */
  run = $state.raw<SyncRun | null>(null);
  /** Bumped when a run ends, so views reload what it changed. */
  completed = $state(0);
  #next = 1;

  get running(): boolean {
    return this.run?.running ?? false;
  }

  #patch(id: number, change: (run: SyncRun) => Partial<SyncRun>): void {
    const run = this.run;
    if (run === null || run.id !== id) return;
    this.run = { ...run, ...change(run) };
  }

  /**
   * Starts a sync; resolves when it is over (the outcome is in `run`). Does nothing while one runs.
   * `intoDemo`: the user said to add real findings to the demo workspace.
   */
  async start(request: SyncRequest, now: number = Date.now(), intoDemo = false): Promise<void> {
    if (this.running) return;
    const id = this.#next++;
    this.run = {
      id,
      request,
      startedAt: now,
      progress: EMPTY_PROGRESS,
      report: null,
      error: null,
      running: true,
      cancelling: false,
      cancelError: null,
      stoppedOther: null,
    };
    try {
      // Channel messages and the command's answer travel apart: once the report is in, it is the
      // last word, and a late event must not count a page twice.
      const report = await startSync(
        request,
        (event) => this.#patch(id, (run) => (run.running ? { progress: reduce(run.progress, event) } : {})),
        intoDemo,
      );
      this.#patch(id, (run) => ({ progress: settle(run.progress, report), report, running: false, cancelling: false }));
    } catch (reason) {
      this.#patch(id, () => ({ error: toBackendError(reason, 'sync_start'), running: false, cancelling: false }));
    }
    this.completed += 1;
  }

  /**
   * Asks the core to stop the running sync (also one this window did not start, e.g. before a
   * reload, when starting answered `busy`). The run ends through `start`'s answer.
   */
  async cancel(): Promise<void> {
    const run = this.run;
    if (run === null || run.cancelling || (!run.running && run.error?.code !== 'busy')) return;
    const id = run.id;
    this.#patch(id, () => ({ cancelling: true, cancelError: null }));
    try {
      const stopped = await cancelSync();
      if (!run.running) {
        // A sync from before (starting answered `busy`): no answer comes here, so say what happened.
        this.#patch(id, () => ({
          cancelling: false,
          error: null,
          stoppedOther: stopped ? 'cancelled' : 'none',
        }));
      }
    } catch (reason) {
      this.#patch(id, () => ({ cancelling: false, cancelError: toBackendError(reason, 'sync_cancel').message }));
    }
  }

  /** Forgets the run (tests). */
  reset(): void {
    this.run = null;
    this.completed = 0;
  }
}

export const syncSession = new SyncSession();
