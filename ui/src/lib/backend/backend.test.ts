// The backend module against a mocked Tauri IPC: command names, results, and error normalisation.
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { afterEach, describe, expect, it } from 'vitest';
import {
  sampleOverview,
  samplePosture,
  sampleRequirement,
  sampleSyncEvents,
  sampleSyncReport,
  sampleSyncStatus,
  sendSyncEvents,
} from '../../test/fixtures';
import { EMPTY_FILTERS, toFindingsQuery } from '../findings/query';
import {
  acceptRisk,
  attest,
  BackendError,
  cancelSync,
  getAuditLog,
  getChanges,
  getExceptions,
  getSettings,
  getFindingsPage,
  type SyncEvent,
  getOverview,
  getPosture,
  getSlaSummary,
  getSyncStatus,
  getTrend,
  getRequirementDetail,
  getWorkspaceStatus,
  isIpcError,
  revokeRisk,
  setSettings,
  startSync,
  toBackendError,
  verifyAudit,
} from '.';

function recordCalls(answer: unknown): Array<{ cmd: string; args: unknown }> {
  const seen: Array<{ cmd: string; args: unknown }> = [];
  mockIPC((cmd, args) => {
    seen.push({ cmd, args });
    return answer;
  });
  return seen;
}

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
    expect(error).toMatchObject({ code: 'newer_schema', message: 'database schema 9 is newer than this Rampart (3)' });
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

describe('getPosture', () => {
  it('invokes posture with only the arguments given', async () => {
    const posture = samplePosture();
    const seen = recordCalls(posture);

    await expect(getPosture()).resolves.toEqual(posture);
    await getPosture({ framework: 'hipaa' });
    await getPosture({ at: '2026-09-30' });
    await getPosture({ framework: 'gdpr', at: '2026-03-31' });
    expect(seen).toEqual([
      { cmd: 'posture', args: {} },
      { cmd: 'posture', args: { framework: 'hipaa' } },
      { cmd: 'posture', args: { at: '2026-09-30' } },
      { cmd: 'posture', args: { framework: 'gdpr', at: '2026-03-31' } },
    ]);
  });

  it('passes not_found and bad_request through with their codes', async () => {
    mockIPC((_cmd, args) => {
      const { at } = args as { at?: string };
      throw at
        ? { code: 'bad_request', message: `at must be a date as YYYY-MM-DD, not "${at}"` }
        : { code: 'not_found', message: 'unknown framework "nope"' };
    });

    await expect(getPosture({ framework: 'nope' })).rejects.toMatchObject({ code: 'not_found' });
    await expect(getPosture({ at: 'soon' })).rejects.toMatchObject({ code: 'bad_request' });
  });
});

describe('getRequirementDetail', () => {
  it('invokes requirement_detail with the framework and requirement ids', async () => {
    const detail = sampleRequirement('164.312(b)');
    const seen = recordCalls(detail);

    await expect(getRequirementDetail('hipaa', '164.312(b)')).resolves.toEqual(detail);
    expect(seen).toEqual([{ cmd: 'requirement_detail', args: { framework: 'hipaa', requirement: '164.312(b)' } }]);
  });

  it('reports a catalog that failed to load as catalog_error', async () => {
    mockIPC(() => {
      throw { code: 'catalog_error', message: 'custom.toml: line 3: unknown framework field "nmae"' };
    });

    await expect(getRequirementDetail('hipaa', '164.312(b)')).rejects.toMatchObject({
      code: 'catalog_error',
      message: 'custom.toml: line 3: unknown framework field "nmae"',
    });
  });
});

