// Buckets: the calendar periods the counting rules of the forget policy work in. A rule keeps the newest
// snapshot of each of its n most recent buckets; two snapshots share a bucket when these functions give the
// same number. Like restic, they read the wall clock as written in the snapshot (its own UTC offset), so a
// snapshot taken at 00:30+05:30 belongs to that day even though it is the previous day in UTC.
import { isoWeek } from './civil.js';
import type { SnapshotTime } from './snapshot-time.js';

/** A bucket function: equal results mean "same period". `position` is the index in newest-first order. */
export type Bucketer = (time: SnapshotTime, position: number) => number;

/** lastBucket puts every snapshot in a bucket of its own (--keep-last). */
export const lastBucket: Bucketer = (_time, position) => position;

/** hourBucket is YYYYMMDDHH. */
export const hourBucket: Bucketer = (t) => t.year * 1_000_000 + t.month * 10_000 + t.day * 100 + t.hour;

/** dayBucket is YYYYMMDD. */
export const dayBucket: Bucketer = (t) => t.year * 10_000 + t.month * 100 + t.day;

/** weekBucket is ISO year × 100 + ISO week, so Jan 1 may share a bucket with the previous December. */
export const weekBucket: Bucketer = (t) => {
  const { year, week } = isoWeek(t);
  return year * 100 + week;
};

/** monthBucket is YYYYMM. */
export const monthBucket: Bucketer = (t) => t.year * 100 + t.month;

/** yearBucket is YYYY. */
export const yearBucket: Bucketer = (t) => t.year;
