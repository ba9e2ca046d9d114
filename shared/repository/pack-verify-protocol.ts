// The messages between the pack verification pool and its worker threads (types only, shared by both
// sides). A pack's bytes travel as one transferred ArrayBuffer, so handing a pack to a worker copies nothing.
import type { Id } from '../core/index.js';
import type { IndexBlob } from '../format/index.js';
import type { PackVerdict } from './pack-verify.js';
import type { MasterKeyParts } from './worker-thread.js';

/** What a worker is started with: the master key's parts. */
export type PackVerifyWorkerData = MasterKeyParts;

/** One pack to verify: its whole file is `buffer`[offset, offset + length). */
export interface PackVerifyRequest {
  readonly job: number;
  readonly packId: Id;
  readonly buffer: ArrayBuffer;
  readonly offset: number;
  readonly length: number;
  readonly indexed: readonly IndexBlob[];
  /** Send `buffer` back with the answer (transferred again), for the next pack to be read into. */
  readonly returnBuffer: boolean;
}

/** The verdict on one pack, or the message of an unexpected failure (a bug, not damage). */
export type PackVerifyReply = ({ readonly job: number; readonly verdict: PackVerdict } | { readonly job: number; readonly error: string }) & {
  /** The request's buffer, when it asked for it back. */
  readonly buffer?: ArrayBuffer;
};
