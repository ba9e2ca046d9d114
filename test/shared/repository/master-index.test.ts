// MasterIndex against a naive model (arrays of plain objects) on random operations, plus the edge cases
// the model cannot reach: malformed input, hash collisions, page and table growth, and the memory budget.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CorruptDataError, type BlobType } from '../../../shared/core/index.js';
import { MasterIndex, type BlobLocation, type IndexedBlob, type IndexedBlobInput } from '../../../shared/repository/master-index.js';

/** A small seeded PRNG (mulberry32), so a failure reproduces from the seed in its message. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

function randomId(rand: () => number): string {
  let s = '';
  for (let i = 0; i < 32; i++) s += Math.floor(rand() * 256).toString(16).padStart(2, '0');
  return s;
}

function blob(id: string, type: BlobType, offset: number, length = 100, ulen = 0): IndexedBlob {
  const b: IndexedBlob = { id, type, offset, length };
  if (ulen > 0) b.uncompressed_length = ulen;
  return b;
}

interface ModelEntry {
  packId: string;
  blob: IndexedBlob;
}

/** The obviously correct version: a list of entries in insertion order, scanned for every question. */
class Model {
  readonly packs: string[] = [];
  entries: ModelEntry[] = [];

  addPack(packId: string, blobs: readonly IndexedBlob[]): void {
    if (!this.packs.includes(packId)) this.packs.push(packId);
    for (const b of blobs) {
      const dup = this.entries.some((e) => e.packId === packId && e.blob.id === b.id && e.blob.type === b.type);
      if (!dup) this.entries.push({ packId, blob: { ...b } });
    }
  }

  removePacks(ids: string[]): void {
    const drop = new Set(ids);
    this.entries = this.entries.filter((e) => !drop.has(e.packId));
    for (let i = this.packs.length - 1; i >= 0; i--) if (drop.has(this.packs[i]!)) this.packs.splice(i, 1);
  }

  lookupAll(type: BlobType, id: string): BlobLocation[] {
    return this.entries
      .filter((e) => e.blob.type === type && e.blob.id === id)
      .map((e) => ({
        packId: e.packId,
        type,
        offset: e.blob.offset,
        length: e.blob.length,
        uncompressedLength: e.blob.uncompressed_length ?? 0,
      }));
  }

  get blobCount(): number {
    return new Set(this.entries.map((e) => `${e.blob.type}:${e.blob.id}`)).size;
  }

  packBlobs(packId: string): IndexedBlob[] {
    return this.entries.filter((e) => e.packId === packId).map((e) => e.blob).sort((a, b) => a.offset - b.offset);
  }

  ordered(): ModelEntry[] {
    return this.packs.flatMap((p) => this.entries.filter((e) => e.packId === p));
  }
}

/** Random input forms of one hex ID: as given, upper case, or raw bytes. */
function anyForm(id: string, rand: () => number): string | Uint8Array {
  const r = rand();
  if (r < 0.2) return Buffer.from(id, 'hex');
  if (r < 0.3) return id.toUpperCase();
  return id;
}

function assertSameAsModel(index: MasterIndex, model: Model, probeIds: string[], rand: () => number, full: boolean): void {
  assert.equal(index.entryCount, model.entries.length, 'entryCount');
  assert.equal(index.blobCount, model.blobCount, 'blobCount');
  assert.equal(index.packCount, model.packs.length, 'packCount');
  for (const id of probeIds) {
    for (const type of ['data', 'tree'] as const) {
      const want = model.lookupAll(type, id);
      assert.deepEqual(index.lookupAll(type, anyForm(id, rand)), want, `lookupAll ${type} ${id}`);
      assert.deepEqual(index.lookup(type, anyForm(id, rand)), want[0], `lookup ${type} ${id}`);
      assert.equal(index.has(type, anyForm(id, rand)), want.length > 0, `has ${type} ${id}`);
    }
  }
  if (!full) return;
  assert.deepEqual([...index.packIds()], model.packs, 'packIds');
  assert.deepEqual([...index.entries()], model.ordered(), 'entries');
  for (const p of model.packs) {
    assert.ok(index.hasPack(anyForm(p, rand)), `hasPack ${p}`);
    assert.deepEqual(index.packBlobs(p), model.packBlobs(p), `packBlobs ${p}`);
  }
}

