// The pack header: the table of contents at the end of a pack file. A pack is blob_1 … blob_n, then the
// sealed header, then the header's sealed length as uint32 LE. The plaintext header is one entry per blob in
// file order, offsets implicit (each blob starts where the previous ended). Entry layout (all uint32 LE):
//   type 0/1 (data/tree, uncompressed): type u8, length u32, id[32]              = 37 bytes
//   type 2/3 (data/tree, zstd):          type u8, length u32, plain u32, id[32]   = 41 bytes
// `length` is the stored size of the blob, including the 32-byte IV+MAC overhead. Sealing is crypto's job.
import { CorruptDataError, isId, UsageError } from '../core/index.js';
import type { BlobType, Id } from '../core/index.js';

/** One blob of a pack as the header describes it. */
export interface PackBlob {
  type: BlobType;
  id: Id;
  /** Byte offset of the sealed blob in the pack. */
  offset: number;
  /** Stored length: sealed (and maybe compressed) bytes, including the 32-byte overhead. */
  length: number;
  /** Plaintext length of a compressed blob; absent (or 0) means the blob is stored uncompressed. */
  uncompressedLength?: number;
}

/** Bytes of the trailing header length field. */
export const HEADER_LENGTH_SIZE = 4;
/** Bytes sealing adds to any plaintext: IV (16) + MAC (16). */
export const SEAL_OVERHEAD = 32;
/** The largest plaintext header restic accepts (16 MiB). */
export const MAX_HEADER_SIZE = 16 * 1024 * 1024;
/** Entry sizes for uncompressed and compressed blobs. */
export const PLAIN_ENTRY_SIZE = 37;
export const COMPRESSED_ENTRY_SIZE = 41;
/** How many tail bytes restic reads first to get small headers in one request: 15 compressed entries + seal + length. */
export const EAGER_TAIL_SIZE = 15 * COMPRESSED_ENTRY_SIZE + SEAL_OVERHEAD + HEADER_LENGTH_SIZE;

const UINT32_MAX = 0xffffffff;

/** packHeaderEntrySize is the plaintext header bytes a blob's entry takes (37 or 41). */
export function packHeaderEntrySize(blob: Pick<PackBlob, 'uncompressedLength'>): number {
  return blob.uncompressedLength ? COMPRESSED_ENTRY_SIZE : PLAIN_ENTRY_SIZE;
}

/**
 * expectedPackSize is the file size a pack with these blobs must have: blobs + sealed header + length field.
 * check and prune compare it with the real size; there are no gaps and no trailing bytes.
 */
export function expectedPackSize(blobs: readonly Pick<PackBlob, 'length' | 'uncompressedLength'>[]): number {
  let size = SEAL_OVERHEAD + HEADER_LENGTH_SIZE;
  for (const b of blobs) size += b.length + packHeaderEntrySize(b);
  return size;
}

/**
 * encodePackHeader returns the plaintext header for blobs in file order (their `offset`s are not written;
 * the caller must have laid the blobs out back to back in this order). Throws UsageError for an empty list,
 * a length or uncompressed length outside uint32, or a header above MAX_HEADER_SIZE.
 */
export function encodePackHeader(blobs: readonly PackBlob[]): Buffer {
  if (blobs.length === 0) throw new UsageError('a pack needs at least one blob');
  let size = 0;
  for (const b of blobs) size += packHeaderEntrySize(b);
  if (size > MAX_HEADER_SIZE) throw new UsageError(`pack header of ${size} bytes exceeds ${MAX_HEADER_SIZE}`);
  const out = Buffer.allocUnsafe(size);
  let pos = 0;
  for (const b of blobs) {
    checkUint32(b.length, 'length');
    const compressed = Boolean(b.uncompressedLength);
    out[pos] = (b.type === 'tree' ? 1 : 0) + (compressed ? 2 : 0);
    out.writeUInt32LE(b.length, pos + 1);
    pos += 5;
    if (compressed) {
      checkUint32(b.uncompressedLength as number, 'uncompressed length');
      out.writeUInt32LE(b.uncompressedLength as number, pos);
      pos += 4;
    }
    if (!isId(b.id)) throw new UsageError(`blob ID ${JSON.stringify(b.id)} is not 64 lowercase hex characters`);
    out.write(b.id, pos, 'hex');
    pos += 32;
  }
  return out;
}

function checkUint32(n: number, what: string): void {
  if (!Number.isInteger(n) || n < 0 || n > UINT32_MAX) throw new UsageError(`blob ${what} ${n} does not fit in uint32`);
}

/**
 * decodePackHeader parses a plaintext header into blobs with cumulative offsets from 0. Throws
 * CorruptDataError for an unknown type byte, a truncated entry, a compressed entry with plaintext length 0, an
 * empty header, or one above MAX_HEADER_SIZE.
 * Callers knowing the pack ID may rewrap the error as PackCorruptError.
 */
export function decodePackHeader(plain: Uint8Array): PackBlob[] {
  if (plain.length === 0) throw new CorruptDataError('pack header is empty');
  if (plain.length > MAX_HEADER_SIZE) throw new CorruptDataError(`pack header of ${plain.length} bytes exceeds ${MAX_HEADER_SIZE}`);
  const buf = Buffer.from(plain.buffer, plain.byteOffset, plain.byteLength);
  const blobs: PackBlob[] = [];
  let pos = 0;
  let offset = 0;
  while (pos < buf.length) {
    const t = buf[pos] as number;
    if (t > 3) throw new CorruptDataError(`pack header entry ${blobs.length}: invalid blob type ${t}`);
    const compressed = t >= 2;
    const entrySize = compressed ? COMPRESSED_ENTRY_SIZE : PLAIN_ENTRY_SIZE;
    if (pos + entrySize > buf.length) {
      throw new CorruptDataError(`pack header entry ${blobs.length}: truncated (${buf.length - pos} of ${entrySize} bytes)`);
    }
    const length = buf.readUInt32LE(pos + 1);
    const blob: PackBlob = { type: t % 2 === 1 ? 'tree' : 'data', id: '', offset, length };
    let idPos = pos + 5;
    if (compressed) {
      blob.uncompressedLength = buf.readUInt32LE(idPos);
      // 0 would mean "not compressed" everywhere else (index, entry size); no real blob is empty.
      if (blob.uncompressedLength === 0) throw new CorruptDataError(`pack header entry ${blobs.length}: compressed blob with uncompressed length 0`);
      idPos += 4;
    }
    blob.id = buf.toString('hex', idPos, idPos + 32);
    blobs.push(blob);
    offset += length;
    pos += entrySize;
  }
  return blobs;
}
