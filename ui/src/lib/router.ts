/**
 * Hash routing without a library: the window's location hash names the view, so links are
 * plain `<a href="#/…">`, and back/forward work through `hashchange`.
 *
 * - `#/overview` (also the empty hash): the Overview; `?ou=<id>` for the accounts of one
 *   organizational unit (and the OUs below it)
 * - `#/frameworks`: the first framework; `#/frameworks/<id>`: one framework, `?at=YYYY-MM-DD`
 *   for its posture as of a past day
 * - `#/frameworks/<id>/<requirement id, URI-encoded>`: one requirement
 * - `#/findings?…`: the findings explorer; the query string is its whole state (see
 *   `findings/query.ts`), so Back, Forward and reload restore a search
 * - `#/trends?days=N&until=YYYY-MM-DD&weekly=1`: trends over `days` days ending `until`
 *   (default: 90 days ending today, daily)
 * - `#/exceptions?filter=expiring|all`: risk acceptances (default: the active ones);
 *   `#/exceptions/audit`: the audit log
 * - `#/owners`: remediation owners (failing findings per owner, the assignments); a tab of the
 *   Exceptions section
 * - `#/attestations`: every manual requirement with where its attestation stands
 * - `#/settings`: the workspace settings
 * - `#/sync`: sync from AWS, with where each source stands
 */

export type Route =
  | { view: 'overview'; unit: string | null }
  | { view: 'framework'; framework: string | null; at: string | null }
  | { view: 'requirement'; framework: string; requirement: string }
  | { view: 'findings'; query: string }
  | { view: 'trends'; range: TrendRange }
  | { view: 'exceptions'; filter: ExceptionFilter }
  | { view: 'audit' }
  | { view: 'owners' }
  | { view: 'attestations' }
  | { view: 'settings' }
  | { view: 'sync' }
  | { view: 'unknown'; path: string };

/** Which risk acceptances the Exceptions view lists: active ones, those expiring within 14 days, or all. */
export type ExceptionFilter = 'active' | 'expiring' | 'all';

const EXCEPTION_FILTERS: readonly ExceptionFilter[] = ['active', 'expiring', 'all'];

/** The period the Trends view shows: `days` days ending with `until` (null: today). */
export type TrendRange = { days: number; until: string | null; weekly: boolean };

/** The range the Trends view opens with. */
export const DEFAULT_TREND_RANGE: TrendRange = { days: 90, until: null, weekly: false };

/** The longest range the core accepts, in days. */
export const MAX_TREND_DAYS = 3660;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    // A malformed escape ("%E0%A4%A") is kept as it was typed rather than failing the route.
    return segment;
  }
}

/**
 * The route a location hash names. Returns null for a hash that is not a route (an in-page
 * anchor such as `#main`): the current view stays.
 */
export function parseRoute(hash: string): Route | null {
  const raw = hash.startsWith('#') ? hash.slice(1) : hash;
  if (raw === '' || raw === '/') return { view: 'overview', unit: null };
  if (!raw.startsWith('/')) return null;

  const q = raw.indexOf('?');
  const path = q === -1 ? raw : raw.slice(0, q);
  const query = q === -1 ? '' : raw.slice(q + 1);
  const segments = path.split('/').slice(1);
  if (segments.at(-1) === '') segments.pop();
  const [section, framework, requirement, ...rest] = segments;

  if (section === 'overview' && segments.length === 1) {
    const unit = new URLSearchParams(query).get('ou')?.trim() ?? '';
    return { view: 'overview', unit: unit === '' ? null : unit };
  }
  if (section === 'findings' && segments.length === 1) return { view: 'findings', query };
  if (section === 'trends' && segments.length === 1) return { view: 'trends', range: parseTrendRange(query) };
  if (section === 'exceptions' && segments.length === 1) {
    const filter = new URLSearchParams(query).get('filter') as ExceptionFilter | null;
    return { view: 'exceptions', filter: filter !== null && EXCEPTION_FILTERS.includes(filter) ? filter : 'active' };
  }
  if (section === 'exceptions' && segments.length === 2 && segments[1] === 'audit') return { view: 'audit' };
  if (section === 'owners' && segments.length === 1) return { view: 'owners' };
  if (section === 'attestations' && segments.length === 1) return { view: 'attestations' };
  if (section === 'settings' && segments.length === 1) return { view: 'settings' };
  if (section === 'sync' && segments.length === 1) return { view: 'sync' };
  if (section === 'frameworks' && rest.length === 0) {
    if (framework === undefined) return { view: 'framework', framework: null, at: null };
    if (requirement === undefined) {
      const at = new URLSearchParams(query).get('at');
      return { view: 'framework', framework: decode(framework), at: at !== null && DAY.test(at) ? at : null };
    }
    return { view: 'requirement', framework: decode(framework), requirement: decode(requirement) };
  }
  return { view: 'unknown', path };
}

