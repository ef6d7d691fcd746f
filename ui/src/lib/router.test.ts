// Hash routes: what each hash names, and the links the views build.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TREND_RANGE,
  exceptionsHref,
  frameworkHref,
  parseRoute,
  requirementHref,
  trendsHref,
} from './router';

describe('parseRoute', () => {
  it.each([
    ['', { view: 'overview', unit: null }],
    ['#', { view: 'overview', unit: null }],
    ['#/', { view: 'overview', unit: null }],
    ['#/overview', { view: 'overview', unit: null }],
    ['#/overview?ou=ou-ab12-11111111', { view: 'overview', unit: 'ou-ab12-11111111' }],
    ['#/overview?ou=', { view: 'overview', unit: null }],
    ['#/frameworks', { view: 'framework', framework: null, at: null }],
    ['#/frameworks/', { view: 'framework', framework: null, at: null }],
    ['#/frameworks/hipaa', { view: 'framework', framework: 'hipaa', at: null }],
    ['#/frameworks/hipaa?at=2026-09-30', { view: 'framework', framework: 'hipaa', at: '2026-09-30' }],
    ['#/frameworks/hipaa?at=yesterday', { view: 'framework', framework: 'hipaa', at: null }],
    ['#/frameworks/hipaa/164.312(b)', { view: 'requirement', framework: 'hipaa', requirement: '164.312(b)' }],
    ['#/frameworks/gdpr/Art.5(1)(f)', { view: 'requirement', framework: 'gdpr', requirement: 'Art.5(1)(f)' }],
    ['#/frameworks/x/a%2Fb%3Fc', { view: 'requirement', framework: 'x', requirement: 'a/b?c' }],
    ['#/frameworks/x/%E0%A4%A', { view: 'requirement', framework: 'x', requirement: '%E0%A4%A' }],
    ['#/findings', { view: 'findings', query: '' }],
    ['#/findings?severity=HIGH&search=s3', { view: 'findings', query: 'severity=HIGH&search=s3' }],
    ['#/findings/x', { view: 'unknown', path: '/findings/x' }],
    ['#/trends', { view: 'trends', range: { days: 90, until: null, weekly: false } }],
    ['#/trends?days=365&weekly=1', { view: 'trends', range: { days: 365, until: null, weekly: true } }],
    ['#/trends?days=14&until=2026-10-01', { view: 'trends', range: { days: 14, until: '2026-10-01', weekly: false } }],
    ['#/trends?days=0&until=soon', { view: 'trends', range: { days: 90, until: null, weekly: false } }],
    ['#/trends?days=9999', { view: 'trends', range: { days: 90, until: null, weekly: false } }],
    ['#/frameworks/a/b/c', { view: 'unknown', path: '/frameworks/a/b/c' }],
    ['#/exceptions', { view: 'exceptions', filter: 'active' }],
    ['#/exceptions?filter=expiring', { view: 'exceptions', filter: 'expiring' }],
    ['#/exceptions?filter=all', { view: 'exceptions', filter: 'all' }],
    ['#/exceptions?filter=nonsense', { view: 'exceptions', filter: 'active' }],
    ['#/exceptions/audit', { view: 'audit' }],
    ['#/exceptions/other', { view: 'unknown', path: '/exceptions/other' }],
    ['#/owners', { view: 'owners' }],
    ['#/owners/', { view: 'owners' }],
    ['#/owners/x', { view: 'unknown', path: '/owners/x' }],
    ['#/attestations', { view: 'attestations' }],
    ['#/attestations/x', { view: 'unknown', path: '/attestations/x' }],
    ['#/settings', { view: 'settings' }],
    ['#/sync', { view: 'sync' }],
    ['#/sync/', { view: 'sync' }],
    ['#/sync/now', { view: 'unknown', path: '/sync/now' }],
  ])('%s', (hash, route) => {
    expect(parseRoute(hash)).toEqual(route);
  });

  it('ignores in-page anchors such as the skip link', () => {
    expect(parseRoute('#main')).toBeNull();
  });
});

describe('links', () => {
  it('round-trip through parseRoute, whatever the ids contain', () => {
    for (const [fw, req] of [
      ['hipaa', '164.308(a)(1)(ii)(D)'],
      ['gdpr', 'Art.32(1)(a)'],
      ['custom fw', 'A/1?x=#y %'],
    ] as const) {
      expect(parseRoute(requirementHref(fw, req))).toEqual({ view: 'requirement', framework: fw, requirement: req });
      expect(parseRoute(frameworkHref(fw))).toEqual({ view: 'framework', framework: fw, at: null });
      expect(parseRoute(frameworkHref(fw, '2026-03-31'))).toEqual({ view: 'framework', framework: fw, at: '2026-03-31' });
    }
    expect(frameworkHref(null)).toBe('#/frameworks');
  });

  it('builds Trends links that parse back to the same range', () => {
    expect(trendsHref()).toBe('#/trends');
    expect(trendsHref(DEFAULT_TREND_RANGE)).toBe('#/trends');
    for (const range of [
      { days: 30, until: null, weekly: false },
      { days: 365, until: null, weekly: true },
      { days: 61, until: '2026-08-31', weekly: false },
    ]) {
      expect(parseRoute(trendsHref(range))).toEqual({ view: 'trends', range });
    }
  });
});

describe('exceptionsHref', () => {
  it('leaves the default filter out and round-trips the others', () => {
    expect(exceptionsHref()).toBe('#/exceptions');
    for (const filter of ['active', 'expiring', 'all'] as const) {
      expect(parseRoute(exceptionsHref(filter))).toEqual({ view: 'exceptions', filter });
    }
  });
});
