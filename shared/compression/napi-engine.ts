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
    const pieces: Uint8Array[] = [];
    let total = 0;
    stream(data, () => Buffer.allocUnsafe(Math.min(STREAM_CHUNK, maxSize - total + 1)), (piece) => {
      total += piece.length;
      if (total > maxSize) throw new Error(`decompressed data exceeds ${maxSize} bytes`);
      pieces.push(piece);
    });
    const only = pieces.length === 1 ? pieces[0] : undefined;
    return only ? Buffer.from(only.buffer, only.byteOffset, only.length) : Buffer.concat(pieces, total);
  }

  /** decompressStreaming into `dst`, returning the bytes written; once it is full, a 1-byte probe tells whether more output follows. */
  function decompressStreamingInto(dst: Uint8Array, data: Uint8Array): number {
    const probe = new Uint8Array(1);
    let total = 0;
    stream(data, () => (total < dst.length ? dst.subarray(total) : probe), (piece) => {
      total += piece.length;
      if (total > dst.length) throw new Error(`decompressed data exceeds ${dst.length} bytes`);
    });
    return total;
  }

  /** Runs the streaming decoder over all of `data`, asking `room` where to write and telling `took` what it wrote. */
  function stream(data: Uint8Array, room: () => Uint8Array, took: (piece: Uint8Array) => void): void {
    dctx.reset(b.ResetDirective.sessionOnly);
    let src = data;
    for (;;) {
      const dst = room();
      const [remaining, produced, consumed] = dctx.decompressStream(dst, src);
      src = src.subarray(consumed);
      if (produced > 0) took(dst.subarray(0, produced));
      if (remaining === 0 && src.length === 0) return; // last frame complete and flushed
      if (produced === 0 && consumed === 0) throw new Error('zstd data is truncated');
    }
  }

  /**
   * The size a lone frame states in its header, or undefined when `data` is not exactly one such frame
   * (then the streaming decoder, which needs no stated size, takes it).
   */
  function loneFrameSize(data: Uint8Array): number | undefined {
    if (data.length === 0) throw new Error('empty input is not a zstd frame');
    const claimed = b.getFrameContentSize(data);
    return claimed !== null && b.findFrameCompressedSize(data) === data.length ? claimed : undefined;
  }

  /** Throws when a lone frame states more than `limit` bytes: before any buffer of that size exists. */
  function checkClaim(claimed: number, limit: number): void {
    if (claimed > limit) throw new Error(`zstd frame claims ${claimed} bytes, more than the limit of ${limit}`);
  }

  /** Decodes a lone frame into `out`, exactly as long as its header states. */
  function decodeFrame(out: Uint8Array, data: Uint8Array): void {
    const n = dctx.decompress(out, data);
    if (n !== out.length) throw new Error(`zstd frame decoded to ${n} bytes, its header says ${out.length}`);
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
      // The common case, one frame stating its size: decode straight into an exact buffer.
      const claimed = loneFrameSize(data);
      if (claimed === undefined) return decompressStreaming(data, maxSize);
      checkClaim(claimed, maxSize);
      const out = Buffer.allocUnsafe(claimed);
      decodeFrame(out, data);
      return out;
    },
    decompressInto(dst, data) {
      const claimed = loneFrameSize(data);
      if (claimed === undefined) return Buffer.from(dst.buffer, dst.byteOffset, decompressStreamingInto(dst, data));
      checkClaim(claimed, dst.length);
      decodeFrame(dst.subarray(0, claimed), data);
      return Buffer.from(dst.buffer, dst.byteOffset, claimed);
    },
  };
}
