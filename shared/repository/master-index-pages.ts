// Paged record storage for the master index: fixed-width records of 32-bit words, kept in pages of a fixed
// number of records instead of one array that doubles. Doubling a multi-gigabyte array would briefly need
// the old and the new copy at once and leave up to half of the new one unused; with pages the slack is at
// most one page, and growing never copies more than one page. The last page starts small and doubles until
// it reaches the page size, so a tiny index (a test, a fresh repository) does not pay for a full page.

/**
 * Default log2 of records per page: 8,192 records, 384 KiB of 48-byte blob records. Small enough that the
 * unused tail of the last page stays under 4 bytes per blob from 100,000 blobs on; big enough that the
 * page list stays short (a few hundred pages for millions of blobs).
 */
export const DEFAULT_PAGE_SHIFT = 13;

/** The first allocation of a page, in records; doubled until the page is full-sized. */
const FIRST_PAGE_RECORDS = 64;

/**
 * PagedWords stores `length` records of `width` Uint32 words each. Record `r` lives in
 * `pages[r >>> shift]` starting at word `(r & mask) * width`; hot loops read `pages` directly with that
 * formula rather than through a method call. Appended records are zero-filled.
 */
export class PagedWords {
  readonly width: number;
  readonly shift: number;
  readonly mask: number;
  /** The pages; every page but the last holds exactly `mask + 1` records. */
  readonly pages: Uint32Array[] = [];
  /** Number of records stored. */
  length = 0;
  private lastCapacity = 0;

  /** `width` words per record; pages of `2 ** pageShift` records (a power of two so indexing is a shift). */
  constructor(width: number, pageShift: number = DEFAULT_PAGE_SHIFT) {
    if (!Number.isInteger(pageShift) || pageShift < 0 || pageShift > 24) throw new RangeError(`page shift ${pageShift} out of range 0..24`);
    this.width = width;
    this.shift = pageShift;
    this.mask = 2 ** pageShift - 1;
  }

  /** append adds one zeroed record and returns its number. */
  append(): number {
    const r = this.length;
    const inPage = r & this.mask;
    if (inPage === 0) {
      // A new page: start small, as most indexes never fill their last page.
      this.lastCapacity = Math.min(FIRST_PAGE_RECORDS, this.mask + 1);
      this.pages.push(new Uint32Array(this.lastCapacity * this.width));
    } else if (inPage === this.lastCapacity) {
      const last = this.pages.length - 1;
      this.lastCapacity = Math.min(this.lastCapacity * 2, this.mask + 1);
      const grown = new Uint32Array(this.lastCapacity * this.width);
      grown.set(this.pages[last]!);
      this.pages[last] = grown;
    }
    this.length = r + 1;
    return r;
  }

  /** page returns the page holding record r; its words start at `at(r)`. */
  page(r: number): Uint32Array {
    return this.pages[r >>> this.shift]!;
  }

  /** at returns the index of record r's first word inside `page(r)`. */
  at(r: number): number {
    return (r & this.mask) * this.width;
  }

  /** copy overwrites record `to` with record `from` (used when compacting in place, to ≤ from). */
  copy(from: number, to: number): void {
    const src = this.page(from);
    const s = this.at(from);
    this.page(to).set(src.subarray(s, s + this.width), this.at(to));
  }

  /**
   * truncate keeps the first n records and frees pages no longer needed. The (now partly used) last page
   * keeps its size: it will be refilled by later appends.
   */
  truncate(n: number): void {
    if (n >= this.length) return;
    const pagesNeeded = n === 0 ? 0 : ((n - 1) >>> this.shift) + 1;
    this.pages.length = pagesNeeded;
    const last = this.pages[pagesNeeded - 1];
    this.lastCapacity = last === undefined ? 0 : last.length / this.width;
    // Records past n in the kept last page must read as zero when appended again.
    if (last !== undefined) last.fill(0, (n & this.mask || this.mask + 1) * this.width);
    this.length = n;
  }

  /** byteLength is the memory held by the pages. */
  byteLength(): number {
    let bytes = 0;
    for (const p of this.pages) bytes += p.byteLength;
    return bytes;
  }
}
