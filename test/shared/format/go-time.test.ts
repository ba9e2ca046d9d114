process.env.TZ = 'Europe/Berlin';

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CorruptDataError } from '../../../shared/core/index.js';
import { formatGoTime, goTimeFromDate, isGoTime, localOffsetMinutes, parseGoTime, ZERO_GO_TIME } from '../../../shared/format/index.js';

const NS = 1_000_000_000n;

describe('formatGoTime', () => {
  test('writes RFC3339Nano with Z for a zero offset and trims trailing fraction zeros', () => {
    assert.equal(formatGoTime(1_795_683_916_549_262_154n, 0), '2026-11-26T09:05:16.549262154Z');
    assert.equal(formatGoTime(1_795_683_916_500_000_000n, 0), '2026-11-26T09:05:16.5Z');
    assert.equal(formatGoTime(1_795_683_916n * NS, 0), '2026-11-26T09:05:16Z');
    assert.equal(formatGoTime(1n, 0), '1970-01-01T00:00:00.000000001Z');
  });

  test('shows the wall clock in the given offset, east positive, with minutes', () => {
    assert.equal(formatGoTime(1_795_683_916n * NS, 120), '2026-11-26T11:05:16+02:00');
    assert.equal(formatGoTime(1_795_683_916n * NS, -330), '2026-11-26T03:35:16-05:30');
    assert.equal(formatGoTime(0n, -60), '1969-12-31T23:00:00-01:00');
  });

  test('handles instants before 1970 (negative nanoseconds) with a positive fraction', () => {
    assert.equal(formatGoTime(-1n, 0), '1969-12-31T23:59:59.999999999Z');
    assert.equal(formatGoTime(-500_000_000n, 0), '1969-12-31T23:59:59.5Z');
  });

  test('writes the zero time.Time as restic does', () => {
    assert.equal(formatGoTime(-62_135_596_800n * NS, 0), ZERO_GO_TIME);
  });

  test('clamps years outside 0..9999 like restic’s FixTime', () => {
    const year12000 = parseGoTime('9999-06-01T00:00:00Z').epochNs + 2001n * 365n * 86_400n * NS;
    assert.match(formatGoTime(year12000, 0), /^9999-/);
    assert.match(formatGoTime(-70_000_000_000n * NS, 0), /^0000-/);
  });

  test('rejects offsets that are not whole minutes within a day', () => {
    assert.throws(() => formatGoTime(0n, 1.5), RangeError);
    assert.throws(() => formatGoTime(0n, 24 * 60), RangeError);
  });
});

describe('parseGoTime', () => {
  test('reads instant and offset, inverse of formatGoTime on random instants and offsets', () => {
    for (let i = 0; i < 2000; i++) {
      const epochNs = BigInt(Math.floor((Math.random() - 0.3) * 2 ** 52)) * 1000n + BigInt(Math.floor(Math.random() * 1000));
      const offsetMinutes = Math.floor(Math.random() * 2 * 14 * 60) - 14 * 60;
      const s = formatGoTime(epochNs, offsetMinutes);
      assert.deepEqual(parseGoTime(s), { epochNs, offsetMinutes }, s);
    }
  });

  test('accepts 0 to 9 fraction digits and lower-offset forms', () => {
    assert.equal(parseGoTime('2022-01-01T10:00:00.1+00:00').epochNs, 1_641_031_200_100_000_000n);
    assert.equal(parseGoTime('2022-01-01T10:00:00.123456789-00:30').offsetMinutes, -30);
    assert.equal(parseGoTime(ZERO_GO_TIME).epochNs, -62_135_596_800n * NS);
  });

  test('rejects garbage and out-of-range fields with CorruptDataError', () => {
    for (const bad of [
      '', 'yesterday', '2022-01-01 10:00:00Z', '2022-01-01T10:00:00', '2022-13-01T10:00:00Z',
      '2022-02-29T10:00:00Z', '2022-01-01T24:00:00Z', '2022-01-01T10:60:00Z', '2022-01-01T10:00:60Z',
      '2022-01-01T10:00:00.Z', '2022-01-01T10:00:00.1234567890Z', '2022-01-01T10:00:00+24:00', '2022-01-01T10:00:00+0100',
    ]) {
      assert.throws(() => parseGoTime(bad), CorruptDataError, bad);
      assert.equal(isGoTime(bad), false);
    }
    assert.equal(isGoTime('2024-02-29T10:00:00Z'), true);
  });
});

describe('localOffsetMinutes', () => {
  test('is the system zone’s offset at that instant, following daylight saving time', () => {
    assert.equal(localOffsetMinutes(Date.UTC(2026, 0, 15)), 60);
    assert.equal(localOffsetMinutes(Date.UTC(2026, 6, 15)), 120);
    assert.equal(goTimeFromDate(new Date(Date.UTC(2026, 6, 15, 10, 0, 0, 250))), '2026-07-15T12:00:00.25+02:00');
  });
});
