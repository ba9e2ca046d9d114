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
  checkLimit(cap);
  return checked(() => zstdEngine().decompress(data, cap), expectedSize);
}

/** Scratch for zstdDecompressReusing: restic's chunks are at most 8 MiB, so one buffer serves them all. */
const SCRATCH_SIZE = 8 * 1024 * 1024;
/** Larger outputs (big tree blobs) get buffers of their own, which this thread does not keep. */
const SCRATCH_LIMIT = 2 * SCRATCH_SIZE;
let scratch = Buffer.alloc(0);

/**
 * zstdDecompressReusing is zstdDecompress(data, expectedSize) — same checks, same errors — into this thread's
 * one scratch buffer: the output is valid only until the next call. For code that hashes each plaintext and
 * drops it (check, prune's repack verification): a fresh buffer per blob is above malloc's mmap threshold,
 * so every blob's output was a fresh mapping and its page faults (measured on check --read-data of 327 MiB:
 * 1.48 → 1.39 s CPU).
 */
export function zstdDecompressReusing(data: Uint8Array, expectedSize: number): Buffer {
  checkLimit(expectedSize);
  if (expectedSize > SCRATCH_LIMIT) return zstdDecompress(data, expectedSize);
  if (scratch.length < expectedSize) scratch = Buffer.allocUnsafe(Math.max(expectedSize, SCRATCH_SIZE));
  // Exactly expectedSize long, so that the engine's limit is the one zstdDecompress gives it.
  const dst = scratch.subarray(0, expectedSize);
  return checked(() => zstdEngine().decompressInto(dst, data), expectedSize);
}

function checkLimit(limit: number): void {
  if (!Number.isSafeInteger(limit) || limit < 0) throw new UsageError(`zstd output size limit ${limit} is not a non-negative integer`);
}

/** Runs an engine's decoding, turning its failures and a size other than `expectedSize` into CorruptDataError. */
function checked(decode: () => Buffer, expectedSize: number | undefined): Buffer {
  let out: Buffer;
  try {
    out = decode();
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new CorruptDataError(`zstd decompression failed: ${detail}`, { cause: err });
  }
  if (expectedSize !== undefined && out.length !== expectedSize) {
    throw new CorruptDataError(`zstd data decompressed to ${out.length} bytes, expected ${expectedSize}`);
  }
  return out;
}
