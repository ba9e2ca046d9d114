// The zstd engine behind zstd.ts. Two implementations give the same frames: node:zlib's zstd (Node ≥ 22.15,
// the Lambda runtime) and the native zstd-napi package (Node 20). zstd-napi is loaded through
// createRequire only when node:zlib lacks zstd, so a bundle for Node 22 never needs the native module and
// bundlers need not see it.
import * as zlib from 'node:zlib';
import { createRequire } from 'node:module';
import { CairnError } from '../core/errors.js';
import { createNapiEngine } from './napi-engine.js';
import type { NapiBinding } from './napi-engine.js';
import { createZlibEngine } from './zlib-engine.js';
import type { ZlibZstd } from './zlib-engine.js';

/** One zstd implementation. Both methods throw plain Errors; zstd.ts turns them into CorruptDataError. */
export interface ZstdEngine {
  readonly name: 'node:zlib' | 'zstd-napi';
  /** One zstd frame with the content size in its header and no checksum (as restic writes). */
  compress(data: Uint8Array, level: number): Buffer;
  /** Like compress, but into `dst` (at least zstdCompressBound(data.length) long); returns the frame's length. */
  compressInto(dst: Uint8Array, data: Uint8Array, level: number): number;
  /**
   * Decodes every frame of `data`. Throws when the output would exceed `maxSize` bytes, before allocating
   * more than that, whatever sizes the frame headers claim.
   */
  decompress(data: Uint8Array, maxSize: number): Buffer;
  /**
   * decompress with `dst.length` as the limit, writing into `dst` where the engine can, so that a caller that
   * only hashes the output need not allocate per call. Returns the output: a view of `dst`'s start, or, from
   * an engine with no output-buffer form (node:zlib), a buffer of its own. Callers use what it returns.
   */
  decompressInto(dst: Uint8Array, data: Uint8Array): Buffer;
}

let engine: ZstdEngine | undefined;

/** zlibZstd returns node:zlib's zstd functions when this Node has them. */
export function zlibZstd(): ZlibZstd | undefined {
  const z = zlib as unknown as Partial<ZlibZstd>;
  return typeof z.zstdCompressSync === 'function' && typeof z.zstdDecompressSync === 'function' && z.constants !== undefined
    ? (z as ZlibZstd)
    : undefined;
}

/** loadNapiEngine loads zstd-napi's native binding; throws CairnError ZSTD_UNAVAILABLE when it cannot. */
export function loadNapiEngine(): ZstdEngine {
  const require = createRequire(import.meta.url);
  let binding: NapiBinding;
  try {
    binding = require('zstd-napi/binding.js') as NapiBinding;
  } catch (err) {
    throw new CairnError(
      'ZSTD_UNAVAILABLE',
      `zstd is unavailable: Node ${process.version} has no zlib zstd (added in 22.15) and the zstd-napi package could not be loaded; use Node 22.15+ or install zstd-napi`,
      { cause: err },
    );
  }
  return createNapiEngine(binding);
}

/** zstdEngine returns the process-wide engine, choosing node:zlib when present. */
export function zstdEngine(): ZstdEngine {
  if (engine === undefined) {
    const z = zlibZstd();
    engine = z !== undefined ? createZlibEngine(z) : loadNapiEngine();
  }
  return engine;
}
