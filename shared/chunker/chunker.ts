// The content-defined chunker: restic's rule for where a file's data blobs begin and end. A chunk ends after
// the first byte at which the Rabin fingerprint of the last 64 bytes has its low 20 bits zero, but no
// earlier than MinSize bytes into the chunk and no later than MaxSize; a file's last chunk ends with the
// file. Cut points depend only on content and the repository's polynomial, so an insertion early in a file
// changes only the chunks around it, and cairn's chunks are byte-for-byte restic's (same blob IDs, shared
// dedup). Every file starts a fresh chunker state.
import { RabinKernel } from './rabin-kernel.js';
import { tablesFor, type RabinTables } from './tables.js';

/** Bytes in the rolling-hash window. */
export const WINDOW_SIZE = 64;
/** Smallest chunk (except a file's last), 512 KiB. */
export const MIN_SIZE = 512 * 1024;
/** Largest chunk, 8 MiB: a chunk is cut here even without a fingerprint match. */
export const MAX_SIZE = 8 * 1024 * 1024;
/** A fingerprint whose low 20 bits are zero is a cut point: chunks of MinSize + ~1 MiB on average. */
export const AVERAGE_BITS = 20;

/** Chunk-size parameters. The defaults are restic's, which repositories must use to dedup with restic. */
export interface ChunkerOptions {
  /** @default MIN_SIZE; at least WINDOW_SIZE. */
  minSize?: number;
  /** @default MAX_SIZE; at least minSize. */
  maxSize?: number;
  /** Cut where the fingerprint's low `averageBits` bits are zero. @default AVERAGE_BITS (1..32) */
  averageBits?: number;
}

/**
 * Chunker finds the cut points of one file at a time, fed in pieces of any size. It never copies or keeps
 * the caller's bytes beyond a call (the hashing kernel copies what it hashes into its own memory), so the
 * caller decides how chunks are assembled. Typical loop over one file:
 *
 * ```ts
 * chunker.reset();
 * for each piece read from the file:
 *   let rest = piece;
 *   for (let n; (n = chunker.next(rest)) >= 0; rest = rest.subarray(n)) emit(pending bytes + rest[0..n));
 *   keep rest as pending bytes of the current chunk;
 * at end of file: emit pending bytes (if any) as the last chunk.
 * ```
 * One instance serves one file at a time; use one per concurrently chunked file and reuse it across files
 * (reset) rather than creating one per file: tables and the compiled kernel are cached per polynomial, but
 * each instance's hashing memory (~0.6 MiB) costs a few hundred µs to set up on first use.
 */
export class Chunker {
  readonly minSize: number;
  readonly maxSize: number;
  readonly #tables: RabinTables;
  readonly #averageBits: number;
  // Created on first use: instantiating it costs a few hundred µs, and files below MinSize never need it.
  #kernel: RabinKernel | undefined;
  #count = 0;

  /** pol is the repository's chunker polynomial (see parsePolynomial); its degree must be 8..53. */
  constructor(pol: bigint, options: ChunkerOptions = {}) {
    const { minSize = MIN_SIZE, maxSize = MAX_SIZE, averageBits = AVERAGE_BITS } = options;
    if (!Number.isSafeInteger(minSize) || minSize < WINDOW_SIZE) throw new RangeError(`minSize must be an integer ≥ ${WINDOW_SIZE}`);
    if (!Number.isSafeInteger(maxSize) || maxSize < minSize) throw new RangeError('maxSize must be an integer ≥ minSize');
    if (!Number.isInteger(averageBits) || averageBits < 1 || averageBits > 32) throw new RangeError('averageBits must be 1..32');
    this.minSize = minSize;
    this.maxSize = maxSize;
    this.#tables = tablesFor(pol);
    this.#averageBits = averageBits;
  }

  /** reset starts a new file: the bytes scanned since the last cut are forgotten. */
  reset(): void {
    this.#count = 0;
    this.#kernel?.restart();
  }

  /** pending is the number of bytes scanned since the last cut (or reset): the current chunk so far. */
  get pending(): number {
    return this.#count;
  }

  /**
   * next scans the next bytes of the current file. It returns n ≥ 1 when the current chunk ends after
   * data[n − 1]: the chunk is the pending bytes followed by data[0..n); the chunker has started the next
   * chunk, and the caller passes data.subarray(n) (if not empty) to next again. It returns −1 when data
   * holds no cut: all of it belongs to the current chunk. At the end of the file the pending bytes, if any,
   * form the last chunk (a file shorter than MinSize is one chunk; an empty file has none).
   */
  next(data: Uint8Array): number {
    const hashFrom = this.minSize - WINDOW_SIZE;
    let i = 0;
    if (this.#count < hashFrom) {
      // No cut can end before MinSize, and the window that decides the first possible cut starts at
      // MinSize − 64: the bytes before it are skipped without hashing.
      i = Math.min(data.length, hashFrom - this.#count);
      this.#count += i;
      if (i === data.length) return -1;
    }
    const end = Math.min(data.length, i + (this.maxSize - this.#count));
    this.#kernel ??= new RabinKernel(this.#tables, this.#averageBits);
    const cut = this.#kernel.scan(data, i, end, i + (this.minSize - this.#count));
    if (cut >= 0) {
      this.reset();
      return cut;
    }
    this.#count += end - i;
    if (this.#count === this.maxSize) {
      this.reset();
      return end;
    }
    return -1;
  }
}
