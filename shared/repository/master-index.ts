// The master index: every blob of every pack the repository's index files list, in memory, answering "is
// this blob stored, and where?" for backup (dedup), restore (read) and prune/check (per-pack listings).
//
// A 1 TiB repository has millions of blobs, so nothing here is an object per blob. A blob is one record of
// 12 Uint32 words in paged typed arrays — its ID (8 words), then the pack number with the type in the top
// bit, offset, length, uncompressed length — plus one Uint32 slot in an open-addressing hash table at load
// ≤ 0.75: 48 bytes + 5.3–10.7 bytes of slots per entry, and ~48 bytes per pack. bench/index.ts measured
// 57 bytes/blob with 100 blobs per pack, 60 with 16 (restic 0.14's 16 MiB packs), 69 with 4 (old 4 MiB packs). ID and fields share a record so a lookup touches one or two adjacent cache lines, not two arrays.
// Pack IDs are stored once each in a PackTable.
//
// As restic does, a blob found in several packs keeps one entry per pack (all are alternatives for
// reading); the same (type, ID, pack) is stored once. Data and tree blobs with the same ID are different
// blobs.
import { CorruptDataError, type BlobType, type Id } from '../core/index.js';
import { ID_WORDS, IdScratch, slotHash } from './master-index-id.js';
import { DEFAULT_PAGE_SHIFT, PagedWords } from './master-index-pages.js';
import { PackTable } from './master-index-packs.js';
import { SlotTable } from './master-index-slots.js';

/** Where one copy of a blob is stored. */
export interface BlobLocation {
  packId: Id;
  type: BlobType;
  /** Byte offset of the encrypted blob in the pack. */
  offset: number;
  /** Length of the encrypted blob in the pack. */
  length: number;
  /** Length after decryption and decompression; 0 = the blob is not compressed. */
  uncompressedLength: number;
}

/** One blob of a pack as the index file lists it (restic's field names; `uncompressed_length` only if > 0). */
export interface IndexedBlob {
  id: Id;
  type: BlobType;
  offset: number;
  length: number;
  uncompressed_length?: number;
}

/**
 * A blob to add: an index file's blob entry, or the same with the ID as 32 raw bytes (what the backup
 * pipeline has in hand, which skips hex formatting and parsing).
 */
export interface IndexedBlobInput {
  id: Id | Uint8Array;
  type: BlobType;
  offset: number;
  length: number;
  uncompressed_length?: number | undefined;
}

export interface MasterIndexOptions {
  /**
   * log2 of the records per storage page. Default 13 (8,192 blobs, 384 KiB per page). Tests lower it to
   * cross page boundaries with few blobs.
   */
  pageShift?: number;
}

/** Record layout: words 0..7 the ID, then these. */
const META = 8; // pack number | TREE_BIT
const OFFSET = 9;
const LENGTH = 10;
const ULEN = 11;
const RECORD_WORDS = 12;
const TREE_BIT = 0x80000000;
const PACK_MASK = 0x7fffffff;
/** Staging buffers for packs up to this many blobs are kept between addPack calls. */
const KEPT_STAGING_BLOBS = 4096;

/**
 * MasterIndex is the in-memory union of all index files. It is not safe to mutate while iterating
 * (`packIds`, `entries`): collect first, then add or remove. IDs are given as 64 hex digits (either case)
 * or as 32 raw bytes wherever `Id | Uint8Array` is accepted; IDs returned are lower-case hex.
 */
export class MasterIndex {
  private readonly records: PagedWords;
  private readonly table = new SlotTable();
  private readonly packs: PackTable;
  /** Scratch for the ID being looked up, the pack being added, and formatting output. */
  private readonly q = new IdScratch();
  private readonly pq = new IdScratch();
  private readonly fmt = new IdScratch();
  private staging = new Uint32Array(0);
  private distinct = 0;
  /** Set by probeFree: the probe passed an entry with the same (type, ID) in another pack. */
  private sawSameBlob = false;
  /** Set by probeFree: the hash of the ID probed for, to build the slot's entry. */
  private probedHash = 0;

  constructor(options: MasterIndexOptions = {}) {
    const pageShift = options.pageShift ?? DEFAULT_PAGE_SHIFT;
    this.records = new PagedWords(RECORD_WORDS, pageShift);
    this.packs = new PackTable(pageShift);
  }

  /** Number of distinct (type, ID) blobs. */
  get blobCount(): number {
    return this.distinct;
  }

