// The open-addressing slot array behind the master index's hash tables. Collisions probe linearly. There
// are no tombstones: entries are only ever removed by rebuilding the whole table, which keeps probe runs
// short and makes "entries with the same key appear in the order they were added" hold, because a later
// entry always lands past every earlier one with the same home.
//
// A slot packs `record + 1` (0 = empty) in its low `bits` bits and a tag in the rest. A table of 2^bits
// slots never holds more than 0.75 × 2^bits entries, so record numbers fit; the home slot uses the hash's
// top `bits` bits, and the tag is its remaining low bits. Probing compares tags first and reads a record
// (a likely cache miss) only when they agree: at a million entries 11 tag bits rule out all but 1/2048 of
// the foreign entries a probe passes.

/** Highest share of occupied slots before the table doubles. */
export const MAX_LOAD = 0.75;
const MIN_SLOTS_LOG2 = 4;

/**
 * SlotTable is a power-of-two Uint32Array of slots plus its sizing; probing lives with each user, inline, as
 * it is the hot loop. A probe for hash h starts at `h >>> shift`, skips slots where `(slot ^ (h << bits)) &
 * ~mask` is not 0 (another tag), and finds record `(slot & mask) - 1` in the others.
 */
export class SlotTable {
  slots: Uint32Array = new Uint32Array(0);
  /** log2 of the number of slots: the bits of a slot that hold `record + 1`. */
  bits = 0;
  /** `32 - bits`: a 32-bit hash `>>> shift` is a home slot. */
  shift = 32;
  /** `slots.length - 1`: wraps a probe, and extracts `record + 1` from a slot. */
  mask = 0;
  /** Entries the table may hold before it must grow. */
  limit = 0;

  constructor(entries = 0) {
    this.reset(entries);
  }

  /** reset replaces the slots with an empty table just big enough for `entries` at MAX_LOAD. */
  reset(entries: number): void {
    let log2 = MIN_SLOTS_LOG2;
    while (entries > MAX_LOAD * 2 ** log2) log2++;
    if (log2 > 31) throw new RangeError(`index too large: ${entries} entries`);
    const size = 2 ** log2;
    this.slots = new Uint32Array(size);
    this.bits = log2;
    this.shift = 32 - log2;
    this.mask = size - 1;
    this.limit = Math.floor(MAX_LOAD * size);
  }

  /**
   * placeFirstFree stores `record + 1` at the first free slot from the home of `hash`. For rehashing,
   * where the caller knows no entry can be a duplicate and inserts in record order.
   */
  placeFirstFree(hash: number, record: number): void {
    const slots = this.slots;
    const mask = this.mask;
    let s = hash >>> this.shift;
    while (slots[s] !== 0) s = (s + 1) & mask;
    slots[s] = this.entry(hash, record);
  }

  /** entry is the slot value for `record` under `hash`: its tag and `record + 1`. */
  entry(hash: number, record: number): number {
    return (hash << this.bits) | (record + 1);
  }

  /** byteLength is the memory held by the slots. */
  byteLength(): number {
    return this.slots.byteLength;
  }
}
