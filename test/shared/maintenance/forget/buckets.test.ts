import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  dayBucket, hourBucket, lastBucket, monthBucket, weekBucket, yearBucket,
} from '../../../../shared/maintenance/forget/buckets.js';
import { parseSnapshotTime } from '../../../../shared/maintenance/forget/snapshot-time.js';

describe('buckets', () => {
  test('read the wall clock as written, not UTC', () => {
    const t = parseSnapshotTime('2022-01-01T00:30:00+05:30'); // 2021-12-31 19:00 UTC
    assert.equal(hourBucket(t, 0), 2022010100);
    assert.equal(dayBucket(t, 0), 20220101);
    assert.equal(monthBucket(t, 0), 202201);
    assert.equal(yearBucket(t, 0), 2022);
    assert.equal(weekBucket(t, 0), 202152, 'Saturday Jan 1 2022 is in ISO week 2021-W52');
  });

  test('weeks use ISO years at year ends', () => {
    assert.equal(weekBucket(parseSnapshotTime('2024-12-30T10:00:00Z'), 0), 202501);
    assert.equal(weekBucket(parseSnapshotTime('2021-01-03T23:00:00+05:30'), 0), 202053);
    assert.equal(weekBucket(parseSnapshotTime('2021-01-04T00:00:00-10:00'), 0), 202101);
  });

  test('last gives every position its own bucket', () => {
    const t = parseSnapshotTime('2022-01-01T00:00:00Z');
    assert.notEqual(lastBucket(t, 0), lastBucket(t, 1));
  });
});
