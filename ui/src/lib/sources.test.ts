// The one list of sources: its order, names, and what an unknown source gets.
import { describe, expect, it } from 'vitest';
import { isSource, SOURCE_INFO, SOURCES, sourceRank, sourcesInOrder } from './sources';

describe('sources', () => {
  it('lists every source once, in the UI order, with its name', () => {
    expect(SOURCES).toEqual(['securityhub', 'inspector', 'config']);
    expect(SOURCE_INFO.map((s) => s.name)).toEqual(['Security Hub', 'Inspector', 'AWS Config']);
  });

  it('orders and filters lists of source ids', () => {
    expect(sourcesInOrder(['config', 'guardduty', 'securityhub'])).toEqual(['securityhub', 'config']);
    expect(['config', 'guardduty', 'inspector'].sort((a, b) => sourceRank(a) - sourceRank(b))).toEqual([
      'inspector',
      'config',
      'guardduty',
    ]);
    expect(isSource('inspector')).toBe(true);
    expect(isSource('guardduty')).toBe(false);
    expect(isSource('toString')).toBe(false);
  });
});
