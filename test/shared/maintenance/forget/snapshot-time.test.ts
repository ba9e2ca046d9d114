import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CorruptDataError } from '../../../../shared/core/index.js';
import {
  compareInstants, formatSnapshotTime, instantFromDate, parseSnapshotTime, wallClockAt, ZERO_TIME,
} from '../../../../shared/maintenance/forget/snapshot-time.js';

describe('snapshot time', () => {
  test('keeps the wall clock as written and computes the instant with its offset', () => {
    const t = parseSnapshotTime('2022-06-01T00:30:00.5+05:30');
    assert.deepEqual(
      { y: t.year, mo: t.month, d: t.day, h: t.hour, mi: t.minute, ns: t.nanosecond, off: t.offsetSeconds },
      { y: 2022, mo: 6, d: 1, h: 0, mi: 30, ns: 500_000_000, off: 19800 },
    );
    assert.equal(t.unixSeconds, Date.parse('2022-05-31T19:00:00Z') / 1000);
    assert.equal(parseSnapshotTime('2022-01-01T00:10:00+13:45').unixSeconds, Date.parse('2021-12-31T10:25:00Z') / 1000);
  });

  test('orders instants at nanosecond precision, ignoring offsets', () => {
    const a = parseSnapshotTime('2022-01-01T10:00:00.000000001Z');
    const b = parseSnapshotTime('2022-01-01T10:00:00.000000002Z');
    assert.ok(compareInstants(a, b) < 0);
    assert.equal(compareInstants(parseSnapshotTime('2022-01-01T12:00:00+02:00'), parseSnapshotTime('2022-01-01T10:00:00Z')), 0);
  });

  test('formats as Go does: trimmed fraction, Z for zero offset, nine digits at most', () => {
    assert.equal(formatSnapshotTime(parseSnapshotTime('2022-01-01T10:00:00.120000000+00:00')), '2022-01-01T10:00:00.12Z');
    assert.equal(formatSnapshotTime(parseSnapshotTime('2022-01-01T10:00:00.0000000019-03:30')), '2022-01-01T10:00:00.000000001-03:30');
    assert.equal(formatSnapshotTime(parseSnapshotTime('2026-11-26T09:05:16.549262154Z')), '2026-11-26T09:05:16.549262154Z');
    assert.equal(formatSnapshotTime(ZERO_TIME), '0001-01-01T00:00:00Z');
  });

  test('wallClockAt and instantFromDate agree with Date', () => {
    const t = wallClockAt(instantFromDate(new Date('2024-02-29T23:59:59.250Z')), -3600);
    assert.equal(formatSnapshotTime(t), '2024-02-29T22:59:59.25-01:00');
  });

  test('rejects what is not an RFC 3339 time, naming the snapshot', () => {
    for (const bad of ['2022-01-01 10:00:00Z', '2022-02-30T10:00:00Z', '2022-01-01T24:00:00Z', '2022-01-01T10:00:00', 'x']) {
      assert.throws(() => parseSnapshotTime(bad, 'snapshot abc'), (err: unknown) =>
        err instanceof CorruptDataError && err.message.startsWith('snapshot abc: time'), bad);
    }
  });
});
