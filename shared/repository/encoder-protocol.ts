// The messages between the encoder pool and its worker threads (types only, shared by both sides). A batch
// travels as one transferred ArrayBuffer each way, with offsets: one allocation and one transfer per batch
// instead of one per blob, which matters with tens of thousands of small files.
import type { BlobType, Id } from '../core/index.js';
import type { MasterKeyParts } from './worker-thread.js';

/** What a worker is started with: the master key's parts and the repository version. */
export interface EncoderWorkerData extends MasterKeyParts {
  readonly version: 1 | 2;
}

/** Where one blob's bytes sit in a batch's buffer. */
export interface Span {
  readonly offset: number;
  readonly length: number;
}

/** One batch of blobs to encode: the plaintexts back to back in `buffer`. */
export interface EncodeRequest {
  readonly batch: number;
  readonly buffer: ArrayBuffer;
  readonly jobs: (Span & { readonly type: BlobType; readonly id: Id })[];
  /** Reply buffers whose blobs were all consumed, handed back for the worker to fill again. */
  readonly recycled: ArrayBuffer[];
}

/** The answer to one batch: the stored (compressed, sealed) blobs back to back in `buffer`, in request order. */
export interface EncodeReply {
  readonly batch: number;
  readonly buffer: ArrayBuffer;
  readonly results: ((Span & { readonly uncompressedLength: number }) | { readonly error: string })[];
  /** The request's buffer, handed back so the pool can reuse it for a later batch. */
  readonly request: ArrayBuffer;
}
