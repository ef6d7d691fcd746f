/**
 * Test data for the Settings and Owners tests: a workspace's details (the demo database with one
 * custom framework file in its catalog folder and one given with --catalog), the owners view,
 * and the mocked commands these views call beyond those `test/fixtures.ts` types.
 */
import type { AwsProfile, IpcError, OwnersView, Settings, WorkspaceDetails } from '../backend';
import type { Backend } from '../../test/fixtures';

type Args = Record<string, unknown>;
type Answer<T> = T | IpcError | ((args: Args) => T | IpcError | Promise<T | IpcError>);

/** `Backend` with the Settings, catalog, workspace and owners commands. */
export type MoreBackend = Backend & {
  settings?: Answer<Settings>;
  aws_profiles?: Answer<AwsProfile[]>;
  workspace_details?: Answer<WorkspaceDetails>;
  catalog_add?: Answer<string | null>;
  catalog_remove?: Answer<null>;
  open_workspace?: Answer<string | null>;
  owners?: Answer<OwnersView>;
  assign_owner?: Answer<number>;
};

export function sampleDetails(): WorkspaceDetails {
  return {
    database: '/home/ana/.local/share/rampart/rampart.db',
    database_bytes: 48_758_784,
    is_default: true,
    notices: [],
    catalog: {
      folder: '/home/ana/.local/share/rampart/catalog',
      files: [
        {
          name: 'custom-framework.toml',
          path: '/home/ana/.local/share/rampart/catalog/custom-framework.toml',
          in_folder: true,
          adds_frameworks: ['acme'],
          changes_frameworks: [],
          adds_controls: 0,
        },
        {
          name: 'remap.toml',
          path: '/srv/shared/remap.toml',
          in_folder: false,
          adds_frameworks: [],
          changes_frameworks: ['gdpr'],
          adds_controls: 2,
        },
      ],
      frameworks: [
        { id: 'api12', name: 'API Security Baseline', version: '2025', requirements: 12, manual: 3, custom: false },
        { id: 'gdpr', name: 'GDPR', version: '2016/679', requirements: 14, manual: 6, custom: false },
        { id: 'hipaa', name: 'HIPAA Security Rule', version: '2013', requirements: 22, manual: 9, custom: false },
        { id: 'acme', name: 'ACME cloud baseline', version: '2026.1', requirements: 3, manual: 1, custom: true },
      ],
      controls: 148,
      fingerprint: '5f1c0d9e2b7a4c3d8e9f0a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5',
    },
  };
}

/** The same workspace with only the built-in catalog. */
export function builtInOnly(): WorkspaceDetails {
  const d = sampleDetails();
  d.catalog.files = [];
  d.catalog.frameworks = d.catalog.frameworks.filter((f) => !f.custom);
  return d;
}

/** Owners of the demo workspace's failing findings, and the assignments behind them. */
export function sampleOwners(): OwnersView {
  return {
    owners: [
      { owner: 'Web platform team', open: 41, overdue: 12, accepted: 2, next_due: '2026-12-04T09:00:00Z', most_overdue_days: 63 },
      { owner: 'Data platform', open: 17, overdue: 0, accepted: 0, next_due: '2026-12-19T09:00:00Z', most_overdue_days: null },
      { owner: null, open: 1204, overdue: 388, accepted: 179, next_due: '2026-11-30T12:00:00Z', most_overdue_days: 171 },
    ],
    assignments: [
      { scope: 'account', target: '111122223333', owner: 'Web platform team' },
      { scope: 'control', target: 'RDS.3', owner: 'Data platform' },
      {
        scope: 'finding',
        target: 'arn:aws:securityhub:eu-west-1:777788889999:security-control/Config.1/finding/d322c785',
        owner: 'Cloud foundations',
      },
    ],
  };
}
