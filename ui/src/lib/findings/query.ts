/**
 * The findings explorer's state and its three forms: the URL query (`#/findings?…`, the single
 * source of truth, so Back, Forward and reload restore it), the filters the view works with,
 * and the complete `FindingsQuery` the core expects. Pure functions.
 *
 * URL parameters (all optional; lists repeat the parameter):
 * `search`, `framework`, `requirement` (with a framework only), `severity`, `status` (default:
 * `failed`; `status=any` for every status), `source`, `account`, `ou` (an organizational unit's
 * id: its accounts and those below it), `region`, `resource_type`, `owner` (a remediation owner
 * in force), `unowned=1`, `acceptance` (a risk acceptance's id: the failing findings it covers),
 * `min_age`, `max_age` (days), `overdue=1`, `unmapped=1`,
 * `state=archived|all` (default: active findings), `sort` (default `severity`), `reverse=1`.
 */
import type { FindingsQuery, RecordState, Severity, Source, Status } from '../backend';
import { SEVERITIES } from '../format';
import { SOURCES } from '../sources';

/** Rows per backend request as the table scrolls. */
export const PAGE_SIZE = 200;

export const STATUSES: readonly Status[] = ['failed', 'passed', 'warning', 'not_available'];
export const SORT_FIELDS = ['severity', 'updated', 'first_seen', 'title', 'account', 'control', 'status', 'due'] as const;

/** What the explorer lists when the URL names no status: the failing findings (passed checks are one click away). */
export const DEFAULT_STATUSES: readonly Status[] = ['failed'];
/** The `status` value that asks for every status. */
const ANY_STATUS = 'any';
export type SortField = (typeof SORT_FIELDS)[number];

/** A framework and its requirements, as the explorer's pickers list them. */
export type FrameworkOption = { id: string; name: string; requirements: Array<{ id: string; title: string }> };

/** Which findings by record state: the live ones (default), the archived ones, or both. */
export type StateFilter = RecordState | 'all';

export type ExplorerFilters = {
  /** Full-text search as typed; empty for none. */
  search: string;
  framework: string | null;
  /** Only with a framework. */
  requirement: string | null;
  severities: Severity[];
  /** Empty: every status. */
  statuses: Status[];
  sources: Source[];
  accounts: string[];
  /** Organizational unit ids: the accounts in them and in the OUs below them. */
  units: string[];
  regions: string[];
  resourceTypes: string[];
  /** Remediation owners in force; with `unowned`, the findings nobody owns too. */
  owners: string[];
  unowned: boolean;
  /** A risk acceptance's id: only the failing findings it covers now. */
  acceptance: number | null;
  /** First seen at least / at most this many days ago. */
  minAge: number | null;
  maxAge: number | null;
  overdue: boolean;
  unmapped: boolean;
  state: StateFilter;
  sort: SortField;
  reverse: boolean;
};

/** The explorer's starting point: active failing findings, most severe first, nothing else narrowing them. */
export const EMPTY_FILTERS: ExplorerFilters = {
  search: '',
  framework: null,
  requirement: null,
  severities: [],
  statuses: [...DEFAULT_STATUSES],
  sources: [],
  accounts: [],
  units: [],
  regions: [],
  resourceTypes: [],
  owners: [],
  unowned: false,
  acceptance: null,
  minAge: null,
  maxAge: null,
  overdue: false,
  unmapped: false,
  state: 'active',
  sort: 'severity',
  reverse: false,
};

/** Values of a repeated parameter that are in `allowed`, once each, in `allowed`'s order. */
function pick<T extends string>(params: URLSearchParams, name: string, allowed: readonly T[]): T[] {
  const given = new Set(params.getAll(name));
  return allowed.filter((value) => given.has(value));
}

/** Non-empty values of a repeated free-text parameter, trimmed, once each, in the order given. */
function texts(params: URLSearchParams, name: string): string[] {
  return [...new Set(params.getAll(name).map((v) => v.trim()))].filter((v) => v !== '');
}

function days(value: string | null): number | null {
  if (value === null || value.trim() === '') return null;
  const n = Number(value);
  return Number.isInteger(n) && n >= 0 && n <= 100_000 ? n : null;
}

function text(value: string | null): string | null {
  const trimmed = value?.trim() ?? '';
  return trimmed === '' ? null : trimmed;
}

/** The statuses a URL names: `any` for all of them, else the known ones named, else the default. */
function readStatuses(params: URLSearchParams): Status[] {
  if (params.getAll('status').includes(ANY_STATUS)) return [];
  const named = pick(params, 'status', STATUSES);
  return named.length > 0 ? named : [...DEFAULT_STATUSES];
}

/** The filters a URL query names (the part of the hash after `?`). Unknown or malformed values are dropped. */
export function parseExplorerQuery(query: string): ExplorerFilters {
  const params = new URLSearchParams(query);
  const framework = text(params.get('framework'));
  const sort = params.get('sort');
  const state = params.get('state');
  return {
    search: params.get('search')?.trim() ?? '',
    framework,
    requirement: framework === null ? null : text(params.get('requirement')),
    severities: pick(params, 'severity', SEVERITIES),
    statuses: readStatuses(params),
    sources: pick(params, 'source', SOURCES),
    accounts: texts(params, 'account'),
    units: texts(params, 'ou'),
    regions: texts(params, 'region'),
    resourceTypes: texts(params, 'resource_type'),
    owners: texts(params, 'owner'),
    unowned: params.get('unowned') === '1',
    acceptance: days(params.get('acceptance')),
    minAge: days(params.get('min_age')),
    maxAge: days(params.get('max_age')),
    overdue: params.get('overdue') === '1',
    unmapped: params.get('unmapped') === '1',
    state: state === 'archived' || state === 'all' ? state : 'active',
    sort: (SORT_FIELDS as readonly string[]).includes(sort ?? '') ? (sort as SortField) : 'severity',
    reverse: params.get('reverse') === '1',
  };
}

