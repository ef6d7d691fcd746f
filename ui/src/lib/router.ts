/**
 * Hash routing without a library: the window's location hash names the view, so links are
 * plain `<a href="#/…">`, and back/forward work through `hashchange`.
 *
 * - `#/overview` (also the empty hash): the Overview
 * - `#/frameworks`: the first framework; `#/frameworks/<id>`: one framework, `?at=YYYY-MM-DD`
 *   for its posture as of a past day
 * - `#/frameworks/<id>/<requirement id, URI-encoded>`: one requirement
 */

export type Route =
  | { view: 'overview' }
  | { view: 'framework'; framework: string | null; at: string | null }
  | { view: 'requirement'; framework: string; requirement: string }
  | { view: 'unknown'; path: string };

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
  if (raw === '' || raw === '/') return { view: 'overview' };
  if (!raw.startsWith('/')) return null;

  const q = raw.indexOf('?');
  const path = q === -1 ? raw : raw.slice(0, q);
  const query = q === -1 ? '' : raw.slice(q + 1);
  const segments = path.split('/').slice(1);
  if (segments.at(-1) === '') segments.pop();
  const [section, framework, requirement, ...rest] = segments;

  if (section === 'overview' && segments.length === 1) return { view: 'overview' };
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

export const overviewHref = '#/overview';

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
