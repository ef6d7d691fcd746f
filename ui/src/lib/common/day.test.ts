import { describe, expect, it } from 'vitest';
import { isoDay, monthGrid, readTypedDay } from './day';

describe('readTypedDay', () => {
  it('reads the ISO form and its near spellings', () => {
    expect(readTypedDay('2026-12-17')).toEqual({ day: '2026-12-17' });
    expect(readTypedDay(' 2026/12/7 ')).toEqual({ day: '2026-12-07' });
    expect(readTypedDay('2026.1.2')).toEqual({ day: '2026-01-02' });
  });

  it('reads a month in letters either side of the day', () => {
    expect(readTypedDay('17 Dec 2026')).toEqual({ day: '2026-12-17' });
    expect(readTypedDay('Dec 17, 2026')).toEqual({ day: '2026-12-17' });
    expect(readTypedDay('december 17 2026')).toEqual({ day: '2026-12-17' });
    expect(readTypedDay('17 Sept. 2026')).toEqual({ day: '2026-09-17' });
  });

  it('says empty for nothing typed, never a day', () => {
    expect(readTypedDay('')).toEqual({ empty: true });
    expect(readTypedDay('   ')).toEqual({ empty: true });
  });

  it('refuses what is not a day, and numbers whose order it would have to guess', () => {
    expect(readTypedDay('2026-02-30')).toHaveProperty('problem');
    expect(readTypedDay('17 Foo 2026')).toHaveProperty('problem');
    expect(readTypedDay('12/17/2026')).toEqual({
      problem: 'write the year first (2026-12-17) or the month in letters (17 Dec 2026)',
    });
    expect(readTypedDay('2026-12')).toHaveProperty('problem');
  });
});

describe('calendar', () => {
  it('checks days exist', () => {
    expect(isoDay(2028, 2, 29)).toBe('2028-02-29');
    expect(isoDay(2026, 2, 29)).toBeNull();
    expect(isoDay(26, 1, 1)).toBeNull();
  });

  it('lays a month out in weeks from Monday', () => {
    const dec = monthGrid(2026, 12); // Dec 1, 2026 is a Tuesday
    expect(dec[0]).toEqual([null, '2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04', '2026-12-05', '2026-12-06']);
    expect(dec.at(-1)).toEqual(['2026-12-28', '2026-12-29', '2026-12-30', '2026-12-31', null, null, null]);
    expect(dec.flat().filter(Boolean)).toHaveLength(31);
  });
});