function parseTrendRange(query: string): TrendRange {
  const params = new URLSearchParams(query);
  const days = Number(params.get('days'));
  const until = params.get('until');
  return {
    days: Number.isInteger(days) && days >= 1 && days <= MAX_TREND_DAYS ? days : DEFAULT_TREND_RANGE.days,
    until: until !== null && DAY.test(until) ? until : null,
    weekly: params.get('weekly') === '1',
  };
}

export const overviewHref = '#/overview';

/** The Overview of one organizational unit's accounts (null: the whole workspace). */
export function overviewOf(unit: string | null): string {
  return unit === null ? overviewHref : `${overviewHref}?ou=${encodeURIComponent(unit)}`;
}

/** The link to the Trends view for a range; the default range gives the bare `#/trends`. */
export function trendsHref(range: TrendRange = DEFAULT_TREND_RANGE): string {
  const params = new URLSearchParams();
  if (range.days !== DEFAULT_TREND_RANGE.days) params.set('days', String(range.days));
  if (range.until !== null) params.set('until', range.until);
  if (range.weekly) params.set('weekly', '1');
  const query = params.toString();
  return query === '' ? '#/trends' : `#/trends?${query}`;
}

/** The link to the Exceptions view with a filter; the default (active) gives the bare `#/exceptions`. */
export function exceptionsHref(filter: ExceptionFilter = 'active'): string {
  return filter === 'active' ? '#/exceptions' : `#/exceptions?filter=${filter}`;
}

export const auditHref = '#/exceptions/audit';

/** The Owners tab of the Exceptions section. */
export const ownersHref = '#/owners';

export const attestationsHref = '#/attestations';

export const settingsHref = '#/settings';

export const syncHref = '#/sync';

/** The link to a framework (or to the frameworks section when `id` is null), optionally as of a past day. */
export function frameworkHref(id: string | null, at: string | null = null): string {
  const base = id === null ? '#/frameworks' : `#/frameworks/${encodeURIComponent(id)}`;
  return at ? `${base}?at=${encodeURIComponent(at)}` : base;
}

/** The link to one requirement of a framework. */
export function requirementHref(framework: string, requirement: string): string {
  return `#/frameworks/${encodeURIComponent(framework)}/${encodeURIComponent(requirement)}`;
}

/** Goes to `href` as a new history entry (so Back returns here). */
export function navigate(href: string): void {
  window.location.hash = href.startsWith('#') ? href.slice(1) : href;
}

/**
 * Goes to `href` in place of the current history entry (for edits such as typing a search,
 * where each keystroke should not become a Back step). `replaceState` fires no `hashchange`,
 * so one is sent for the shell to follow.
 */
export function replaceRoute(href: string): void {
  const hash = href.startsWith('#') ? href : `#${href}`;
  if (window.location.hash === hash) return;
  const old = window.location.href;
  window.history.replaceState(window.history.state, '', hash);
  window.dispatchEvent(new HashChangeEvent('hashchange', { oldURL: old, newURL: window.location.href }));
}
