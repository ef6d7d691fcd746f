// load(): the states it reports, waiting while the workspace is prepared (or not), and a stopped
// load dropping its late answer.
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { afterEach, describe, expect, it } from 'vitest';
import { BackendError } from './backend';
import { load, loadOnce, type Loaded } from './load';

afterEach(() => clearMocks());

function later<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (reason: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('load', () => {
  it('waits while the workspace is prepared, then reports the answer', async () => {
    const asked: string[] = [];
    mockIPC((cmd) => {
      asked.push(cmd);
      return { state: 'preparing', message: 'Building the demo' };
    });
    let tries = 0;
    const seen: Loaded<number>[] = [];
    const stop = load(
      async () => {
        tries += 1;
        if (tries === 1) throw new BackendError('not_ready', 'preparing');
        return 7;
      },
      (state) => seen.push(state),
      { retryMs: 1 },
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    stop();
    expect(seen).toEqual([{ kind: 'preparing', message: 'Building the demo' }, { kind: 'ready', data: 7 }]);
    expect(asked).toEqual(['workspace_status']);
  });

  it('without waiting, reports not_ready as an error and asks nothing more', async () => {
    const asked: string[] = [];
    mockIPC((cmd) => asked.push(cmd));
    const seen: Loaded<number>[] = [];
    load(() => Promise.reject(new BackendError('not_ready', 'preparing')), (state) => seen.push(state), { wait: false });
    await tick();
    expect(seen).toEqual([{ kind: 'error', error: expect.objectContaining({ code: 'not_ready' }) }]);
    expect(asked).toEqual([]);
  });

  it('drops an answer that comes after it was stopped', async () => {
    const answer = later<number>();
    const failure = later<number>();
    const ready: number[] = [];
    const failed: string[] = [];
    loadOnce(() => answer.promise, (n) => ready.push(n))();
    loadOnce(() => failure.promise, (n) => ready.push(n), (e) => failed.push(e.code))();
    answer.resolve(1);
    failure.reject({ code: 'db_error', message: 'disk I/O error' });
    await tick();
    expect(ready).toEqual([]);
    expect(failed).toEqual([]);

    const kept = later<number>();
    loadOnce(() => kept.promise, (n) => ready.push(n));
    kept.resolve(2);
    await tick();
    expect(ready).toEqual([2]);
  });
});
