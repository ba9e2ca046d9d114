import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, isZeroDuration, parseDuration } from '../../../../shared/maintenance/forget/duration.js';

describe('duration', () => {
  test('parses any subset of y m d h, in any order, as restic does', () => {
    assert.deepEqual(parseDuration('1y2m3d4h'), { years: 1, months: 2, days: 3, hours: 4 });
    assert.deepEqual(parseDuration('36h'), { years: 0, months: 0, days: 0, hours: 36 });
    assert.deepEqual(parseDuration(' 4h1y '), { years: 1, months: 0, days: 0, hours: 4 });
    assert.deepEqual(parseDuration('1d2d'), { years: 0, months: 0, days: 2, hours: 0 }, 'a repeated unit keeps its last value');
    assert.deepEqual(parseDuration('-1d'), { years: 0, months: 0, days: -1, hours: 0 });
    assert.ok(isZeroDuration(parseDuration('')));
    assert.ok(isZeroDuration(parseDuration('0y0d')));
    assert.ok(!isZeroDuration(parseDuration('1h')));
  });

  test('rejects malformed text with restic\'s reasons', () => {
    assert.throws(() => parseDuration('3x'), /invalid unit "x" found after number 3/);
    assert.throws(() => parseDuration('12'), /no unit found after number 12/);
    assert.throws(() => parseDuration('d'), /no number found/);
    assert.throws(() => parseDuration('1w'), /invalid unit "w"/);
    assert.throws(() => parseDuration('--1d'), /no number found/);
    assert.throws(() => parseDuration('1 d'), /invalid unit " "/);
  });

  test('formats non-zero parts in the order y m d h', () => {
    assert.equal(formatDuration(parseDuration('4h1y')), '1y4h');
    assert.equal(formatDuration(parseDuration('2m3d')), '2m3d');
    assert.equal(formatDuration(parseDuration('-1d')), '-1d');
    assert.equal(formatDuration(parseDuration('')), '');
  });
});
