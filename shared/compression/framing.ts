// The framing of "unpacked" files (index, snapshot, lock; never config or keys): the plaintext sealed into
// such a file is either raw JSON (repository version 1, and allowed in 2) or, in version 2, a 0x02 byte
// followed by one zstd frame of the JSON. The first byte tells a reader which.
import { CorruptDataError } from '../core/errors.js';
import { zstdCompress, zstdDecompress } from './zstd.js';

/** The version byte restic puts before compressed JSON. */
const COMPRESSED_JSON = 0x02;

/**
 * The default cap on a decompressed unpacked file. restic splits index files at 150 000 blobs (tens of
 * MB of JSON); this leaves ample room while stopping a decompression bomb.
 */
export const UNPACKED_MAX_SIZE = 1024 * 1024 * 1024;

/** encodeUnpacked frames JSON bytes for sealing: raw in a version 1 repository, 0x02 || zstd in version 2. */
export function encodeUnpacked(json: Uint8Array, repoVersion: 1 | 2): Buffer {
  if (repoVersion === 1) return Buffer.from(json.buffer, json.byteOffset, json.byteLength);
  const frame = zstdCompress(json);
  const out = Buffer.allocUnsafe(frame.length + 1);
  out[0] = COMPRESSED_JSON;
  out.set(frame, 1);
  return out;
}

/**
 * decodeUnpacked returns the JSON bytes of an opened unpacked file: as is when it starts with `[` or `{`,
 * decompressed when it starts with 0x02 (output capped at `maxSize`). Anything else throws
 * CorruptDataError('not supported encoding format'), as restic does; bad zstd throws CorruptDataError.
 */
export function decodeUnpacked(plain: Uint8Array, maxSize = UNPACKED_MAX_SIZE): Buffer {
  const first = plain[0];
  if (first === 0x5b || first === 0x7b) return Buffer.from(plain.buffer, plain.byteOffset, plain.byteLength);
  if (first === COMPRESSED_JSON) return zstdDecompress(plain.subarray(1), undefined, maxSize);
  throw new CorruptDataError('not supported encoding format');
}
