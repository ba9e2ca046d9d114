// BlobSet: a set of blob handles (type and ID) keyed on the binary ID, for prune's used blobs. A JS Set of
// blobKey strings costs ~110 bytes per blob (a 65-character string plus the set's entry); here a blob is
// 8 Uint32 words of ID, a type byte and ~2 slots of an open-addressing table: ~50 bytes, in a few typed
// arrays the garbage collector never walks. A repository of 10 million blobs saves ~600 MB.
//
// It is a ReadonlySet<string> of blobKey strings ('t' or 'd' + 64 hex digits) for the planner and the
// two-phase rules, which ask `has(blobKey(...))`; iteration formats the keys on the fly.
import { CorruptDataError, type BlobType, type Id } from '../../core/index.js';

const ID_WORDS = 8;
/** Table slots hold entry + 1 (0 = empty); the table doubles once it is half full. */
const MIN_BITS = 10;

// charCode → nibble, -1 for a non-hex character (upper case accepted, as restic's ParseID does).
const NIBBLE = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) NIBBLE[0x30 + i] = i;
for (let i = 0; i < 6; i++) NIBBLE[0x61 + i] = NIBBLE[0x41 + i] = 10 + i;

export class BlobSet implements ReadonlySet<string> {
  private ids = new Uint32Array(ID_WORDS * 1024);
  private types = new Uint8Array(1024);
  private slots = new Int32Array(1 << MIN_BITS);
  private bits = MIN_BITS;
  private count = 0;
  private readonly q = new Uint32Array(ID_WORDS);

  get size(): number {
    return this.count;
  }

  /** addBlob adds a blob; false when it was already there. Throws CorruptDataError on a malformed ID. */
  addBlob(type: BlobType, id: Id): boolean {
    if (!this.load(id, 0)) throw new CorruptDataError(`malformed ${type} blob ID ${JSON.stringify(id.slice(0, 70))}: IDs are 64 hex digits`);
    const typeBit = type === 'tree' ? 1 : 0;
    const slot = this.probe(typeBit);
    if (this.slots[slot] !== 0) return false;
    if (this.count >= this.types.length) this.growEntries();
    this.ids.set(this.q, this.count * ID_WORDS);
    this.types[this.count] = typeBit;
    this.slots[slot] = ++this.count;
    if (this.count * 2 > this.slots.length) this.rehash(this.bits + 1);
    return true;
  }

  hasBlob(type: BlobType, id: Id): boolean {
    return this.load(id, 0) && this.slots[this.probe(type === 'tree' ? 1 : 0)] !== 0;
  }

  /** has takes a blobKey string; anything else is simply not in the set. */
  has(key: string): boolean {
    const typeBit = key.charCodeAt(0) === 0x74 ? 1 : key.charCodeAt(0) === 0x64 ? 0 : -1;
    return typeBit >= 0 && key.length === 65 && this.load(key, 1) && this.slots[this.probe(typeBit)] !== 0;
  }

  /** add takes a blobKey string (as Set.add, returns the set). */
  add(key: string): this {
    this.addBlob(key[0] === 't' ? 'tree' : 'data', key.slice(1));
    return this;
  }

  *keys(): SetIterator<string> {
    for (let e = 0; e < this.count; e++) yield this.keyOf(e);
  }

  values(): SetIterator<string> {
    return this.keys();
  }

  [Symbol.iterator](): SetIterator<string> {
    return this.keys();
  }

  *entries(): SetIterator<[string, string]> {
    for (const k of this.keys()) yield [k, k];
  }

  forEach(fn: (value: string, key: string, set: ReadonlySet<string>) => void, thisArg?: unknown): void {
    for (const k of this.keys()) fn.call(thisArg, k, k, this);
  }

  /** from returns `keys` as a BlobSet: the set itself when it is one, else a copy of its blobKey strings. */
  static from(keys: ReadonlySet<string>): BlobSet {
    if (keys instanceof BlobSet) return keys;
    const set = new BlobSet();
    for (const k of keys) set.add(k);
    return set;
  }

  /** memoryBytes is what the typed arrays hold (for the benchmarks' bytes-per-blob figure). */
  memoryBytes(): number {
    return this.ids.byteLength + this.types.byteLength + this.slots.byteLength;
  }

  /** load parses 64 hex digits of `text` from `from` into the scratch words; false if malformed. */
  private load(text: string, from: number): boolean {
    if (text.length !== from + 64) return false;
    for (let w = 0; w < ID_WORDS; w++) {
      let word = 0;
      for (let k = 0; k < 8; k++) {
        const c = text.charCodeAt(from + w * 8 + k);
        const n = c < 128 ? NIBBLE[c]! : -1;
        if (n < 0) return false;
        word = (word << 4) | n;
      }
      this.q[w] = word;
    }
    return true;
  }

  /** probe returns the slot holding the scratch ID with this type, or the empty slot where it belongs. */
  private probe(typeBit: number): number {
    const q = this.q;
    const mask = this.slots.length - 1;
    let s = hashOf(q[0]!, q[1]!, typeBit) >>> (32 - this.bits);
    for (;;) {
      const v = this.slots[s]!;
      if (v === 0) return s;
      const e = v - 1;
      const at = e * ID_WORDS;
      const ids = this.ids;
      if (this.types[e] === typeBit && ids[at] === q[0] && ids[at + 1] === q[1] && ids[at + 2] === q[2] && ids[at + 3] === q[3] &&
          ids[at + 4] === q[4] && ids[at + 5] === q[5] && ids[at + 6] === q[6] && ids[at + 7] === q[7]) return s;
      s = (s + 1) & mask;
    }
  }

  private growEntries(): void {
    // ×1.5 rather than ×2: less slack in the largest array, at a few more copies.
    const capacity = Math.ceil(this.types.length * 1.5);
    const ids = new Uint32Array(capacity * ID_WORDS);
    ids.set(this.ids);
    const types = new Uint8Array(capacity);
    types.set(this.types);
    this.ids = ids;
    this.types = types;
  }

  private rehash(bits: number): void {
    this.bits = bits;
    this.slots = new Int32Array(1 << bits);
    const mask = this.slots.length - 1;
    for (let e = 0; e < this.count; e++) {
      const at = e * ID_WORDS;
      let s = hashOf(this.ids[at]!, this.ids[at + 1]!, this.types[e]!) >>> (32 - bits);
      while (this.slots[s] !== 0) s = (s + 1) & mask;
      this.slots[s] = e + 1;
    }
  }

  private keyOf(e: number): string {
    let hex = this.types[e] === 1 ? 't' : 'd';
    for (let w = 0; w < ID_WORDS; w++) hex += (this.ids[e * ID_WORDS + w]! >>> 0).toString(16).padStart(8, '0');
    return hex;
  }
}

/** hashOf mixes two ID words and the type; the table uses the top bits (IDs in tests are not random). */
function hashOf(w0: number, w1: number, typeBit: number): number {
  return Math.imul(w0 ^ Math.imul(w1 ^ typeBit, 0x85ebca6b) ^ (w1 >>> 15), 0x9e3779b1);
}