  /** Number of entries: (type, ID, pack) triples; ≥ blobCount when blobs are stored in several packs. */
  get entryCount(): number {
    return this.records.length;
  }

  /** Number of packs, including packs added with no blobs. */
  get packCount(): number {
    return this.packs.count;
  }

  /**
   * addPack adds all blobs of one pack, as read from an index file or just written. A (type, ID) already
   * present for this pack is skipped, so adding the same pack twice stores each blob once; the first
   * offset/length wins. A blob already present in other packs gains this pack as one more location. The
   * call is atomic: if any entry is malformed (bad ID or type, or a number that is not an integer in
   * 0..2^32-1), it throws CorruptDataError and the index is unchanged.
   */
  addPack(packId: Id | Uint8Array, blobs: readonly IndexedBlobInput[]): void {
    if (!this.pq.load(packId)) throw new CorruptDataError(`index lists a pack with a malformed ID ${describeId(packId)}: IDs are 64 hex digits`);
    const n = blobs.length;
    const staging = this.stagingFor(n);
    for (let i = 0; i < n; i++) {
      const b = blobs[i]!;
      if (!this.q.load(b.id)) throw this.badEntry(b, 'a malformed blob ID');
      if (b.type !== 'data' && b.type !== 'tree') throw this.badEntry(b, `unknown blob type ${JSON.stringify(b.type)}`);
      if (!isUint32(b.offset) || !isUint32(b.length) || !(b.uncompressed_length === undefined || isUint32(b.uncompressed_length))) {
        throw this.badEntry(b, 'an offset or length that is not an integer in 0..2^32-1');
      }
      staging.set(this.q.words, i * ID_WORDS);
    }

    const pack = this.packs.findOrAdd(this.pq);
    for (let i = 0; i < n; i++) {
      const b = blobs[i]!;
      const typeBit = b.type === 'tree' ? 1 : 0;
      // Grow before probing, so the slot found stays valid.
      if (this.records.length >= this.table.limit) this.rehash(this.records.length + 1);
      const slot = this.probeFree(typeBit, staging, i * ID_WORDS, pack);
      if (slot < 0) continue;
      const r = this.records.append();
      const f = this.records.page(r);
      const at = this.records.at(r);
      // A word loop, not set(subarray()): a view object per blob was a measurable share of insert time.
      for (let k = 0, from = i * ID_WORDS; k < ID_WORDS; k++) f[at + k] = staging[from + k]!;
      f[at + META] = pack | (typeBit << 31);
      f[at + OFFSET] = b.offset;
      f[at + LENGTH] = b.length;
      f[at + ULEN] = b.uncompressed_length ?? 0;
      this.table.slots[slot] = this.table.entry(this.probedHash, r);
      if (!this.sawSameBlob) this.distinct++;
      this.packs.noteRecord(pack, r);
    }
  }

  /**
   * lookup returns the first location of a blob: the earliest added entry still present. undefined when the
   * blob is not indexed (a malformed ID is never indexed).
   */
  lookup(type: BlobType, id: Id | Uint8Array): BlobLocation | undefined {
    const r = this.findRecords(type, id, undefined);
    return r < 0 ? undefined : this.location(r);
  }

  /** lookupAll returns every location of a blob, earliest added first; [] when it is not indexed. */
  lookupAll(type: BlobType, id: Id | Uint8Array): BlobLocation[] {
    const records: number[] = [];
    this.findRecords(type, id, records);
    return records.map((r) => this.location(r));
  }

  /**
   * has tells whether a blob is indexed. This is the backup's dedup check: with a raw 32-byte ID it does
   * no string work at all.
   */
  has(type: BlobType, id: Id | Uint8Array): boolean {
    return this.findRecords(type, id, undefined) >= 0;
  }

  /** hasPack tells whether the pack was added (even with no blobs) and not removed. */
  hasPack(packId: Id | Uint8Array): boolean {
    return this.pq.load(packId) && this.packs.find(this.pq) >= 0;
  }

  /** packIds yields every pack ID, in the order the packs were first added. */
  *packIds(): IterableIterator<Id> {
    for (let p = 0; p < this.packs.count; p++) {
      this.packs.loadId(p, this.fmt);
      yield this.fmt.hex();
    }
  }

