// The pack table of the master index: every pack ID stored once (8 words), numbered in the order packs were
// first added, with a hash table from ID to number and, per pack, which blob records belong to it.
//
// Blob records are appended pack by pack, so a pack's records are almost always one contiguous run: the
// table keeps that run as (start, count), 8 bytes per pack instead of 4 bytes per blob for a linked list.
// A pack that is added again later (listed in two index files, or re-added after a partial write) gets
// further runs in a small side map; removePacks compacts the records and turns them back into one run.
import { ID_WORDS, slotHash, type IdScratch } from './master-index-id.js';
import { PagedWords } from './master-index-pages.js';
import { SlotTable } from './master-index-slots.js';

/** PackTable maps pack IDs to dense pack numbers and pack numbers to their blob records. */
export class PackTable {
  private readonly ids: PagedWords;
  /** Per pack: [start, count] of its first run of blob records; count 0 = no blobs yet. */
  private readonly runs: PagedWords;
  /** Later runs of packs added more than once, as flat [start, count, start, count, …]. */
  private extraRuns = new Map<number, number[]>();
  private readonly table = new SlotTable();

  constructor(pageShift: number) {
    this.ids = new PagedWords(ID_WORDS, pageShift);
    this.runs = new PagedWords(2, pageShift);
  }

  /** Number of packs. */
  get count(): number {
    return this.ids.length;
  }

  /** find returns the number of the pack whose ID is in `q.words`, or -1. */
  find(q: IdScratch): number {
    const w = q.words;
    const q0 = w[0]!, q1 = w[1]!, q2 = w[2]!, q3 = w[3]!, q4 = w[4]!, q5 = w[5]!, q6 = w[6]!, q7 = w[7]!;
    const { slots, mask, bits } = this.table;
    const { pages, shift, mask: pageMask } = this.ids;
    const h = slotHash(q0, q7);
    const tag = h << bits;
    const tagMask = ~mask;
    let s = h >>> this.table.shift;
    for (;;) {
      const e = slots[s]!;
      if (e === 0) return -1;
      if (((e ^ tag) & tagMask) === 0) {
        const p = (e & mask) - 1;
        const page = pages[p >>> shift]!;
        const b = (p & pageMask) << 3;
        if (page[b] === q0 && page[b + 1] === q1 && page[b + 2] === q2 && page[b + 3] === q3 &&
            page[b + 4] === q4 && page[b + 5] === q5 && page[b + 6] === q6 && page[b + 7] === q7) return p;
      }
      s = (s + 1) & mask;
    }
  }

  /** findOrAdd returns the number of the pack whose ID is in `q.words`, adding it if new. */
  findOrAdd(q: IdScratch): number {
    const found = this.find(q);
    if (found >= 0) return found;
    const p = this.ids.append();
    this.ids.page(p).set(q.words, this.ids.at(p));
    this.runs.append();
    if (this.ids.length > this.table.limit) this.rehash();
    else this.table.placeFirstFree(slotHash(q.words[0]!, q.words[7]!), p);
    return p;
  }

  /** loadId copies pack p's ID into the scratch (then `q.hex()` or `q.raw()`). */
  loadId(p: number, q: IdScratch): void {
    q.loadWords(this.ids.page(p), this.ids.at(p));
  }

  /** noteRecord records that blob record `rec`, the newest record so far, belongs to pack p. */
  noteRecord(p: number, rec: number): void {
    const extra = this.extraRuns.get(p);
    if (extra !== undefined) {
      const n = extra.length;
      if (extra[n - 2]! + extra[n - 1]! === rec) extra[n - 1]!++;
      else extra.push(rec, 1);
      return;
    }
    const page = this.runs.page(p);
    const at = this.runs.at(p);
    if (page[at + 1] === 0) {
      page[at] = rec;
      page[at + 1] = 1;
    } else if (page[at]! + page[at + 1]! === rec) {
      page[at + 1]!++;
    } else {
      this.extraRuns.set(p, [rec, 1]);
    }
  }

  /** records appends the numbers of pack p's blob records to `out`, in the order they were added. */
  records(p: number, out: number[]): number[] {
    const page = this.runs.page(p);
    const at = this.runs.at(p);
    pushRun(out, page[at]!, page[at + 1]!);
    const extra = this.extraRuns.get(p);
    if (extra !== undefined) for (let i = 0; i < extra.length; i += 2) pushRun(out, extra[i]!, extra[i + 1]!);
    return out;
  }

  /**
   * removeAndRenumber drops the given packs and renumbers the rest densely, keeping their order. It returns
   * old number → new number (-1 for dropped). Every pack's record list is cleared: the caller compacts the
   * blob records and reports each survivor again through noteRecord.
   */
  removeAndRenumber(drop: ReadonlySet<number>): Int32Array {
    const n = this.ids.length;
    const renumber = new Int32Array(n);
    let kept = 0;
    for (let p = 0; p < n; p++) {
      if (drop.has(p)) {
        renumber[p] = -1;
        continue;
      }
      if (kept !== p) this.ids.copy(p, kept);
      renumber[p] = kept++;
    }
    this.ids.truncate(kept);
    // Zero every run: truncate then re-append gives zero-filled records.
    this.runs.truncate(0);
    for (let p = 0; p < kept; p++) this.runs.append();
    this.extraRuns = new Map();
    this.rehash();
    return renumber;
  }

  /** byteLength approximates the memory held: typed arrays, plus ~16 bytes per extra run number. */
  byteLength(): number {
    let extra = 0;
    for (const runs of this.extraRuns.values()) extra += 64 + runs.length * 16;
    return this.ids.byteLength() + this.runs.byteLength() + this.table.byteLength() + extra;
  }

  private rehash(): void {
    const n = this.ids.length;
    // Sized for n at MAX_LOAD: called when n passes the limit, this doubles the table.
    this.table.reset(n);
    for (let p = 0; p < n; p++) {
      const page = this.ids.page(p);
      const at = this.ids.at(p);
      this.table.placeFirstFree(slotHash(page[at]!, page[at + 7]!), p);
    }
  }
}

function pushRun(out: number[], start: number, count: number): void {
  for (let i = 0; i < count; i++) out.push(start + i);
}
