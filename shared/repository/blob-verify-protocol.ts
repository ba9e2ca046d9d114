// The messages between the blob verification pool and its worker threads (types only, shared by both
// sides). A span of pack bytes travels as one transferred ArrayBuffer and comes back the same way, so
// verifying copies nothing.
import type { BlobType, Id } from '../core/index.js';
import type { MasterKeyParts } from './worker-thread.js';

/** What a worker is started with: the master key's parts and the repository version. */
export interface BlobVerifyWorkerData extends MasterKeyParts {
  readonly version: 1 | 2;
}

/** A blob inside the span: `offset` counts from the span's start. */
export interface SpanBlob {
  readonly type: BlobType;
  readonly id: Id;
  readonly offset: number;
  readonly length: number;
  /** 0 = stored uncompressed. */
  readonly uncompressedLength: number;
}

export interface BlobVerifyRequest {
  readonly job: number;
  readonly buffer: ArrayBuffer;
  readonly blobs: readonly SpanBlob[];
}

/**
 * Per blob, in request order: null when its stored bytes verified and can be kept as they are; the newly
 * compressed and sealed bytes when it had to be rewritten (uncompressed in a v2 repository); or why it
 * failed. `buffer` is the request's span, handed back.
 */
export type BlobVerdict = null | { readonly stored: Uint8Array; readonly uncompressedLength: number } | { readonly error: string };

export type BlobVerifyReply =
  | { readonly job: number; readonly buffer: ArrayBuffer; readonly verdicts: BlobVerdict[] }
  | { readonly job: number; readonly buffer: ArrayBuffer; readonly failure: string };
