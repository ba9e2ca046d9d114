// The blob verification pool: worker threads that run verifySpanBlobs, so that prune's repack authenticates,
// decrypts, decompresses and hashes the blobs it keeps on every core while the calling thread reads old packs
// and assembles new ones. The threads and their bookkeeping are a WorkerJobPool; a span's buffer is
// transferred and handed back with the verdicts.
import type { MasterKey } from '../crypto/index.js';
import type { BlobVerdict, BlobVerifyReply, BlobVerifyRequest, BlobVerifyWorkerData, SpanBlob } from './blob-verify-protocol.js';
import { ownedArrayBuffer, WorkerJobPool } from './worker-job-pool.js';
import { masterKeyParts } from './worker-thread.js';

/** A verified span: its bytes (handed back by the worker) and one verdict per blob. */
export interface VerifiedSpan {
  readonly bytes: Buffer;
  readonly verdicts: BlobVerdict[];
}

export class BlobVerifyPool {
  private constructor(private readonly pool: WorkerJobPool<BlobVerifyRequest, BlobVerifyReply>) {}

  /**
   * create starts `threads` workers for a repository with `key` and `version`; undefined when the worker
   * script cannot be found (a single-file Lambda bundle) or `threads` < 1: the caller verifies on its own.
   */
  static create(key: MasterKey, version: 1 | 2, threads: number): BlobVerifyPool | undefined {
    const workerData: BlobVerifyWorkerData = { ...masterKeyParts(key), version };
    const pool = WorkerJobPool.create<BlobVerifyRequest, BlobVerifyReply>('blob-verify-worker', workerData, threads, 'blob verification');
    return pool === undefined ? undefined : new BlobVerifyPool(pool);
  }

  /**
   * verify resolves to verifySpanBlobs' verdicts on `span` and the span's bytes. `span` is handed over (see
   * ownedArrayBuffer). Rejects when a worker fails or died, or the pool is closed.
   */
  async verify(span: Buffer, blobs: readonly SpanBlob[]): Promise<VerifiedSpan> {
    const buffer = ownedArrayBuffer(span);
    const reply = await this.pool.run(buffer, (job) => ({ job, buffer, blobs }));
    if ('failure' in reply) throw new Error(`verifying blobs: ${reply.failure}`);
    return { bytes: Buffer.from(reply.buffer), verdicts: reply.verdicts };
  }

  /** close stops the workers; verifications still pending are rejected. */
  close(): Promise<void> {
    return this.pool.close();
  }
}
