// planPrune on small synthetic indexes: every pack decision of restic 0.14's algorithm, pinned by a golden
// file, plus the aborts (incomplete index, size mismatch, missing used pack) and the repack limits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { IndexBlob } from '../../../../shared/format/index.js';
import { expectedPackSize } from '../../../../shared/format/index.js';
import { CorruptDataError } from '../../../../shared/core/index.js';
import {
  blobKey, parsePruneOptions, planPrune, repackBatches, DEFAULT_PRUNE_OPTIONS, type ListedPack, type PruneOptions, type PruneState,
} from '../../../../shared/maintenance/prune/index.js';

const GOLDEN = fileURLToPath(new URL('./golden/small-plan.json', import.meta.url));
const MiB = 1024 * 1024;
const NOW = new Date('2024-05-01T12:00:00Z');

/** A fake ID: a tag letter and a number, padded to 64 hex digits. */
const id = (tag: string, n: number): string => (tag.charCodeAt(0).toString(16) + n.toString(16).padStart(4, '0')).padEnd(64, '0');

interface PackSpec {
  id: string;
  blobs: { type: 'data' | 'tree'; id: string; length: number; compressed?: boolean }[];
}

/** A little repository: packs with blobs laid out back to back; `used` names the used blobs. */
function state(packs: PackSpec[], used: string[], opts: { missing?: string[]; unreferenced?: ListedPack[]; sizeDelta?: Record<string, number> } = {}): PruneState {
  const entries: { packId: string; blob: IndexBlob }[] = [];
  const listing: ListedPack[] = [];
  for (const p of packs) {
    let offset = 0;
    const blobs: IndexBlob[] = p.blobs.map((b) => {
      const blob: IndexBlob = { id: b.id, type: b.type, offset, length: b.length };
      if (b.compressed !== false) blob.uncompressed_length = b.length * 2;
      offset += b.length;
      return blob;
    });
    for (const blob of blobs) entries.push({ packId: p.id, blob });
    const size = expectedPackSize(blobs.map((b) => ({ length: b.length, uncompressedLength: b.uncompressed_length })));
    if (!opts.missing?.includes(p.id)) listing.push({ id: p.id, size: size + (opts.sizeDelta?.[p.id] ?? 0) });
  }
  listing.push(...(opts.unreferenced ?? []));
  const usedSet = new Set(used.map((u) => (u.startsWith('t:') ? blobKey('tree', u.slice(2)) : blobKey('data', u))));
  return { repoVersion: 2, packSize: 16 * MiB, index: { entries: () => entries }, indexFiles: [id('i', 2), id('i', 1)], used: usedSet, listing };
}

/** The golden scenario: one pack of each kind of fate. */
function goldenState(): PruneState {
  const packs: PackSpec[] = [
    // fully used, large: keep
    { id: id('a', 1), blobs: [{ type: 'data', id: id('d', 1), length: 4 * MiB }, { type: 'data', id: id('d', 2), length: 4 * MiB }] },
    // nothing used: remove
    { id: id('a', 2), blobs: [{ type: 'data', id: id('d', 3), length: 2 * MiB }] },
    // half unused, large: repack (unused share above 5 %)
    { id: id('a', 3), blobs: [{ type: 'data', id: id('d', 4), length: 3 * MiB }, { type: 'data', id: id('d', 5), length: 3 * MiB }] },
    // tree pack with an unused tree: repack regardless of --max-unused
    { id: id('a', 4), blobs: [{ type: 'tree', id: id('t', 1), length: 1000 }, { type: 'tree', id: id('t', 2), length: 500 }] },
    // uncompressed tree pack, fully used: must be compressed, so repacked
    { id: id('a', 5), blobs: [{ type: 'tree', id: id('t', 3), length: 800, compressed: false }] },
    // holds a duplicate of d1 plus a used blob: the duplicate counts as unused here (d1's copy in a1 was chosen)
    { id: id('a', 6), blobs: [{ type: 'data', id: id('d', 1), length: 4 * MiB }, { type: 'data', id: id('d', 6), length: 4 * MiB }] },
    // small fully used pack (below 16 MiB/25), only one such: kept
    { id: id('a', 7), blobs: [{ type: 'data', id: id('d', 7), length: 1000 }] },
    // in the index, missing from storage, unused: dropped from the index
    { id: id('a', 8), blobs: [{ type: 'data', id: id('d', 8), length: 1000 }] },
  ];
  const used = [id('d', 1), id('d', 2), id('d', 4), id('d', 6), id('d', 7), 't:' + id('t', 1), 't:' + id('t', 3)];
  return state(packs, used, { missing: [id('a', 8)], unreferenced: [{ id: id('a', 9), size: 12345 }] });
}

test('golden: one decision per pack, with restic 0.14 reasons and counters', () => {
  const plan = planPrune(goldenState(), DEFAULT_PRUNE_OPTIONS, NOW);
  const actual = JSON.parse(JSON.stringify(plan)) as unknown;
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(GOLDEN, JSON.stringify(actual, null, 2) + '\n');
  assert.deepEqual(actual, JSON.parse(readFileSync(GOLDEN, 'utf8')));
  const byPack = Object.fromEntries(plan.decisions.map((d) => [d.packId.slice(0, 6), d.action]));
  assert.deepEqual(byPack, {
    '610001': 'keep', '610002': 'remove', '610003': 'repack', '610004': 'repack', '610005': 'repack',
    '610006': 'repack', '610007': 'keep', '610008': 'drop-missing', '610009': 'delete-unreferenced',
  });
});

