// The pack verification pool: worker threads that run verifyPack, so that `check --read-data` hashes,
// decrypts and decompresses packs on every core while the calling thread only reads files. The threads and
// their bookkeeping are a WorkerJobPool; each pack's buffer is transferred, not copied.
import type { Id } from '../core/index.js';
import type { MasterKey } from '../crypto/index.js';
import type { IndexBlob } from '../format/index.js';
import type { PackVerdict } from './pack-verify.js';
import type { PackVerifyReply, PackVerifyRequest, PackVerifyWorkerData } from './pack-verify-protocol.js';
import { ownedArrayBuffer, WorkerJobPool } from './worker-job-pool.js';
import { masterKeyParts } from './worker-thread.js';

export class PackVerifyPool {
  private constructor(private readonly pool: WorkerJobPool<PackVerifyRequest, PackVerifyReply>) {}

  /**
   * create starts `threads` workers verifying with `key`; undefined when the worker script cannot be found
   * (e.g. inside a single-file Lambda bundle: the caller then verifies on its own thread).
   */
  static create(key: MasterKey, threads: number): PackVerifyPool | undefined {
    const workerData: PackVerifyWorkerData = masterKeyParts(key);
    const pool = WorkerJobPool.create<PackVerifyRequest, PackVerifyReply>('pack-verify-worker', workerData, threads, 'pack verification');
    return pool === undefined ? undefined : new PackVerifyPool(pool);
  }

  /** Pack bytes sent to the workers and not yet answered. */
  get pendingBytes(): number {
    return this.pool.pendingBytes;
  }

  /** Packs sent to the workers and not yet answered. */
  get pendingPacks(): number {
    return this.pool.pendingJobs;
  }

  /**
   * verify resolves to what verifyPack(key, packId, bytes, indexed) returns. `bytes` is handed over (see
   * ownedArrayBuffer: transferred when it spans its whole buffer, else copied). With `giveBack`, the caller
   * owns the whole of `bytes.buffer`: it is transferred as it is and handed to `giveBack` once the worker
   * has answered. Rejects when a worker fails or died, or the pool is closed.
   */
  async verify(packId: Id, bytes: Uint8Array, indexed: readonly IndexBlob[], giveBack?: (buffer: ArrayBuffer) => void): Promise<PackVerdict> {
    const buffer = giveBack !== undefined ? (bytes.buffer as ArrayBuffer) : ownedArrayBuffer(bytes);
    const offset = giveBack !== undefined ? bytes.byteOffset : 0;
    const length = bytes.byteLength;
    const reply = await this.pool.run(buffer, (job) => ({ job, packId, buffer, offset, length, indexed, returnBuffer: giveBack !== undefined }));
    if (reply.buffer !== undefined) giveBack?.(reply.buffer);
    if ('error' in reply) throw new Error(`verifying a pack: ${reply.error}`);
    return reply.verdict;
  }

  /** close stops the workers; verifications still pending are rejected. */
  close(): Promise<void> {
    return this.pool.close();
  }
}
