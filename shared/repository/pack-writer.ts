// A pack under construction: blobs are compressed (v2), sealed one by one and appended; finishing adds the
// encrypted header and its length. Data and tree blobs never share a pack (required in v2).
import { hashId, type BlobType, type Id } from '../core/index.js';
import { seal, type MasterKey } from '../crypto/index.js';
import { zstdCompress } from '../compression/index.js';
import { encodePackHeader, type PackBlob } from '../format/index.js';

/** restic 0.14's default target pack size (its --pack-size default, 16 MiB). */
export const DEFAULT_PACK_SIZE = 16 * 1024 * 1024;

export interface FinishedPack {
  readonly id: Id;
  readonly bytes: Buffer;
  readonly blobs: PackBlob[];
}

/** A stored blob ready to append: sealed bytes and its header entry data. */
export interface EncodedBlob {
  readonly type: BlobType;
  readonly id: Id;
  readonly stored: Buffer;
  readonly uncompressedLength: number;
  /**
   * Set by the encoder pool: the pack that stores the blob calls it once `stored` is no longer needed, so
   * the buffer can be filled again. `stored` must not be used afterwards.
   */
  readonly release?: () => void;
}

/** encodeBlob compresses (v2) and seals one blob. It is pure CPU work, so a worker thread can run it. */
export function encodeBlob(key: MasterKey, version: 1 | 2, type: BlobType, id: Id, plaintext: Uint8Array): EncodedBlob {
  if (version === 1) return { type, id, stored: seal(key, plaintext), uncompressedLength: 0 };
  // restic 0.14 in auto mode compresses every blob in v2, even if it grows; the format allows both.
  return { type, id, stored: seal(key, zstdCompress(plaintext)), uncompressedLength: plaintext.length };
}

/**
 * A pack under construction, written straight into one buffer: no list of parts and no concatenation at
 * the end (a 16 MiB Buffer.concat per pack, plus the parts it copies, was most of the backup's memory
 * churn). The buffer may be lent by the caller (see PackBuffers) and grows only when a blob does not fit.
 */
export class PackWriter {
  readonly type: BlobType;
  private buffer: Buffer;
  private readonly blobs: PackBlob[] = [];
  private offset = 0;

  /** `buffer`, when given, is written into from its start; finish() returns a view of it (or of a larger one). */
  constructor(type: BlobType, buffer?: Buffer) {
    this.type = type;
    this.buffer = buffer ?? Buffer.allocUnsafe(0);
  }

  /** Bytes appended so far (blobs only; the header comes at finish). */
  get size(): number {
    return this.offset;
  }

  get count(): number {
    return this.blobs.length;
  }

  add(blob: EncodedBlob): void {
    const length = blob.stored.length;
    this.reserve(length);
    blob.stored.copy(this.buffer, this.offset);
    blob.release?.();
    const entry: PackBlob = { type: blob.type, id: blob.id, offset: this.offset, length };
    if (blob.uncompressedLength > 0) entry.uncompressedLength = blob.uncompressedLength;
    this.blobs.push(entry);
    this.offset += length;
  }

  /**
   * finish seals the header and returns the complete pack, named by the hash of all its bytes. The bytes
   * are a view of `buffer` (the one passed in, or a larger one when it had to grow), which the caller may
   * reuse for another pack once the bytes are stored.
   */
  finish(key: MasterKey): FinishedPack & { readonly buffer: Buffer } {
    const header = seal(key, encodePackHeader(this.blobs));
    this.reserve(header.length + 4);
    header.copy(this.buffer, this.offset);
    const end = this.offset + header.length;
    this.buffer.writeUInt32LE(header.length, end);
    const bytes = this.buffer.subarray(0, end + 4);
    return { id: hashId(bytes), bytes, blobs: this.blobs, buffer: this.buffer };
  }

  /** reserve makes room for `more` bytes after the current end, doubling the buffer as needed. */
  private reserve(more: number): void {
    const needed = this.offset + more;
    if (needed <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(needed, 2 * this.buffer.length, 64 * 1024));
    this.buffer.copy(grown, 0, 0, this.offset);
    this.buffer = grown;
  }
}