/** The URL query for `filters`, leaving out what is at its default (so the plain explorer is `#/findings`). */
export function explorerQueryString(filters: ExplorerFilters): string {
  const params = new URLSearchParams();
  const search = filters.search.trim();
  if (search !== '') params.set('search', search);
  if (filters.framework !== null) {
    params.set('framework', filters.framework);
    if (filters.requirement !== null) params.set('requirement', filters.requirement);
  }
  for (const s of SEVERITIES.filter((s) => filters.severities.includes(s))) params.append('severity', s);
  if (filters.statuses.length === 0) params.set('status', ANY_STATUS);
  else if (!isDefaultStatuses(filters.statuses))
    for (const s of STATUSES.filter((s) => filters.statuses.includes(s))) params.append('status', s);
  for (const s of SOURCES.filter((s) => filters.sources.includes(s))) params.append('source', s);
  for (const a of filters.accounts) params.append('account', a);
  for (const u of filters.units) params.append('ou', u);
  for (const r of filters.regions) params.append('region', r);
  for (const t of filters.resourceTypes) params.append('resource_type', t);
  for (const o of filters.owners) params.append('owner', o);
  if (filters.unowned) params.set('unowned', '1');
  if (filters.acceptance !== null) params.set('acceptance', String(filters.acceptance));
  if (filters.minAge !== null) params.set('min_age', String(filters.minAge));
  if (filters.maxAge !== null) params.set('max_age', String(filters.maxAge));
  if (filters.overdue) params.set('overdue', '1');
  if (filters.unmapped) params.set('unmapped', '1');
  if (filters.state !== 'active') params.set('state', filters.state);
  if (filters.sort !== 'severity') params.set('sort', filters.sort);
  if (filters.reverse) params.set('reverse', '1');
  return params.toString();
}

/** Whether `statuses` is the explorer's default (failing only). */
export function isDefaultStatuses(statuses: readonly Status[]): boolean {
  return statuses.length === DEFAULT_STATUSES.length && DEFAULT_STATUSES.every((s) => statuses.includes(s));
}

/** The link to the explorer with these filters; anything not given is at its default. */
export function explorerHref(filters: Partial<ExplorerFilters> = {}): string {
  const query = explorerQueryString({ ...EMPTY_FILTERS, ...filters });
  return query === '' ? '#/findings' : `#/findings?${query}`;
}

/** The complete query the core's `findings_page` takes for one page of these filters. */
export function toFindingsQuery(filters: ExplorerFilters, page: number, pageSize: number = PAGE_SIZE): FindingsQuery {
  const search = filters.search.trim();
  return {
    search: search === '' ? null : search,
    sources: [...filters.sources],
    statuses: [...filters.statuses],
    severities: [...filters.severities],
    accounts: [...filters.accounts],
    units: [...filters.units],
    regions: [...filters.regions],
    resource_types: [...filters.resourceTypes],
    owners: [...filters.owners],
    unowned: filters.unowned,
    acceptance: filters.acceptance,
    record_state: filters.state === 'all' ? null : filters.state,
    framework: filters.framework,
    requirement: filters.framework === null ? null : filters.requirement,
    unmapped: filters.unmapped,
    min_age_days: filters.minAge,
    max_age_days: filters.maxAge,
    overdue_only: filters.overdue,
    sort: filters.sort,
    reverse: filters.reverse,
    page,
    page_size: pageSize,
  };
}

/**
 * How many filters differ from the starting point (search and sort not counted; the default
 * active state and failing status neither; every status counts as one).
 */
export function activeFilterCount(filters: ExplorerFilters): number {
  return (
    (filters.framework !== null ? 1 : 0) +
    (filters.requirement !== null ? 1 : 0) +
    filters.severities.length +
    (isDefaultStatuses(filters.statuses) ? 0 : Math.max(1, filters.statuses.length)) +
    filters.sources.length +
    filters.accounts.length +
    filters.units.length +
    filters.regions.length +
    filters.resourceTypes.length +
    filters.owners.length +
    (filters.unowned ? 1 : 0) +
    (filters.acceptance !== null ? 1 : 0) +
    (filters.minAge !== null ? 1 : 0) +
    (filters.maxAge !== null ? 1 : 0) +
    (filters.overdue ? 1 : 0) +
    (filters.unmapped ? 1 : 0) +
    (filters.state !== 'active' ? 1 : 0)
  );
}

/** The filters with every narrowing removed; the search goes too, the sort stays. */
export function clearedFilters(filters: ExplorerFilters): ExplorerFilters {
  return { ...EMPTY_FILTERS, sort: filters.sort, reverse: filters.reverse };
}

/** Splits what a user typed in a list field ("eu-west-1, us-east-1") into its values. */
export function splitList(value: string): string[] {
  return [...new Set(value.split(/[,\s]+/).map((v) => v.trim()))].filter((v) => v !== '');
}

/** `framework:requirement` (as findings list their requirements) split in two; null without a colon. */
export function splitRequirement(key: string): { framework: string; requirement: string } | null {
  const at = key.indexOf(':');
  if (at <= 0 || at === key.length - 1) return null;
  return { framework: key.slice(0, at), requirement: key.slice(at + 1) };
}