describe('MasterIndex', () => {
  for (const [seed, pageShift] of [[1, 2], [2, 3], [3, 16], [4, 0]] as const) {
    test(`matches the naive model on random adds, re-adds and removals (seed ${seed}, pages of ${2 ** pageShift})`, () => {
      const rand = prng(seed);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
      // Few IDs and packs, so blobs repeat across packs, packs are re-added, and IDs occur as both types.
      const blobIds = Array.from({ length: 400 }, () => randomId(rand));
      const packIds = Array.from({ length: 120 }, () => randomId(rand));
      const absent = Array.from({ length: 20 }, () => randomId(rand));
      const index = new MasterIndex({ pageShift });
      const model = new Model();
      let largest = 0;

      for (let step = 0; step < 300; step++) {
        if (rand() < 0.12 && model.packs.length > 0) {
          const victims = Array.from({ length: 1 + Math.floor(rand() * 6) }, () => pick(model.packs));
          victims.push(pick(absent)); // unknown packs are ignored
          model.removePacks(victims);
          index.removePacks(victims.map((v) => anyForm(v, rand)));
        } else {
          const packId = pick(packIds);
          const count = Math.floor(rand() * 30); // includes empty packs
          const blobs: IndexedBlob[] = [];
          for (let i = 0; i < count; i++) {
            const type = rand() < 0.3 ? 'tree' : 'data';
            blobs.push(blob(pick(blobIds), type, Math.floor(rand() * 2 ** 32), 1 + Math.floor(rand() * 1000), rand() < 0.5 ? 0 : 1 + Math.floor(rand() * 5000)));
          }
          // Offsets unique per pack keep packBlobs' order well defined.
          const taken = new Set(model.packBlobs(packId).map((b) => b.offset));
          const fresh = blobs.filter((b) => !taken.has(b.offset) && (taken.add(b.offset), true));
          model.addPack(packId, fresh);
          index.addPack(anyForm(packId, rand), fresh.map((b): IndexedBlobInput => ({ ...b, id: anyForm(b.id, rand) })));
        }
        const probe = Array.from({ length: 25 }, () => pick(blobIds)).concat(pick(absent));
        assertSameAsModel(index, model, probe, rand, step % 25 === 0);
        largest = Math.max(largest, model.entries.length);
      }
      assertSameAsModel(index, model, blobIds.concat(absent), rand, true);
      assert.ok(largest > 500, `the run built a sizeable index (${largest} entries at most)`);
    });
  }

  test('keeps a data blob and a tree blob with the same ID apart', () => {
    const index = new MasterIndex();
    const id = 'ab'.repeat(32);
    const pack = 'cd'.repeat(32);
    index.addPack(pack, [blob(id, 'data', 0, 10, 20), blob(id, 'tree', 10, 5)]);
    assert.equal(index.blobCount, 2);
    assert.deepEqual(index.lookup('data', id), { packId: pack, type: 'data', offset: 0, length: 10, uncompressedLength: 20 });
    assert.deepEqual(index.lookup('tree', id), { packId: pack, type: 'tree', offset: 10, length: 5, uncompressedLength: 0 });
    index.addPack('ef'.repeat(32), [blob(id, 'tree', 0, 5)]);
    assert.equal(index.lookupAll('tree', id).length, 2);
    assert.equal(index.lookupAll('data', id).length, 1);
  });

  test('stores the same blob in the same pack once, keeping the first offset', () => {
    const index = new MasterIndex();
    const id = '11'.repeat(32);
    const pack = '22'.repeat(32);
    index.addPack(pack, [blob(id, 'data', 0), blob(id, 'data', 500)]);
    index.addPack(pack, [blob(id, 'data', 900)]);
    assert.equal(index.entryCount, 1);
    assert.equal(index.packCount, 1);
    assert.equal(index.lookup('data', id)?.offset, 0);
  });

  test('finds every blob when IDs collide in the hash (same first and last words)', () => {
    const index = new MasterIndex({ pageShift: 3 });
    // Bytes 0..3 and 28..31 equal: every ID lands on the same home slot, so lookups walk long probe runs.
    const ids = Array.from({ length: 300 }, (_, i) => `deadbeef${i.toString(16).padStart(48, '0')}cafef00d`);
    for (let p = 0; p < 30; p++) {
      index.addPack(p.toString(16).padStart(64, '0'), ids.slice(p * 10, p * 10 + 10).map((id, k) => blob(id, 'data', k * 100)));
    }
    for (const [i, id] of ids.entries()) {
      assert.equal(index.lookup('data', id)?.offset, (i % 10) * 100, id);
      assert.equal(index.has('tree', id), false);
    }
    assert.equal(index.has('data', `deadbeef${'f'.repeat(48)}cafef00d`), false);
    index.removePacks([(3).toString(16).padStart(64, '0')]);
    assert.equal(index.has('data', ids[35]!), false);
    assert.equal(index.has('data', ids[45]!), true);
    assert.equal(index.blobCount, 290);
  });

  test('grows across many rehashes and pages: 200,000 blobs all found, absent IDs not', () => {
    const rand = prng(99);
    const index = new MasterIndex();
    const ids: string[] = [];
    for (let p = 0; p < 2000; p++) {
      const blobs: IndexedBlobInput[] = [];
      for (let i = 0; i < 100; i++) {
        const id = randomId(rand);
        ids.push(id);
        blobs.push({ id: Buffer.from(id, 'hex'), type: 'data', offset: i * 1000, length: 1000 });
      }
      index.addPack(randomId(rand), blobs);
    }
    assert.equal(index.blobCount, 200_000);
    for (const [i, id] of ids.entries()) {
      const loc = index.lookup('data', id);
      assert.ok(loc !== undefined && loc.offset === (i % 100) * 1000, `blob ${i} found`);
    }
    for (let i = 0; i < 1000; i++) assert.equal(index.has('data', randomId(rand)), false);
  });

  test('stays within 64 bytes per blob (DESIGN §9) just after the hash table doubles, in packs of 16', () => {
    // 0.75 × 2^19 = 393,216 entries fill the table; one pack more doubles it, the worst moment for slots.
    const rand = prng(7);
    const index = new MasterIndex();
    const raw = new Uint8Array(32);
    const packs = Math.floor(0.75 * 2 ** 19 / 16) + 1;
    for (let p = 0; p < packs; p++) {
      const blobs: IndexedBlobInput[] = [];
      for (let i = 0; i < 16; i++) {
        for (let k = 0; k < 32; k++) raw[k] = rand() * 256;
        blobs.push({ id: raw.slice(), type: 'data', offset: i * 1000, length: 1000, uncompressed_length: 2000 });
      }
      for (let k = 0; k < 32; k++) raw[k] = rand() * 256;
      index.addPack(raw, blobs);
    }
    const perBlob = index.memoryBytes() / index.entryCount;
    assert.ok(perBlob <= 64, `memoryBytes per blob ${perBlob.toFixed(1)}`);
    assert.ok(perBlob >= 48 + 8, `memoryBytes counts the records and the doubled table (${perBlob.toFixed(1)})`);
  });

  test('removePacks keeps the survivors in order and accepts new packs afterwards', () => {
    const index = new MasterIndex({ pageShift: 1 });
    const id = '33'.repeat(32);
    const [a, b, c] = ['aa', 'bb', 'cc'].map((x) => x.repeat(32)) as [string, string, string];
    index.addPack(a, [blob(id, 'data', 1)]);
    index.addPack(b, [blob(id, 'data', 2), blob('44'.repeat(32), 'tree', 3)]);
    index.addPack(c, [blob(id, 'data', 3)]);
    index.removePacks([a, 'not an id', new Uint8Array(3)]);
    assert.deepEqual(index.lookupAll('data', id).map((l) => l.packId), [b, c]);
    assert.equal(index.hasPack(a), false);
    assert.deepEqual([...index.packIds()], [b, c]);
    index.removePacks([b, c]);
    assert.deepEqual([index.entryCount, index.blobCount, index.packCount], [0, 0, 0]);
    index.addPack(a, [blob(id, 'tree', 7)]);
    assert.deepEqual(index.lookup('tree', id), { packId: a, type: 'tree', offset: 7, length: 100, uncompressedLength: 0 });
  });

  test('lists a pack added with no blobs, and omits uncompressed_length for uncompressed blobs', () => {
    const index = new MasterIndex();
    const empty = '55'.repeat(32);
    index.addPack(empty, []);
    assert.ok(index.hasPack(empty));
    assert.deepEqual(index.packBlobs(empty), []);
    const pack = '66'.repeat(32);
    index.addPack(pack, [blob('77'.repeat(32), 'data', 50, 10), blob('88'.repeat(32), 'data', 0, 50, 80)]);
    assert.deepEqual(index.packBlobs(pack), [
      { id: '88'.repeat(32), type: 'data', offset: 0, length: 50, uncompressed_length: 80 },
      { id: '77'.repeat(32), type: 'data', offset: 50, length: 10 },
    ]);
    assert.equal('uncompressed_length' in index.packBlobs(pack)[1]!, false);
    assert.deepEqual(index.packBlobs('99'.repeat(32)), []);
  });

  describe('rejects malformed entries atomically', () => {
    const good = blob('12'.repeat(32), 'data', 0);
    const cases: Array<[string, string | Uint8Array, IndexedBlobInput]> = [
      ['a short pack ID', 'ab'.repeat(31), good],
      ['a non-hex pack ID', `${'ab'.repeat(31)}zz`, good],
      ['a raw pack ID of 31 bytes', new Uint8Array(31), good],
      ['a blob ID with a non-hex digit', 'cd'.repeat(32), { ...good, id: `g${'0'.repeat(63)}` }],
      ['a blob ID with a non-ASCII character', 'cd'.repeat(32), { ...good, id: `\u0130${'0'.repeat(63)}` }],
      ['a blob ID of 65 digits', 'cd'.repeat(32), { ...good, id: '0'.repeat(65) }],
      ['an unknown type', 'cd'.repeat(32), { ...good, type: 'index' as BlobType }],
      ['a negative offset', 'cd'.repeat(32), { ...good, offset: -1 }],
      ['a fractional length', 'cd'.repeat(32), { ...good, length: 1.5 }],
      ['a length of 2^32', 'cd'.repeat(32), { ...good, length: 2 ** 32 }],
      ['a string uncompressed_length', 'cd'.repeat(32), { ...good, uncompressed_length: '5' as unknown as number }],
    ];
    for (const [name, packId, bad] of cases) {
      test(name, () => {
        const index = new MasterIndex();
        index.addPack('ef'.repeat(32), [good]);
        assert.throws(() => index.addPack(packId, [blob('34'.repeat(32), 'data', 0), bad]), CorruptDataError);
        assert.deepEqual([index.entryCount, index.packCount, index.has('data', '34'.repeat(32))], [1, 1, false]);
      });
    }
  });

  test('finds nothing for malformed or unknown lookups instead of throwing', () => {
    const index = new MasterIndex();
    index.addPack('ab'.repeat(32), [blob('00'.repeat(32), 'data', 0)]);
    assert.equal(index.lookup('data', '00'.repeat(31)), undefined);
    assert.deepEqual(index.lookupAll('data', 'xyz'), []);
    assert.equal(index.has('data', new Uint8Array(31)), false);
    assert.equal(index.has('blob' as BlobType, '00'.repeat(32)), false);
    assert.equal(index.hasPack('zz'), false);
  });
});
