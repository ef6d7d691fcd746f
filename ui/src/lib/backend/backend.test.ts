// The backend module against a mocked Tauri IPC: command names, results, and error normalisation.
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { afterEach, describe, expect, it } from 'vitest';
import { sampleOverview } from '../../test/fixtures';
import { BackendError, ErrorCode, getOverview, getWorkspaceStatus, isIpcError, toBackendError } from '.';

afterEach(() => {
  clearMocks();
});

describe('getOverview', () => {
  it('invokes the overview command and resolves with its result', async () => {
    const overview = sampleOverview();
    const seen: Array<{ cmd: string; args: unknown }> = [];
    mockIPC((cmd, args) => {
      seen.push({ cmd, args });
      return overview;
    });

    await expect(getOverview()).resolves.toEqual(overview);
    expect(seen.map((s) => s.cmd)).toEqual(['overview']);
  });

  it('turns an IpcError rejection into a BackendError with the same code and message', async () => {
    mockIPC(() => {
      throw { code: 'newer_schema', message: 'database schema 9 is newer than this Rampart (3)' };
    });

    const error = await getOverview().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ code: ErrorCode.NewerSchema, message: 'database schema 9 is newer than this Rampart (3)' });
    expect(isIpcError(error)).toBe(true);
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      code: 'newer_schema',
      message: 'database schema 9 is newer than this Rampart (3)',
    });
  });

  it('reports a bare string rejection (as Tauri sends for an unknown command) as internal', async () => {
    mockIPC(() => Promise.reject('command overview not found'));

    await expect(getOverview()).rejects.toMatchObject({ code: 'internal', message: 'command overview not found' });
  });

  it('reports a thrown Error as internal with its message', async () => {
    mockIPC(() => {
      throw new TypeError('boom');
    });

    await expect(getOverview()).rejects.toMatchObject({ code: 'internal', message: 'boom' });
  });

  it('fails with internal, not a TypeError, when no Tauri backend is present', async () => {
    const error = await getOverview().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect(error).toMatchObject({ code: 'internal' });
    expect((error as BackendError).message).toMatch(/Rampart window/);
  });
});

describe('getWorkspaceStatus', () => {
  it('invokes workspace_status', async () => {
    mockIPC((cmd) => (cmd === 'workspace_status' ? { state: 'preparing', message: 'Importing demo data' } : null));

    await expect(getWorkspaceStatus()).resolves.toEqual({ state: 'preparing', message: 'Importing demo data' });
  });
});

describe('toBackendError', () => {
  it.each([
    [{ code: 'db_error', message: 'disk I/O error' }, 'db_error', 'disk I/O error'],
    [{ code: '', message: 'no code' }, 'internal', 'The "x" request failed without an explanation.'],
    [{ message: 'missing code' }, 'internal', 'The "x" request failed without an explanation.'],
    [null, 'internal', 'The "x" request failed without an explanation.'],
    [undefined, 'internal', 'The "x" request failed without an explanation.'],
    [42, 'internal', 'The "x" request failed without an explanation.'],
    ['', 'internal', 'The "x" request failed without an explanation.'],
  ])('normalises %j', (reason, code, message) => {
    expect(toBackendError(reason, 'x')).toMatchObject({ code, message });
  });

  it('returns a BackendError unchanged', () => {
    const error = new BackendError('not_ready', 'preparing');
    expect(toBackendError(error)).toBe(error);
  });
});
