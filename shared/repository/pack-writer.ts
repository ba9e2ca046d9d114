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
}

/** encodeBlob compresses (v2) and seals one blob. It is pure CPU work, so a worker thread can run it. */
export function encodeBlob(key: MasterKey, version: 1 | 2, type: BlobType, id: Id, plaintext: Uint8Array): EncodedBlob {
  if (version === 1) return { type, id, stored: seal(key, plaintext), uncompressedLength: 0 };
  // restic 0.14 in auto mode compresses every blob in v2, even if it grows; the format allows both.
  return { type, id, stored: seal(key, zstdCompress(plaintext)), uncompressedLength: plaintext.length };
}

export class PackWriter {
  readonly type: BlobType;
  private readonly parts: Buffer[] = [];
  private readonly blobs: PackBlob[] = [];
  private offset = 0;

  constructor(type: BlobType) {
    this.type = type;
  }

  /** Bytes appended so far (blobs only; the header comes at finish). */
  get size(): number {
    return this.offset;
  }

  get count(): number {
    return this.blobs.length;
  }

  add(blob: EncodedBlob): void {
    this.parts.push(blob.stored);
    const entry: PackBlob = { type: blob.type, id: blob.id, offset: this.offset, length: blob.stored.length };
    if (blob.uncompressedLength > 0) entry.uncompressedLength = blob.uncompressedLength;
    this.blobs.push(entry);
    this.offset += blob.stored.length;
  }

  /** finish seals the header and returns the complete pack, named by the hash of all its bytes. */
  finish(key: MasterKey): FinishedPack {
    const header = seal(key, encodePackHeader(this.blobs));
    const length = Buffer.alloc(4);
    length.writeUInt32LE(header.length, 0);
    const bytes = Buffer.concat([...this.parts, header, length]);
    return { id: hashId(bytes), bytes, blobs: this.blobs };
  }
}
