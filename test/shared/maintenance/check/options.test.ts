import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../../../../shared/core/index.js';
import { batchPacks, parseCheckOptions, selectPacks, type PackToRead } from '../../../../shared/maintenance/check/index.js';

describe('parseCheckOptions', () => {
  test('reads CLI flags and event options alike', () => {
    assert.deepEqual(parseCheckOptions({}), { readData: false });
    assert.deepEqual(parseCheckOptions({ readData: true }), { readData: true });
    assert.deepEqual(parseCheckOptions({ readData: 'true' }), { readData: true });
    assert.deepEqual(parseCheckOptions({ readDataSubset: '2%' }), { readData: false, readDataSubset: { kind: 'percent', percent: 2 } });
    assert.deepEqual(parseCheckOptions({ readDataSubset: '2.5%' }).readDataSubset, { kind: 'percent', percent: 2.5 });
    assert.deepEqual(parseCheckOptions({ readDataSubset: '1/5' }).readDataSubset, { kind: 'group', n: 1, t: 5 });
    assert.deepEqual(parseCheckOptions({ readDataSubset: '2G' }).readDataSubset, { kind: 'size', bytes: 2 * 1024 ** 3 });
    assert.deepEqual(parseCheckOptions({ readDataSubset: '500m' }).readDataSubset, { kind: 'size', bytes: 500 * 1024 ** 2 });
    assert.deepEqual(parseCheckOptions({ readDataSubset: '4096' }).readDataSubset, { kind: 'size', bytes: 4096 });
  });

  test('rejects bad values with a message naming the flag', () => {
    for (const bad of ['0/5', '6/5', '1/257', '0%', '101%', '-1', '2X', '', 'abc', '1/2/3']) {
      assert.throws(() => parseCheckOptions({ readDataSubset: bad }), (e: unknown) => e instanceof UsageError && /--read-data-subset/.test(e.message), bad);
    }
    assert.throws(() => parseCheckOptions({ readData: 'yes' }), /--read-data: "yes"/);
    assert.throws(() => parseCheckOptions({ readData: true, readDataSubset: '1/2' }), /cannot be used together/);
    assert.throws(() => parseCheckOptions({ readDataSubsets: '1/2' }), /unknown check option "readDataSubsets"/);
    assert.deepEqual(parseCheckOptions({ dryRun: true }, ['dryRun']), { readData: false });
  });
});

const packs: PackToRead[] = Array.from({ length: 256 }, (_, i) => ({ id: i.toString(16).padStart(2, '0') + 'ab'.repeat(31), size: 1000 + i }));

/** A deterministic random source (a linear congruential generator) so selections are reproducible. */
function seeded(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

describe('selectPacks', () => {
  test('n/t groups by the first ID byte and covers every pack exactly once', () => {
    const seen = new Set<string>();
    for (let n = 1; n <= 5; n++) {
      const group = selectPacks(packs, { readData: false, readDataSubset: { kind: 'group', n, t: 5 } }, Math.random);
      for (const p of group) {
        assert.equal(parseInt(p.id.slice(0, 2), 16) % 5, n - 1);
        assert.ok(!seen.has(p.id));
        seen.add(p.id);
      }
    }
    assert.equal(seen.size, packs.length);
  });

  test('a share takes that many packs at random, at least one; the random source decides which', () => {
    const opts = { readData: false, readDataSubset: { kind: 'percent', percent: 10 } } as const;
    const a = selectPacks(packs, opts, seeded(1));
    assert.equal(a.length, 26);
    assert.deepEqual(selectPacks(packs, opts, seeded(1)), a, 'same source, same packs');
    assert.notDeepEqual(selectPacks(packs, opts, seeded(2)), a);
    assert.equal(new Set(a.map((p) => p.id)).size, a.length);
    assert.equal(selectPacks(packs.slice(0, 3), { readData: false, readDataSubset: { kind: 'percent', percent: 1 } }, seeded(3)).length, 1);
  });

  test('a size takes random packs up to that many bytes, at least one', () => {
    const chosen = selectPacks(packs, { readData: false, readDataSubset: { kind: 'size', bytes: 10_000 } }, seeded(4));
    const total = chosen.reduce((n, p) => n + p.size, 0);
    assert.ok(total <= 10_000 && total > 10_000 - 1300, `total ${total}`);
    assert.equal(selectPacks(packs, { readData: false, readDataSubset: { kind: 'size', bytes: 1 } }, seeded(5)).length, 1);
  });

  test('--read-data takes every pack; no option reads none', () => {
    assert.equal(selectPacks(packs, { readData: true }, Math.random).length, packs.length);
    assert.equal(selectPacks(packs, { readData: false }, Math.random).length, 0);
  });
});

describe('batchPacks', () => {
  test('cuts packs into items of about the given size, keeping order', () => {
    const items = batchPacks(packs.slice(0, 10), 3000);
    assert.deepEqual(items.map((i) => i.packs.length), [2, 2, 2, 2, 2]);
    assert.deepEqual(items.flatMap((i) => i.packs), packs.slice(0, 10));
    assert.deepEqual(batchPacks([{ id: 'x', size: 10_000 }], 3000).map((i) => i.packs.length), [1], 'a large pack is an item alone');
    assert.deepEqual(batchPacks([]), []);
  });
});
