// The explorer's URL query ↔ filters ↔ FindingsQuery, and the helpers around them.
import { describe, expect, it } from 'vitest';
import {
  activeFilterCount,
  clearedFilters,
  EMPTY_FILTERS,
  explorerHref,
  explorerQueryString,
  parseExplorerQuery,
  splitList,
  splitRequirement,
  toFindingsQuery,
  type ExplorerFilters,
} from './query';

const FULL: ExplorerFilters = {
  search: 'CVE-2024-3094 bucket',
  framework: 'hipaa',
  requirement: '164.312(b)',
  severities: ['CRITICAL', 'HIGH'],
  statuses: ['failed', 'passed'],
  sources: ['securityhub', 'inspector'],
  accounts: ['111122223333'],
  units: ['ou-ab12-11111111'],
  regions: ['eu-west-1', 'us-east-1'],
  resourceTypes: ['AwsS3Bucket'],
  owners: ['Payments platform team', 'A & B/#?'],
  unowned: true,
  acceptance: 7,
  minAge: 30,
  maxAge: 365,
  overdue: true,
  unmapped: false,
  state: 'all',
  sort: 'first_seen',
  reverse: true,
};

describe('explorer query', () => {
  it('is empty for the default filters', () => {
    expect(explorerQueryString(EMPTY_FILTERS)).toBe('');
    expect(explorerHref()).toBe('#/findings');
    expect(parseExplorerQuery('')).toEqual(EMPTY_FILTERS);
  });

  it('round-trips every filter through the URL', () => {
    expect(parseExplorerQuery(explorerQueryString(FULL))).toEqual(FULL);
    const odd = { ...EMPTY_FILTERS, search: 'a&b=c #x?', framework: 'custom fw', requirement: 'A/1?x=#y %' };
    expect(parseExplorerQuery(explorerQueryString(odd))).toEqual(odd);
  });

  it('reads a link from the Requirement view', () => {
    const filters = parseExplorerQuery('framework=hipaa&requirement=164.312(b)&status=failed');
    expect(filters).toEqual({ ...EMPTY_FILTERS, framework: 'hipaa', requirement: '164.312(b)', statuses: ['failed'] });
    expect(explorerHref({ framework: 'hipaa', requirement: '164.312(b)', statuses: ['failed'] })).toBe(
      '#/findings?framework=hipaa&requirement=164.312%28b%29',
    );
  });

  it('lists failing findings unless told otherwise, and every status for status=any', () => {
    expect(EMPTY_FILTERS.statuses).toEqual(['failed']);
    expect(parseExplorerQuery('').statuses).toEqual(['failed']);
    expect(parseExplorerQuery('status=any').statuses).toEqual([]);
    expect(parseExplorerQuery('status=passed').statuses).toEqual(['passed']);
    expect(explorerHref({ statuses: [] })).toBe('#/findings?status=any');
    expect(explorerHref({ statuses: ['passed', 'failed'] })).toBe('#/findings?status=failed&status=passed');
    expect(activeFilterCount(EMPTY_FILTERS)).toBe(0);
    expect(activeFilterCount({ ...EMPTY_FILTERS, statuses: [] })).toBe(1);
    expect(activeFilterCount({ ...EMPTY_FILTERS, statuses: ['passed'] })).toBe(1);
    expect(clearedFilters({ ...EMPTY_FILTERS, statuses: ['passed'] }).statuses).toEqual(['failed']);
  });

  it('carries owners and the unowned switch', () => {
    const filters = parseExplorerQuery('owner=Payments%20team&owner=Payments%20team&unowned=1');
    expect(filters.owners).toEqual(['Payments team']);
    expect(filters.unowned).toBe(true);
    expect(toFindingsQuery(filters, 1)).toMatchObject({ owners: ['Payments team'], unowned: true });
    expect(activeFilterCount(filters)).toBe(2);
  });

  it('drops unknown and malformed values, and a requirement without a framework', () => {
    const filters = parseExplorerQuery(
      'severity=SEVERE&severity=LOW&severity=LOW&status=broken&source=guardduty&min_age=-3&max_age=x&sort=random&state=gone&requirement=164.312(b)&account=%20&overdue=yes',
    );
    expect(filters).toEqual({ ...EMPTY_FILTERS, severities: ['LOW'] });
  });

  it('keeps severities in their fixed order whatever the URL says', () => {
    expect(parseExplorerQuery('severity=LOW&severity=CRITICAL').severities).toEqual(['CRITICAL', 'LOW']);
  });
});

describe('toFindingsQuery', () => {
  it('sends every field of FindingsQuery, with null, [] and false for the unused ones', () => {
    expect(toFindingsQuery(EMPTY_FILTERS, 1)).toEqual({
      search: null,
      sources: [],
      statuses: ['failed'],
      severities: [],
      accounts: [],
      units: [],
      regions: [],
      resource_types: [],
      owners: [],
      unowned: false,
      acceptance: null,
      record_state: 'active',
      framework: null,
      requirement: null,
      unmapped: false,
      min_age_days: null,
      max_age_days: null,
      overdue_only: false,
      sort: 'severity',
      reverse: false,
      page: 1,
      page_size: 200,
    });
  });

  it('maps every filter', () => {
    expect(toFindingsQuery(FULL, 3, 50)).toEqual({
      search: 'CVE-2024-3094 bucket',
      sources: ['securityhub', 'inspector'],
      statuses: ['failed', 'passed'],
      severities: ['CRITICAL', 'HIGH'],
      accounts: ['111122223333'],
      units: ['ou-ab12-11111111'],
      regions: ['eu-west-1', 'us-east-1'],
      resource_types: ['AwsS3Bucket'],
      owners: ['Payments platform team', 'A & B/#?'],
      unowned: true,
      acceptance: 7,
      record_state: null,
      framework: 'hipaa',
      requirement: '164.312(b)',
      unmapped: false,
      min_age_days: 30,
      max_age_days: 365,
      overdue_only: true,
      sort: 'first_seen',
      reverse: true,
      page: 3,
      page_size: 50,
    });
    expect(toFindingsQuery({ ...EMPTY_FILTERS, state: 'archived', search: '   ' }, 1).record_state).toBe('archived');
    expect(toFindingsQuery({ ...EMPTY_FILTERS, search: '   ' }, 1).search).toBeNull();
  });
});

describe('helpers', () => {
  it('counts and clears filters, keeping the sort', () => {
    expect(activeFilterCount(EMPTY_FILTERS)).toBe(0);
    expect(activeFilterCount(FULL)).toBe(21);
    expect(clearedFilters(FULL)).toEqual({ ...EMPTY_FILTERS, sort: 'first_seen', reverse: true });
  });

  it('splits typed lists and requirement keys', () => {
    expect(splitList(' eu-west-1, us-east-1 eu-west-1,,')).toEqual(['eu-west-1', 'us-east-1']);
    expect(splitRequirement('gdpr:Art.32(1)(b)')).toEqual({ framework: 'gdpr', requirement: 'Art.32(1)(b)' });
    expect(splitRequirement('x:a:b')).toEqual({ framework: 'x', requirement: 'a:b' });
    expect(splitRequirement('nocolon')).toBeNull();
    expect(splitRequirement(':x')).toBeNull();
  });
});
