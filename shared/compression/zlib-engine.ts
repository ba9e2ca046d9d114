// zstd through node:zlib (Node ≥ 22.15). @types/node 20 does not declare these functions, so the slice of
// the API we use is typed here.
import type { ZstdEngine } from './engine.js';

/** The node:zlib zstd functions and constants cairn uses. */
export interface ZlibZstd {
  zstdCompressSync(data: Uint8Array, options: { params: Record<number, number>; pledgedSrcSize?: number }): Buffer;
  zstdDecompressSync(data: Uint8Array, options: { maxOutputLength: number }): Buffer;
  constants: { ZSTD_c_compressionLevel: number; ZSTD_c_checksumFlag: number; ZSTD_c_contentSizeFlag: number };
}

/** createZlibEngine wraps node:zlib's zstd as a ZstdEngine. */
export function createZlibEngine(z: ZlibZstd): ZstdEngine {
  const c = z.constants;
  const compress = (data: Uint8Array, level: number): Buffer =>
    // The pledged size puts the content size in the frame header, as a one-shot libzstd call does.
    z.zstdCompressSync(data, {
      params: { [c.ZSTD_c_compressionLevel]: level, [c.ZSTD_c_checksumFlag]: 0, [c.ZSTD_c_contentSizeFlag]: 1 },
      pledgedSrcSize: data.length,
    });
  const decompress = (data: Uint8Array, maxSize: number): Buffer =>
    // maxOutputLength makes zlib stop with a RangeError instead of growing past the cap.
    z.zstdDecompressSync(data, { maxOutputLength: Math.max(maxSize, 1) });
  return {
    name: 'node:zlib',
    compress,
    compressInto(dst, data, level) {
      // node:zlib has no output-buffer form: compress, then copy.
      const frame = compress(data, level);
      if (frame.length > dst.length) throw new Error(`zstd output of ${frame.length} bytes does not fit in ${dst.length}`);
      dst.set(frame);
      return frame.length;
    },
    decompress,
    decompressInto(dst, data) {
      // node:zlib cannot write into a given buffer; its own output is returned rather than copied into dst.
      const out = decompress(data, dst.length);
      if (out.length > dst.length) throw new Error(`decompressed data exceeds ${dst.length} bytes`);
      return out;
    },
  };
}
