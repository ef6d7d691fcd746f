/**
 * The explorer table's columns: label, width, the sort field a header click picks, and which
 * are shown by default. The user's choice is kept in localStorage (a preference, not data).
 */
import type { SortField } from './query';

/** Height of one table row in pixels (fixed, so the table can place rows without measuring them). */
export const ROW_HEIGHT = 38;

export type ColumnKey =
  | 'severity'
  | 'status'
  | 'title'
  | 'control'
  | 'account'
  | 'region'
  | 'resource'
  | 'age'
  | 'due'
  | 'updated'
  | 'source';

export type Column = {
  key: ColumnKey;
  label: string;
  /** A CSS grid track. */
  width: string;
  sort: SortField | null;
  /**
   * How the header reads the natural order (`reverse` off): most severe first is "descending"
   * severity; oldest first seen is "descending" age.
   */
  natural: 'ascending' | 'descending';
  numeric?: boolean;
};

export const COLUMNS: readonly Column[] = [
  { key: 'severity', label: 'Severity', width: '6.4rem', sort: 'severity', natural: 'descending' },
  { key: 'status', label: 'Status', width: '6.6rem', sort: 'status', natural: 'ascending' },
  { key: 'title', label: 'Title', width: 'minmax(14rem, 1fr)', sort: 'title', natural: 'ascending' },
  { key: 'control', label: 'Control', width: '7rem', sort: 'control', natural: 'ascending' },
  { key: 'account', label: 'Account', width: '7.6rem', sort: 'account', natural: 'ascending' },
  { key: 'region', label: 'Region', width: '6.8rem', sort: null, natural: 'ascending' },
  { key: 'resource', label: 'Resource', width: '10.5rem', sort: null, natural: 'ascending' },
  { key: 'age', label: 'Age', width: '4.2rem', sort: 'first_seen', natural: 'descending', numeric: true },
  { key: 'due', label: 'Due', width: '6.6rem', sort: null, natural: 'ascending' },
  { key: 'updated', label: 'Updated', width: '6.6rem', sort: 'updated', natural: 'descending' },
  { key: 'source', label: 'Source', width: '6.8rem', sort: null, natural: 'ascending' },
];

/** Title is always shown: it is the row's button. */
export const REQUIRED_COLUMN: ColumnKey = 'title';

export const DEFAULT_COLUMNS: readonly ColumnKey[] = [
  'severity',
  'status',
  'title',
  'control',
  'account',
  'resource',
  'age',
  'due',
];

const STORAGE_KEY = 'rampart.explorer.columns';

/** The columns the user chose last time, or the defaults. */
export function loadColumns(): ColumnKey[] {
  try {
    const saved = JSON.parse(globalThis.localStorage?.getItem(STORAGE_KEY) ?? 'null') as unknown;
    if (Array.isArray(saved)) {
      const keys = COLUMNS.map((c) => c.key).filter((k) => saved.includes(k));
      if (keys.includes(REQUIRED_COLUMN)) return keys;
    }
  } catch {
    // A damaged preference falls back to the defaults.
  }
  return [...DEFAULT_COLUMNS];
}

export function saveColumns(keys: ColumnKey[]): void {
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, JSON.stringify(keys));
  } catch {
    // Storage can be unavailable; the choice then lasts for this session only.
  }
}

/** The last part of a resource id ("settlement-cc4e" of an ARN ending "replicationinstance/settlement-cc4e"). */
export function shortResource(id: string): string {
  const tail = id.split(/[/:]/).filter((part) => part !== '').at(-1);
  return tail ?? id;
}
