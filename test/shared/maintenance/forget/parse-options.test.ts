import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../../../../shared/core/index.js';
import {
  DEFAULT_FORGET_OPTIONS, isEmptyPolicy, parseForgetOptions, parseGroupBy,
} from '../../../../shared/maintenance/forget/index.js';

const usage = (flag: string) => (err: unknown): boolean => err instanceof UsageError && err.message.startsWith(flag);

describe('forget options', () => {
  test('defaults: empty policy, grouped by host and paths, no filters', () => {
    const opts = parseForgetOptions({});
    assert.deepEqual(opts, { ...DEFAULT_FORGET_OPTIONS, groupBy: { host: true, paths: true, tags: false } });
    assert.ok(isEmptyPolicy(opts));
  });

  test('reads counts, durations, tag lists, filters and group-by from strings or numbers', () => {
    const opts = parseForgetOptions({
      keepLast: '3', keepDaily: 7, keepWithin: '1y2m', keepWithinDaily: '10d', keepTag: ['a, b', ''],
      host: 'nas', hostname: ['laptop'], tag: 'daily', path: ['/home', '/etc'], groupBy: 'host,tags',
    });
    assert.equal(opts.keepLast, 3);
    assert.equal(opts.keepDaily, 7);
    assert.deepEqual(opts.keepWithin, { years: 1, months: 2, days: 0, hours: 0 });
    assert.deepEqual(opts.keepWithinDaily, { years: 0, months: 0, days: 10, hours: 0 });
    assert.deepEqual(opts.keepTags, [['a', 'b'], ['']]);
    assert.deepEqual(opts.hosts, ['nas', 'laptop']);
    assert.deepEqual(opts.tags, [['daily']]);
    assert.deepEqual(opts.paths, ['/home', '/etc']);
    assert.deepEqual(opts.groupBy, { host: true, paths: false, tags: true });
    assert.ok(!isEmptyPolicy(opts));
  });

  test('counts use Go integer syntax like restic\'s flags; a repeated value keeps the last', () => {
    assert.equal(parseForgetOptions({ keepLast: '0x10' }).keepLast, 16);
    assert.equal(parseForgetOptions({ keepLast: '010' }).keepLast, 8);
    assert.equal(parseForgetOptions({ keepLast: '1_000' }).keepLast, 1000);
    assert.equal(parseForgetOptions({ keepLast: '-1' }).keepLast, -1);
    assert.equal(parseForgetOptions({ keepLast: ['2', '5'] }).keepLast, 5);
  });

  test('a negative count makes the policy non-empty, as in restic 0.14', () => {
    assert.ok(!isEmptyPolicy(parseForgetOptions({ keepLast: '-1' })));
    assert.ok(isEmptyPolicy(parseForgetOptions({ keepLast: '0', keepWithin: '0d' })));
  });

  test('rejects bad values naming the flag', () => {
    assert.throws(() => parseForgetOptions({ keepWithin: '3x' }), (err: unknown) =>
      err instanceof UsageError && err.message.startsWith('--keep-within: "3x" is not a duration like 1y2m3d4h'));
    assert.throws(() => parseForgetOptions({ keepWithinMonthly: 3 }), usage('--keep-within-monthly:'));
    assert.throws(() => parseForgetOptions({ keepDaily: 'seven' }), usage('--keep-daily: "seven"'));
    assert.throws(() => parseForgetOptions({ keepDaily: '08' }), usage('--keep-daily:'));
    assert.throws(() => parseForgetOptions({ keepDaily: 1.5 }), usage('--keep-daily:'));
    assert.throws(() => parseForgetOptions({ groupBy: 'host, paths' }), usage('--group-by: unknown grouping option " paths"'));
    assert.throws(() => parseForgetOptions({ keepdaily: '7' }), usage('unknown forget option "keepdaily"'));
    assert.throws(() => parseForgetOptions({ toString: 'x' }), usage('unknown forget option "toString"'));
  });

  test('skips a job\'s own keys when told to', () => {
    assert.equal(parseForgetOptions({ dryRun: 'true', keepLast: '1' }, ['dryRun']).keepLast, 1);
  });

  test('group-by tokens: singular or plural, empty items ignored, "" is one group', () => {
    assert.deepEqual(parseGroupBy(''), { host: false, paths: false, tags: false });
    assert.deepEqual(parseGroupBy('hosts,path,,tag'), { host: true, paths: true, tags: true });
    assert.deepEqual(parseForgetOptions({ groupBy: ['host', 'tags'] }).groupBy, { host: true, paths: false, tags: true });
  });

  test('parsing leaves the defaults untouched', () => {
    parseForgetOptions({ host: 'x', keepTag: 'y', tag: 'z', path: '/p' });
    assert.deepEqual([DEFAULT_FORGET_OPTIONS.hosts, DEFAULT_FORGET_OPTIONS.keepTags, DEFAULT_FORGET_OPTIONS.tags, DEFAULT_FORGET_OPTIONS.paths], [[], [], [], []]);
  });
});
