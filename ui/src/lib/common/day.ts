/**
 * Days as people type them, for the date fields (DateField): the ISO form `2026-12-17` (also
 * with `/` or `.` between, and one-digit months and days), a month name with its day and year
 * (`17 Dec 2026`, `Dec 17, 2026`, `December 17 2026`), or nothing. Day-first and month-first
 * numbers (`17/12/2026`, `12/17/2026`) are not guessed: the same digits mean different days in
 * different places, so they are refused rather than read wrong. Pure functions.
 */

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** The ISO day (`YYYY-MM-DD`) for a year, month (1–12) and day, or null when there is no such day. */
export function isoDay(year: number, month: number, day: number): string | null {
  if (!Number.isInteger(year) || year < 1000 || year > 9999) return null;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return date.toISOString().slice(0, 10);
}

function monthNumber(word: string): number | null {
  const i = MONTHS.indexOf(word.slice(0, 3).toLowerCase());
  return word.length >= 3 && i >= 0 && MONTHS[i]!.startsWith(word.slice(0, 3).toLowerCase()) ? i + 1 : null;
}

/**
 * What a typed day means: `{ day }` with its ISO form, `{ empty }` for nothing typed, or
 * `{ problem }` saying what is wrong with it in words.
 */
export function readTypedDay(text: string): { day: string } | { empty: true } | { problem: string } {
  const t = text.trim();
  if (t === '') return { empty: true };
  let m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(t);
  if (m) {
    const day = isoDay(Number(m[1]), Number(m[2]), Number(m[3]));
    return day ? { day } : { problem: `${t} is not a day of the calendar` };
  }
  // 17 Dec 2026, 17 December, 2026
  m = /^(\d{1,2})\s*([A-Za-z]+)\.?,?\s*(\d{4})$/.exec(t);
  if (m) {
    const month = monthNumber(m[2]!);
    const day = month ? isoDay(Number(m[3]), month, Number(m[1])) : null;
    return day ? { day } : { problem: `${t} is not a day of the calendar` };
  }
  // Dec 17, 2026 / December 17 2026
  m = /^([A-Za-z]+)\.?\s*(\d{1,2}),?\s*(\d{4})$/.exec(t);
  if (m) {
    const month = monthNumber(m[1]!);
    const day = month ? isoDay(Number(m[3]), month, Number(m[2])) : null;
    return day ? { day } : { problem: `${t} is not a day of the calendar` };
  }
  if (/^\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}$/.test(t)) {
    return { problem: 'write the year first (2026-12-17) or the month in letters (17 Dec 2026)' };
  }
  return { problem: 'type a day as 2026-12-17 or 17 Dec 2026, or pick one' };
}

/** The days of a month's calendar page, weeks starting on Monday: null before the 1st and after the last. */
export function monthGrid(year: number, month: number): Array<Array<string | null>> {
  const first = new Date(Date.UTC(year, month - 1, 1));
  const lead = (first.getUTCDay() + 6) % 7;
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const cells: Array<string | null> = [];
  for (let i = 0; i < lead; i += 1) cells.push(null);
  for (let d = 1; d <= days; d += 1) cells.push(isoDay(year, month, d));
  while (cells.length % 7 !== 0) cells.push(null);
  const weeks: Array<Array<string | null>> = [];
  for (let i = 0; i < cells.length; i += 7) weeks.push(cells.slice(i, i + 7));
  return weeks;
}
