// The open-addressing slot array behind the master index's hash tables. A slot holds `record + 1`, 0 means
// empty; collisions probe linearly. There are no tombstones: entries are only ever removed by rebuilding
// the whole table, which keeps probe sequences short and makes "entries with the same key appear in the
// order they were added" hold, because a later entry always lands past every earlier one with its home.

/** Highest share of occupied slots before the table doubles. */
export const MAX_LOAD = 0.75;
const MIN_SLOTS_LOG2 = 4;

/** SlotTable is a power-of-two Uint32Array of slots plus its sizing; probing lives with each user. */
export class SlotTable {
  slots: Uint32Array = new Uint32Array(0);
  /** `32 - log2(slots.length)`: a 32-bit hash `>>> shift` is a home slot. */
  shift = 32;
  /** `slots.length - 1`, to wrap a probe. */
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
    slots[s] = record + 1;
  }

  /** byteLength is the memory held by the slots. */
  byteLength(): number {
    return this.slots.byteLength;
  }
}
