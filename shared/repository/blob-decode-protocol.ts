// The messages between the blob decoding pool and its worker threads (types only, shared by both sides).
// A span of pack bytes travels to the worker as one transferred ArrayBuffer; the plaintexts of its blobs
// come back, back to back, in another.
import type { SpanBlob } from './blob-verify-protocol.js';
import type { MasterKeyParts } from './worker-thread.js';

/** What a worker is started with: the master key's parts. */
export type BlobDecodeWorkerData = MasterKeyParts;

export interface BlobDecodeRequest {
  readonly job: number;
  readonly buffer: ArrayBuffer;
  /** The blobs of the span (offsets from its start), each to be decoded. */
  readonly blobs: readonly SpanBlob[];
}

/**
 * The plaintexts, back to back in request order, or the first blob that failed: `damage` when its bytes do
 * not authenticate, decompress or hash to its ID (a CorruptDataError on this side), `failure` for anything
 * else (a bug).
 */
export type BlobDecodeReply =
  | { readonly job: number; readonly plain: ArrayBuffer; readonly lengths: readonly number[] }
  | { readonly job: number; readonly damage: string }
  | { readonly job: number; readonly failure: string };
