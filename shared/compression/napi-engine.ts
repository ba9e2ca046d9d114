// zstd through zstd-napi's native binding (libzstd). We call the binding directly rather than the
// package's Decompressor, which trusts a frame header's content size for its allocation and streams
// without any limit: restic data is authenticated, but a decompression bomb should still fail cleanly.
import type { ZstdEngine } from './engine.js';

type StreamResult = [remaining: number, produced: number, consumed: number];

/** The part of zstd-napi's binding (`zstd-napi/binding.js`) used here. */
export interface NapiBinding {
  CCtx: new () => {
    compress(dst: Uint8Array, src: Uint8Array, level: number): number;
  };
  DCtx: new () => {
    decompress(dst: Uint8Array, src: Uint8Array): number;
    decompressStream(dst: Uint8Array, src: Uint8Array): StreamResult;
    reset(directive: number): void;
  };
  ResetDirective: { sessionOnly: number };
  compressBound(size: number): number;
  getFrameContentSize(frame: Uint8Array): number | null;
  findFrameCompressedSize(frame: Uint8Array): number;
}

const STREAM_CHUNK = 1 << 20;

/** createNapiEngine wraps the binding as a ZstdEngine with one reusable context per direction. */
export function createNapiEngine(b: NapiBinding): ZstdEngine {
  const cctx = new b.CCtx();
  const dctx = new b.DCtx();

  /** Decodes frames of unknown total size piece by piece, never holding more than maxSize + 1 bytes. */
  function decompressStreaming(data: Uint8Array, maxSize: number): Buffer {
    dctx.reset(b.ResetDirective.sessionOnly);
    const pieces: Buffer[] = [];
    let total = 0;
    let src = data;
    for (;;) {
      const dst = Buffer.allocUnsafe(Math.min(STREAM_CHUNK, maxSize - total + 1));
      const [remaining, produced, consumed] = dctx.decompressStream(dst, src);
      src = src.subarray(consumed);
      total += produced;
      if (total > maxSize) throw new Error(`decompressed data exceeds ${maxSize} bytes`);
      if (produced > 0) pieces.push(dst.subarray(0, produced));
      if (remaining === 0 && src.length === 0) break; // last frame complete and flushed
      if (produced === 0 && consumed === 0) throw new Error('zstd data is truncated');
    }
    return pieces.length === 1 ? (pieces[0] as Buffer) : Buffer.concat(pieces, total);
  }

  return {
    name: 'zstd-napi',
    compress(data, level) {
      const dst = Buffer.allocUnsafe(b.compressBound(data.length));
      const n = cctx.compress(dst, data, level);
      // Compressed blobs are sealed right away (a copy), so a slice of the bound-sized buffer is fine;
      // only when most of it would be wasted is the result copied out, so callers never pin it.
      return n < dst.length / 2 ? Buffer.from(dst.subarray(0, n)) : dst.subarray(0, n);
    },
    compressInto(dst, data, level) {
      return cctx.compress(dst, data, level);
    },
    decompress(data, maxSize) {
      if (data.length === 0) throw new Error('empty input is not a zstd frame');
      // The common case, one frame stating its size: decode straight into an exact buffer.
      const claimed = b.getFrameContentSize(data);
      if (claimed !== null && b.findFrameCompressedSize(data) === data.length) {
        if (claimed > maxSize) throw new Error(`zstd frame claims ${claimed} bytes, more than the limit of ${maxSize}`);
        const out = Buffer.allocUnsafe(claimed);
        const n = dctx.decompress(out, data);
        if (n !== claimed) throw new Error(`zstd frame decoded to ${n} bytes, its header says ${claimed}`);
        return out;
      }
      return decompressStreaming(data, maxSize);
    },
  };
}
