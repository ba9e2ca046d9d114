// Proleptic Gregorian calendar arithmetic on plain day numbers, the way Go's time package does it: restic's
// forget policy buckets snapshots by calendar fields and moves "latest" back with time.AddDate, so we need
// Go's normalization (Mar 31 − 1 month = Mar 3) and ISO weeks without going through JS Date, whose
// Date.UTC maps years 0–99 to 1900–1999 and whose local-time methods depend on the process's zone.
// Day numbers themselves come from format/civil-date.ts, shared with Go time strings.

export { daysFromCivil, civilFromDays, type CivilDate } from '../../format/index.js';
import { daysFromCivil, civilFromDays, type CivilDate } from '../../format/index.js';

/**
 * addDate moves a date by whole years, months and days with Go's `time.AddDate` rules: years and months are
 * added to the fields first (months carry into years), then the day count is laid out from the first of the
 * resulting month, so a day that does not exist overflows into the next month (2023-03-31 − 1 month →
 * 2023-02-31 → 2023-03-03). Returns the day number (days since 1970-01-01).
 */
export function addDate(date: CivilDate, years: number, months: number, days: number): number {
  const monthIndex = date.month - 1 + months;
  const year = date.year + years + Math.floor(monthIndex / 12);
  const month = monthIndex - Math.floor(monthIndex / 12) * 12 + 1;
  return daysFromCivil(year, month, 1) + (date.day - 1) + days;
}

/**
 * isoWeek returns the ISO 8601 year and week of a date, as Go's `Time.ISOWeek`: weeks start on Monday and
 * week 1 is the week holding the year's first Thursday, so Jan 1–3 may belong to the previous year's week
 * 52/53 and Dec 29–31 to the next year's week 1.
 */
export function isoWeek(date: CivilDate): { year: number; week: number } {
  const days = daysFromCivil(date.year, date.month, date.day);
  // 1970-01-01 was a Thursday; mondayIndex is 0 on Mondays.
  const mondayIndex = (((days + 3) % 7) + 7) % 7;
  const thursday = days - mondayIndex + 3;
  const { year } = civilFromDays(thursday);
  return { year, week: Math.floor((thursday - daysFromCivil(year, 1, 1)) / 7) + 1 };
}
