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
  | 'owner'
  | 'region'
  | 'resource'
  | 'age'
  | 'due'
  | 'updated'
  | 'source';

export type Column = {
  key: ColumnKey;
  label: string;
  /** Width in rem; the minimum for the column that grows. */
  width: number;
  /** Takes the room the others leave (the title). */
  grow?: boolean;
  sort: SortField | null;
  /**
   * How the header reads the natural order (`reverse` off): most severe first is "descending"
   * severity; oldest first seen is "descending" age.
   */
  natural: 'ascending' | 'descending';
  numeric?: boolean;
};

export const COLUMNS: readonly Column[] = [
  { key: 'severity', label: 'Severity', width: 6.2, sort: 'severity', natural: 'descending' },
  { key: 'status', label: 'Status', width: 5.6, sort: 'status', natural: 'ascending' },
  { key: 'title', label: 'Title', width: 12, grow: true, sort: 'title', natural: 'ascending' },
  { key: 'control', label: 'Control', width: 6.2, sort: 'control', natural: 'ascending' },
  { key: 'account', label: 'Account', width: 6, sort: 'account', natural: 'ascending' },
  { key: 'owner', label: 'Owner', width: 7, sort: null, natural: 'ascending' },
  { key: 'region', label: 'Region', width: 6.6, sort: null, natural: 'ascending' },
  { key: 'resource', label: 'Resource', width: 8.2, sort: null, natural: 'ascending' },
  { key: 'age', label: 'Age', width: 3.6, sort: 'first_seen', natural: 'descending', numeric: true },
  { key: 'due', label: 'Due', width: 6.3, sort: 'due', natural: 'ascending' },
  { key: 'updated', label: 'Updated', width: 6.3, sort: 'updated', natural: 'descending' },
  { key: 'source', label: 'Source', width: 6.4, sort: null, natural: 'ascending' },
];

/** Space between columns and at the row's ends, in rem (ResultsTable uses the same). */
export const COLUMN_GAP = 0.6;
export const ROW_PADDING = 0.5;

/** The grid tracks for these columns: fixed widths, the title taking the rest. */
export function gridTemplate(columns: readonly Column[]): string {
  return columns.map((c) => (c.grow ? `minmax(${c.width}rem, 1fr)` : `${c.width}rem`)).join(' ');
}

/** The narrowest the table can be before it scrolls sideways, in rem. */
export function minTableWidth(columns: readonly Column[]): number {
  const widths = columns.reduce((sum, c) => sum + c.width, 0);
  return widths + COLUMN_GAP * Math.max(0, columns.length - 1) + 2 * ROW_PADDING;
}

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