  /** packBlobs returns the blobs of one pack in offset order; [] for an unknown pack. */
  packBlobs(packId: Id | Uint8Array): IndexedBlob[] {
    if (!this.pq.load(packId)) return [];
    const p = this.packs.find(this.pq);
    if (p < 0) return [];
    return this.packs.records(p, []).map((r) => this.indexedBlob(r)).sort((a, b) => a.offset - b.offset);
  }

  /**
   * entries yields every entry, pack by pack in the order packs were first added, and within a pack in the
   * order its blobs were added: what index files and prune need.
   */
  *entries(): IterableIterator<{ packId: Id; blob: IndexedBlob }> {
    for (let p = 0; p < this.packs.count; p++) {
      this.packs.loadId(p, this.fmt);
      const packId = this.fmt.hex();
      for (const r of this.packs.records(p, [])) yield { packId, blob: this.indexedBlob(r) };
    }
  }

  /**
   * removePacks forgets the given packs and every entry in them (prune, index rebuild). Unknown or
   * malformed IDs are ignored. Surviving entries keep their order, so lookup's "first location" stays the
   * earliest added survivor. Runs in O(entries), compacting in place: no second copy of the index is built.
   */
  removePacks(packIds: Iterable<Id | Uint8Array>): void {
    const drop = new Set<number>();
    for (const id of packIds) {
      if (!this.pq.load(id)) continue;
      const p = this.packs.find(this.pq);
      if (p >= 0) drop.add(p);
    }
    if (drop.size === 0) return;
    const renumber = this.packs.removeAndRenumber(drop);

    const records = this.records;
    const n = records.length;
    let kept = 0;
    for (let r = 0; r < n; r++) {
      const meta = records.page(r)[records.at(r) + META]!;
      const pack = renumber[meta & PACK_MASK]!;
      if (pack < 0) continue;
      if (kept !== r) records.copy(r, kept);
      records.page(kept)[records.at(kept) + META] = pack | (meta & TREE_BIT);
      this.packs.noteRecord(pack, kept);
      kept++;
    }
    records.truncate(kept);

    this.table.reset(kept);
    this.distinct = 0;
    for (let r = 0; r < kept; r++) {
      const page = records.page(r);
      const at = records.at(r);
      const slot = this.probeFree(page[at + META]! >>> 31, page, at, -1);
      this.table.slots[slot] = this.table.entry(this.probedHash, r);
      if (!this.sawSameBlob) this.distinct++;
    }
  }

  /**
   * memoryBytes is the memory held by the index's typed arrays (records, hash tables, packs, scratch),
   * plus an estimate for the rare extra pack runs. It excludes the fixed cost of the JS objects themselves.
   */
  memoryBytes(): number {
    return this.records.byteLength() + this.table.byteLength() + this.packs.byteLength() + this.staging.byteLength;
  }

  /**
   * findRecords probes for (type, id). With `all` undefined it returns the first matching record or -1;
   * otherwise it pushes every matching record, in probe order (= the order they were added), onto `all`.
   */
  private findRecords(type: BlobType, id: Id | Uint8Array, all: number[] | undefined): number {
    if (!this.q.load(id)) return -1;
    const typeBit = type === 'tree' ? 1 : type === 'data' ? 0 : -1;
    if (typeBit < 0) return -1;
    const w = this.q.words;
    const q0 = w[0]!, q1 = w[1]!, q2 = w[2]!, q3 = w[3]!, q4 = w[4]!, q5 = w[5]!, q6 = w[6]!, q7 = w[7]!;
    const { slots, mask, bits } = this.table;
    const { pages, shift, mask: pageMask } = this.records;
    const h = slotHash(q0, q7);
    const tag = h << bits;
    const tagMask = ~mask;
    let s = h >>> this.table.shift;
    let first = -1;
    for (;;) {
      const e = slots[s]!;
      if (e === 0) return first;
      if (((e ^ tag) & tagMask) === 0) {
        const r = (e & mask) - 1;
        const page = pages[r >>> shift]!;
        const b = (r & pageMask) * RECORD_WORDS;
        if (page[b] === q0 && page[b + 1] === q1 && page[b + 2] === q2 && page[b + 3] === q3 &&
            page[b + 4] === q4 && page[b + 5] === q5 && page[b + 6] === q6 && page[b + 7] === q7 &&
            page[b + META]! >>> 31 === typeBit) {
          if (all === undefined) return r;
          if (first < 0) first = r;
          all.push(r);
        }
      }
      s = (s + 1) & mask;
    }
  }