test('repacked packs contribute each needed blob once; blobs with a copy in a kept pack are not copied', () => {
  const plan = planPrune(goldenState(), DEFAULT_PRUNE_OPTIONS, NOW);
  const keep = Object.fromEntries(plan.repack.map((r) => [r.packId.slice(0, 6), r.keep.map((b) => b.id.slice(0, 6))]));
  // tree packs first; a6's d1 has a copy in kept a1, so only d6 moves.
  assert.deepEqual(plan.repack.map((r) => r.packId.slice(0, 6)).slice(0, 2).sort(), ['610004', '610005']);
  assert.deepEqual(keep, { '610003': ['640004'], '610004': ['740001'], '610005': ['740003'], '610006': ['640006'] });
  const batches = repackBatches(plan.repack, 10 * MiB);
  assert.ok(batches.length >= 2, 'a 10 MiB batch limit splits the 14 MiB of repacked packs');
  assert.deepEqual(batches.flatMap((b) => b.packs.map((p) => p.packId)), plan.repack.map((r) => r.packId));
});

test('--max-unused unlimited keeps partly used data packs but still repacks tree packs', () => {
  const plan = planPrune(goldenState(), parsePruneOptions({ maxUnused: 'unlimited' }), NOW);
  const actions = Object.fromEntries(plan.decisions.map((d) => [d.packId.slice(0, 6), d.action]));
  assert.equal(actions['610003'], 'keep');
  assert.equal(actions['610006'], 'keep');
  assert.equal(actions['610004'], 'repack');
});

test('--repack-cacheable-only keeps data packs; --max-repack-size caps what is rewritten', () => {
  const cacheable = planPrune(goldenState(), parsePruneOptions({ repackCacheableOnly: true }), NOW);
  assert.deepEqual(cacheable.repack.map((r) => r.packId.slice(0, 6)).sort(), ['610004', '610005']);
  const capped = planPrune(goldenState(), parsePruneOptions({ maxRepackSize: '2k' }), NOW);
  assert.equal(capped.repack.length, 1, 'only the first tree pack fits under 2 KiB');
  assert.ok(capped.decisions.some((d) => d.reason === 'repack size limit reached'));
});

test('ten or more small packs are merged, fewer are left alone', () => {
  const small = (n: number): PackSpec[] => Array.from({ length: n }, (_, i) => ({ id: id('s', i), blobs: [{ type: 'data' as const, id: id('e', i), length: 5000 }] }));
  const used = (n: number): string[] => Array.from({ length: n }, (_, i) => id('e', i));
  assert.equal(planPrune(state(small(9), used(9)), DEFAULT_PRUNE_OPTIONS, NOW).repack.length, 0);
  assert.equal(planPrune(state(small(10), used(10)), DEFAULT_PRUNE_OPTIONS, NOW).repack.length, 10);
});

test('aborts before any decision when the index is incomplete, a used pack has the wrong size, or is missing', () => {
  const packs: PackSpec[] = [{ id: id('a', 1), blobs: [{ type: 'data', id: id('d', 1), length: 100 }] }];
  assert.throws(() => planPrune(state(packs, [id('d', 1), id('d', 99)]), DEFAULT_PRUNE_OPTIONS, NOW), (e: unknown) => e instanceof CorruptDataError && /index is not complete/.test(e.message));
  assert.throws(() => planPrune(state(packs, [id('d', 1)], { sizeDelta: { [id('a', 1)]: 7 } }), DEFAULT_PRUNE_OPTIONS, NOW), /rebuild-index/);
  assert.throws(() => planPrune(state(packs, [id('d', 1)], { missing: [id('a', 1)] }), DEFAULT_PRUNE_OPTIONS, NOW), /missing from storage/);
  // The same size mismatch on an unused pack is harmless: it is removed.
  const unused = planPrune(state(packs, [], { sizeDelta: { [id('a', 1)]: 7 } }), DEFAULT_PRUNE_OPTIONS, NOW);
  assert.equal(unused.decisions[0]!.action, 'remove');
});

test('parsePruneOptions reads restic syntax and names the flag it rejects', () => {
  const o: PruneOptions = parsePruneOptions({ maxUnused: '10%', maxRepackSize: '2G', repackSmall: 'true', dryRun: true });
  assert.deepEqual(o.maxUnused, { kind: 'percent', percent: 10 });
  assert.equal(o.maxRepackBytes, 2 * 1024 ** 3);
  assert.equal(o.repackSmall, true);
  assert.deepEqual(parsePruneOptions({ maxUnused: '100M' }).maxUnused, { kind: 'bytes', bytes: 100 * MiB });
  assert.throws(() => parsePruneOptions({ maxUnused: '100%' }), /--max-unused: .*below 100%/);
  assert.throws(() => parsePruneOptions({ maxUnused: 'lots' }), /--max-unused/);
  assert.throws(() => parsePruneOptions({ maxRepackSize: '1.5G' }), /--max-repack-size/);
  assert.throws(() => parsePruneOptions({ repackSmall: 'yes' }), /--repack-small/);
  assert.throws(() => parsePruneOptions({ maxUnsued: '5%' }), /unknown prune option "maxUnsued"/);
});