describe('attest', () => {
  it('invokes attest with the statement, leaving out an empty expiry', async () => {
    const seen = recordCalls(42);

    await expect(
      attest({ framework: 'gdpr', requirement: 'Art.24', by: 'Dana', statement: 'Reviewed.', expires: '2099-01-31' }),
    ).resolves.toBe(42);
    await attest({ framework: 'gdpr', requirement: 'Art.24', by: 'Dana', statement: 'Reviewed.', expires: '' });
    await attest({ framework: 'gdpr', requirement: 'Art.24', by: 'Dana', statement: 'Reviewed.' });
    expect(seen).toEqual([
      {
        cmd: 'attest',
        args: { framework: 'gdpr', requirement: 'Art.24', by: 'Dana', statement: 'Reviewed.', expires: '2099-01-31' },
      },
      { cmd: 'attest', args: { framework: 'gdpr', requirement: 'Art.24', by: 'Dana', statement: 'Reviewed.' } },
      { cmd: 'attest', args: { framework: 'gdpr', requirement: 'Art.24', by: 'Dana', statement: 'Reviewed.' } },
    ]);
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

  it('maps a code this UI does not know to internal, keeping the message', () => {
    expect(toBackendError({ code: 'quota_exceeded', message: 'too many' }, 'x')).toMatchObject({
      code: 'internal',
      message: 'too many',
    });
    expect(toBackendError({ code: 'not_rampart', message: 'not a Rampart workspace' }, 'x').code).toBe('not_rampart');
  });

  it('keeps the field a bad_request names', () => {
    const error = toBackendError({ code: 'bad_request', field: 'owner', message: 'owner: required' }, 'x');
    expect(error).toMatchObject({ code: 'bad_request', field: 'owner', message: 'owner: required' });
    expect(JSON.parse(JSON.stringify(error))).toEqual({ code: 'bad_request', field: 'owner', message: 'owner: required' });
    expect(toBackendError({ code: 'db_error', message: 'disk I/O error' }, 'x').field).toBeUndefined();
  });

  it('returns a BackendError unchanged', () => {
    const error = new BackendError('not_ready', 'preparing');
    expect(toBackendError(error)).toBe(error);
  });
});

describe('trend, changes, findings_page, sla_summary', () => {
  it('sends the arguments the core names, leaving out what is not given', async () => {
    const seen = recordCalls({});
    await getTrend({ days: 90, weekly: false });
    await getTrend({ framework: 'hipaa', days: 365, until: '2026-09-30', weekly: true });
    await getTrend({ days: 30, until: '', weekly: false });
    await getChanges('2026-11-22');
    await getChanges('2026-11-15', '2026-11-22');
    const query = toFindingsQuery(EMPTY_FILTERS, 2);
    await getFindingsPage(query);
    await getSlaSummary();
    expect(seen).toEqual([
      { cmd: 'trend', args: { days: 90, weekly: false } },
      { cmd: 'trend', args: { framework: 'hipaa', days: 365, until: '2026-09-30', weekly: true } },
      { cmd: 'trend', args: { days: 30, weekly: false } },
      { cmd: 'changes', args: { since: '2026-11-22' } },
      { cmd: 'changes', args: { since: '2026-11-15', until: '2026-11-22' } },
      { cmd: 'findings_page', args: { query } },
      { cmd: 'sla_summary', args: {} },
    ]);
  });

  it('rejects with the core\'s code', async () => {
    mockIPC(() => {
      throw { code: 'bad_request', message: 'since must be before until' };
    });
    await expect(getChanges('2026-11-22', '2026-11-01')).rejects.toMatchObject({
      code: 'bad_request',
      message: 'since must be before until',
    });
  });
});

describe('governance commands', () => {
  it('send the arguments the core names (camelCase on this side)', async () => {
    const seen = recordCalls(null);
    await getExceptions();
    await getExceptions(14);
    const request = {
      scope: { scope: 'control', target: 'S3.5' },
      accounts: ['111122223333'],
      resources: [],
      reason: 'Bucket is public by design (static site).',
      owner: 'Web team',
      approver: 'Priya (CISO)',
      expires_at: Date.UTC(2027, 1, 27),
    } as const;
    await acceptRisk({ ...request, accounts: [...request.accounts], resources: [] });
    await expect(revokeRisk(3, 'Dana', 'Fixed')).resolves.toBeUndefined();
    await getAuditLog(200);
    await verifyAudit();
    await getSettings();
    const settings = {
      sla_days: { critical: 7, high: 30, medium: 90, low: 180 },
      max_acceptance_days: 365,
      sync: { profiles: [], regions: [], sources: [] },
    };
    await setSettings(settings, 'Dana');
    expect(seen).toEqual([
      { cmd: 'exceptions', args: { expiring: null } },
      { cmd: 'exceptions', args: { expiring: 14 } },
      { cmd: 'accept_risk', args: { request } },
      { cmd: 'revoke_risk', args: { id: 3, by: 'Dana', reason: 'Fixed' } },
      { cmd: 'audit_log', args: { limit: 200 } },
      { cmd: 'audit_verify', args: {} },
      { cmd: 'settings', args: {} },
      { cmd: 'set_settings', args: { settings, by: 'Dana' } },
    ]);
  });

  it('pass a refusal through with its code and message', async () => {
    mockIPC(() => {
      throw { code: 'bad_request', message: 'reason: required' };
    });
    await expect(
      acceptRisk({
        scope: { scope: 'finding', target: 'x' },
        accounts: [],
        resources: [],
        reason: '',
        owner: 'o',
        approver: 'a',
        expires_at: 0,
      }),
    ).rejects.toMatchObject({ code: 'bad_request', message: 'reason: required' });
  });
});

describe('sync commands', () => {
  it('start a sync with the request and a channel, deliver its events in order, and resolve with the report', async () => {
    const seen: Array<{ cmd: string; args: Record<string, unknown> }> = [];
    const events = sampleSyncEvents();
    mockIPC((cmd, args) => {
      const a = args as Record<string, unknown>;
      seen.push({ cmd, args: a });
      if (cmd !== 'sync_start') return null;
      sendSyncEvents(a, events.slice(0, 3));
      sendSyncEvents(a, events.slice(3));
      return sampleSyncReport();
    });
    const got: SyncEvent[] = [];
    const request = { profiles: ['prod'], regions: ['us-east-1'], sources: ['securityhub'], endpoint_url: null };

    await expect(startSync(request, (e) => got.push(e))).resolves.toEqual(sampleSyncReport());
    expect(got).toEqual(events);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.cmd).toBe('sync_start');
    expect(seen[0]!.args.request).toEqual(request);
    // The channel goes over the IPC as its id (the Rust parameter is on_event).
    expect(JSON.stringify(seen[0]!.args)).toMatch(/"onEvent":"__CHANNEL__:\d+"/);
  });

  it('reject a second sync with busy', async () => {
    mockIPC(() => {
      throw { code: 'busy', message: 'A sync is already running.' };
    });
    const request = { profiles: [], regions: [], sources: [], endpoint_url: null };
    await expect(startSync(request, () => {})).rejects.toMatchObject({ code: 'busy' });
  });

  it('fail with internal, not a TypeError, outside the Rampart window', async () => {
    const request = { profiles: [], regions: [], sources: [], endpoint_url: null };
    await expect(startSync(request, () => {})).rejects.toMatchObject({ code: 'internal' });
  });

  it('cancel and read the status', async () => {
    const seen = recordCalls(true);
    await expect(cancelSync()).resolves.toBe(true);
    await getSyncStatus();
    expect(seen).toEqual([
      { cmd: 'sync_cancel', args: {} },
      { cmd: 'sync_status', args: {} },
    ]);
    mockIPC(() => sampleSyncStatus());
    await expect(getSyncStatus()).resolves.toEqual(sampleSyncStatus());
  });
});