  /**
   * probeFree finds the free slot where an entry (typeBit, ID at w[at..at+8), pack) belongs, or -1 if that
   * exact entry is already stored. It sets sawSameBlob when the probe passed the same (type, ID) in any pack.
   * pack -1 matches no entry (used when rebuilding, where duplicates cannot occur).
   */
  private probeFree(typeBit: number, w: Uint32Array, at: number, pack: number): number {
    const q0 = w[at]!, q1 = w[at + 1]!, q2 = w[at + 2]!, q3 = w[at + 3]!;
    const q4 = w[at + 4]!, q5 = w[at + 5]!, q6 = w[at + 6]!, q7 = w[at + 7]!;
    const { slots, mask, bits } = this.table;
    const { pages, shift, mask: pageMask } = this.records;
    const h = slotHash(q0, q7);
    const tag = h << bits;
    const tagMask = ~mask;
    let s = h >>> this.table.shift;
    this.sawSameBlob = false;
    this.probedHash = h;
    for (;;) {
      const e = slots[s]!;
      if (e === 0) return s;
      if (((e ^ tag) & tagMask) === 0) {
        const r = (e & mask) - 1;
        const page = pages[r >>> shift]!;
        const b = (r & pageMask) * RECORD_WORDS;
        if (page[b] === q0 && page[b + 1] === q1 && page[b + 2] === q2 && page[b + 3] === q3 &&
            page[b + 4] === q4 && page[b + 5] === q5 && page[b + 6] === q6 && page[b + 7] === q7) {
          const meta = page[b + META]!;
          if (meta >>> 31 === typeBit) {
            this.sawSameBlob = true;
            if ((meta & PACK_MASK) === pack) return -1;
          }
        }
      }
      s = (s + 1) & mask;
    }
  }

  /** rehash replaces the table with one sized for `entries` and re-places every record in record order. */
  private rehash(entries: number): void {
    this.table.reset(entries);
    const n = this.records.length;
    for (let r = 0; r < n; r++) {
      const page = this.records.page(r);
      const at = this.records.at(r);
      this.table.placeFirstFree(slotHash(page[at]!, page[at + 7]!), r);
    }
  }

  private location(r: number): BlobLocation {
    const f = this.records.page(r);
    const at = this.records.at(r);
    const meta = f[at + META]!;
    this.packs.loadId(meta & PACK_MASK, this.fmt);
    return {
      packId: this.fmt.hex(),
      type: meta & TREE_BIT ? 'tree' : 'data',
      offset: f[at + OFFSET]!,
      length: f[at + LENGTH]!,
      uncompressedLength: f[at + ULEN]!,
    };
  }

  private indexedBlob(r: number): IndexedBlob {
    const f = this.records.page(r);
    const at = this.records.at(r);
    this.fmt.loadWords(f, at);
    const blob: IndexedBlob = {
      id: this.fmt.hex(),
      type: f[at + META]! & TREE_BIT ? 'tree' : 'data',
      offset: f[at + OFFSET]!,
      length: f[at + LENGTH]!,
    };
    // restic omits uncompressed_length for uncompressed blobs; keep the field absent, not 0.
    if (f[at + ULEN]! > 0) blob.uncompressed_length = f[at + ULEN]!;
    return blob;
  }

  private stagingFor(blobs: number): Uint32Array {
    const words = blobs * ID_WORDS;
    if (words <= this.staging.length) return this.staging;
    // Keep a buffer for ordinary packs; a huge one (thousands of tree blobs) is not worth holding on to.
    if (blobs > KEPT_STAGING_BLOBS) return new Uint32Array(words);
    this.staging = new Uint32Array(Math.max(words, 64 * ID_WORDS));
    return this.staging;
  }

  private badEntry(blob: IndexedBlobInput, what: string): CorruptDataError {
    this.fmt.words.set(this.pq.words);
    return new CorruptDataError(
      `index entry for blob ${describeId(blob.id)} in pack ${this.fmt.hex().slice(0, 8)} has ${what}`,
    );
  }
}

function isUint32(x: number): boolean {
  return x >>> 0 === x;
}

/** describeId renders a possibly malformed ID for an error message, briefly. */
function describeId(id: unknown): string {
  if (typeof id === 'string') return JSON.stringify(id.length > 70 ? `${id.slice(0, 70)}…` : id);
  if (id instanceof Uint8Array) return `of ${id.length} bytes`;
  return String(typeof id);
}
