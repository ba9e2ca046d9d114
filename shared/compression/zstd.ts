// zstd, the compression restic's repository format version 2 uses for blobs and for index, snapshot and
// lock files. Frames we write are plain standard zstd (content size in the header, no checksum), which
// restic, the zstd CLI and any libzstd read.
import { CorruptDataError, UsageError } from '../core/errors.js';
import { zstdEngine } from './engine.js';

/** zstd's default level, which restic's `--compression auto` uses. */
export const ZSTD_DEFAULT_LEVEL = 3;

/**
 * The default cap on decompressed output when no expected size is known: well above the largest blob the
 * chunker makes (8 MiB), far below what would hurt. Large JSON files pass their own cap (see framing.ts).
 */
export const ZSTD_DEFAULT_MAX_SIZE = 64 * 1024 * 1024;

/** zstdImplementation names the engine in use, for benchmarks and diagnostics. */
export function zstdImplementation(): 'node:zlib' | 'zstd-napi' {
  return zstdEngine().name;
}

/** zstdCompress compresses `data` into one zstd frame at `level` (default 3). */
export function zstdCompress(data: Uint8Array, level = ZSTD_DEFAULT_LEVEL): Buffer {
  if (!Number.isInteger(level) || level < -7 || level > 22) throw new UsageError(`zstd level ${level} is out of range -7..22`);
  return zstdEngine().compress(data, level);
}

/**
 * zstdCompressBound is the most bytes one frame of `size` input bytes can take (libzstd's ZSTD_COMPRESSBOUND),
 * the room zstdCompressInto needs.
 */
export function zstdCompressBound(size: number): number {
  const SMALL = 128 * 1024;
  return size + (size >>> 8) + (size < SMALL ? (SMALL - size) >>> 11 : 0);
}

/**
 * zstdCompressInto compresses `data` into one frame written at the start of `dst`, which must hold at least
 * zstdCompressBound(data.length) bytes, and returns the frame's length: no buffer is allocated per call.
 */
export function zstdCompressInto(dst: Uint8Array, data: Uint8Array, level = ZSTD_DEFAULT_LEVEL): number {
  if (!Number.isInteger(level) || level < -7 || level > 22) throw new UsageError(`zstd level ${level} is out of range -7..22`);
  return zstdEngine().compressInto(dst, data, level);
}

/**
 * zstdDecompress decodes zstd data (one or more frames). With `expectedSize` (e.g. a blob's
 * `uncompressed_length`) the output must be exactly that long and nothing larger is ever allocated;
 * otherwise output is capped at `maxSize`. Throws CorruptDataError on malformed or truncated input, on
 * a size mismatch and when the cap is exceeded.
 */
export function zstdDecompress(data: Uint8Array, expectedSize?: number, maxSize = ZSTD_DEFAULT_MAX_SIZE): Buffer {
  const cap = expectedSize ?? maxSize;
  if (!Number.isSafeInteger(cap) || cap < 0) throw new UsageError(`zstd output size limit ${cap} is not a non-negative integer`);
  let out: Buffer;
  try {
    out = zstdEngine().decompress(data, cap);
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new CorruptDataError(`zstd decompression failed: ${detail}`, { cause: err });
  }
  if (expectedSize !== undefined && out.length !== expectedSize) {
    throw new CorruptDataError(`zstd data decompressed to ${out.length} bytes, expected ${expectedSize}`);
  }
  return out;
}
