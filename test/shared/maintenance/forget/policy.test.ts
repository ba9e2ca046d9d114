import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  applyExpirePolicy, applyPolicy, parseForgetOptions, type SnapshotEntry,
} from '../../../../shared/maintenance/forget/index.js';
import { snap } from './fixtures.js';

const NOW = new Date('2026-01-01T00:00:00Z');
const decide = (list: SnapshotEntry[], raw: Record<string, string | string[]>, now = NOW) =>
  applyExpirePolicy(list, parseForgetOptions(raw), now);
const times = (list: SnapshotEntry[]): string[] => list.map((e) => e.snapshot.time);

describe('applyExpirePolicy', () => {
  test('an empty policy keeps everything, newest first, with restic\'s reason', () => {
    const list = [snap('2022-01-01T00:00:00Z'), snap('2023-01-01T00:00:00Z')];
    const r = decide(list, {});
    assert.deepEqual(times(r.keep), ['2023-01-01T00:00:00Z', '2022-01-01T00:00:00Z']);
    assert.deepEqual(r.remove, []);
    assert.deepEqual(r.reasons.map((x) => [x.matches, x.counters]), [[['policy is empty'], {}], [['policy is empty'], {}]]);
  });

  test('sorts newest first by instant, stable for equal instants', () => {
    const a = snap('2022-01-01T12:00:00+02:00');
    const b = snap('2022-01-01T10:00:00Z'); // the same instant as a
    const c = snap('2022-01-01T10:30:00Z');
    assert.deepEqual(decide([a, b, c], { keepLast: '2' }).keep, [c, a]);
    assert.deepEqual(decide([b, a, c], { keepLast: '2' }).keep, [c, b]);
  });

  test('counting rules keep the newest of each of the n newest buckets and report the counters left', () => {
    const list = [
      snap('2022-01-03T09:00:00Z'), snap('2022-01-03T08:00:00Z'), snap('2022-01-02T20:00:00Z'), snap('2022-01-01T20:00:00Z'),
    ];
    const r = decide(list, { keepLast: '1', keepDaily: '2' });
    assert.deepEqual(times(r.keep), ['2022-01-03T09:00:00Z', '2022-01-02T20:00:00Z']);
    assert.deepEqual(r.reasons.map((x) => [x.matches, x.counters]), [
      [['last snapshot', 'daily snapshot'], { daily: 1 }],
      [['daily snapshot'], {}],
    ]);
  });

  test('days are the days written in the snapshot\'s own offset', () => {
    const late = snap('2022-06-01T23:30:00-05:00'); // June 2 in UTC
    const early = snap('2022-06-01T01:00:00Z');
    const r = decide([early, late], { keepDaily: '5' });
    assert.deepEqual(r.keep, [late]);
    assert.deepEqual(r.remove, [early]);
  });

  test('reasons come in restic\'s order: tags, within, counts, periods within', () => {
    const r = decide([snap('2025-06-01T00:00:00Z', { tags: ['b', 'a'] })], {
      keepWithinDaily: '2d', keepYearly: '1', keepLast: '3', keepWithin: '1d', keepTag: ['a,b', 'b', 'c'],
    });
    assert.deepEqual(r.reasons[0]?.matches, [
      'has tags [a, b]', 'has tags [b]', 'within 1d', 'last snapshot', 'yearly snapshot', 'daily within 2d',
    ]);
    assert.deepEqual(r.reasons[0]?.counters, { last: 2 });
  });

  test('a negative count keeps nothing but shows in the counters (restic 0.14)', () => {
    const r = decide([snap('2022-01-02T00:00:00Z'), snap('2022-01-01T00:00:00Z')], { keepLast: '-1', keepDaily: '1' });
    assert.equal(r.keep.length, 1);
    assert.deepEqual(r.reasons[0]?.counters, { last: -1 });
  });

  test('within is strictly after latest minus the duration, with Go month arithmetic', () => {
    const list = [
      snap('2023-03-31T10:00:00+05:30'), snap('2023-03-03T10:00:00.000000001+05:30'),
      snap('2023-03-03T10:00:00+05:30'), snap('2023-02-28T10:00:00+05:30'),
    ];
    assert.deepEqual(times(decide(list, { keepWithin: '1m' }).keep), ['2023-03-31T10:00:00+05:30', '2023-03-03T10:00:00.000000001+05:30']);
    assert.deepEqual(times(decide(list, { keepWithin: '28d' }).keep), ['2023-03-31T10:00:00+05:30', '2023-03-03T10:00:00.000000001+05:30']);
    assert.equal(decide(list, { keepWithin: '28d1h' }).keep.length, 3);
  });

  test('latest ignores snapshots in the future; if all are, every snapshot is within', () => {
    const future = snap('2027-01-01T00:00:00Z');
    const past = snap('2025-12-30T00:00:00Z');
    const older = snap('2025-12-28T00:00:00Z');
    const r = decide([future, past, older], { keepWithin: '1d' });
    assert.deepEqual(r.keep, [future, past]);
    assert.deepEqual(r.reasons.map((x) => x.matches), [['within 1d'], ['within 1d']]);
    const allFuture = decide([future, snap('2026-06-01T00:00:00Z')], { keepWithin: '1h' }, NOW);
    assert.equal(allFuture.keep.length, 2);
  });

  test('periods within keep the newest of every period inside the span, with no count', () => {
    const list = ['2025-12-31T10:00:00Z', '2025-12-31T09:00:00Z', '2025-12-30T23:00:00Z', '2025-12-29T09:00:00Z', '2025-12-28T09:00:00Z'].map((t) => snap(t));
    const r = decide(list, { keepWithinDaily: '3d' });
    assert.deepEqual(times(r.keep), ['2025-12-31T10:00:00Z', '2025-12-30T23:00:00Z', '2025-12-29T09:00:00Z']);
    assert.deepEqual(r.reasons[0]?.matches, ['daily within 3d']);
  });
});

describe('applyPolicy', () => {
  test('applies the policy to each group separately, after filtering', () => {
    const list = [
      snap('2022-01-01T00:00:00Z', { hostname: 'a' }), snap('2022-01-02T00:00:00Z', { hostname: 'a' }),
      snap('2022-01-01T00:00:00Z', { hostname: 'b' }), snap('2022-01-01T00:00:00Z', { hostname: 'c' }),
    ];
    const groups = applyPolicy(list, parseForgetOptions({ keepLast: '1', host: ['a', 'b'] }), NOW);
    assert.deepEqual(groups.map((g) => [g.host, g.paths, g.tags, g.keep.length, g.remove.length]), [
      ['a', ['/data'], null, 1, 1],
      ['b', ['/data'], null, 1, 0],
    ]);
  });
});
