import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { addDate, civilFromDays, daysFromCivil, isoWeek } from '../../../../shared/maintenance/forget/civil.js';

const date = (s: string): { year: number; month: number; day: number } => {
  const [year, month, day] = s.split('-').map(Number) as [number, number, number];
  return { year, month, day };
};
const iso = (days: number): string => {
  const d = civilFromDays(days);
  return `${String(d.year).padStart(4, '0')}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
};

describe('civil calendar', () => {
  test('day numbers agree with the Unix epoch and round-trip from year 1 to 9999', () => {
    assert.equal(daysFromCivil(1970, 1, 1), 0);
    assert.equal(daysFromCivil(2000, 3, 1), Date.UTC(2000, 2, 1) / 86400000);
    assert.equal(daysFromCivil(1, 1, 1), -719162); // Go's zero time
    for (let days = -719162; days < 2932896; days += 997) {
      const d = civilFromDays(days);
      assert.equal(daysFromCivil(d.year, d.month, d.day), days);
    }
  });

  test('ISO weeks around new year, as Go ISOWeek', () => {
    const cases: [string, number, number][] = [
      ['2020-12-31', 2020, 53], ['2021-01-03', 2020, 53], ['2021-01-04', 2021, 1], ['2024-12-29', 2024, 52],
      ['2024-12-30', 2025, 1], ['2025-12-28', 2025, 52], ['2025-12-29', 2026, 1], ['2026-01-01', 2026, 1],
      ['2027-01-01', 2026, 53], ['2027-01-03', 2026, 53], ['2027-01-04', 2027, 1], ['2016-01-03', 2015, 53],
      ['2008-12-29', 2009, 1], ['2010-01-03', 2009, 53], ['2024-02-29', 2024, 9],
    ];
    for (const [day, year, week] of cases) assert.deepEqual(isoWeek(date(day)), { year, week }, day);
  });

  test('addDate normalizes like Go AddDate: overflowing days run into the next month', () => {
    assert.equal(iso(addDate(date('2023-03-31'), 0, -1, 0)), '2023-03-03');
    assert.equal(iso(addDate(date('2024-03-31'), 0, -1, 0)), '2024-03-02');
    assert.equal(iso(addDate(date('2024-02-29'), -1, 0, 0)), '2023-03-01');
    assert.equal(iso(addDate(date('2024-02-29'), -4, 0, 0)), '2020-02-29');
    assert.equal(iso(addDate(date('2023-01-31'), 0, 1, 0)), '2023-03-03');
    assert.equal(iso(addDate(date('2023-05-31'), 0, -14, 0)), '2022-03-31');
    assert.equal(iso(addDate(date('2023-03-01'), 0, 0, -1)), '2023-02-28');
    assert.equal(iso(addDate(date('2023-03-31'), -1, -13, -40)), '2021-01-22'); // Feb 31 2021 = Mar 3, minus 40 days
    assert.equal(iso(addDate(date('0001-01-01'), -1, 0, 0)), '0000-01-01');
  });
});
