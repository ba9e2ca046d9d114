// The blob decoding pool: worker threads that run decodeSpanBlobs, so that restore authenticates, decrypts,
// decompresses and hashes on other cores while the calling thread creates and writes the files (restore was
// one thread doing both: ~9 s of decoding and ~8 s of file-system calls for a 1 GB snapshot of 54k files).
// The threads and their bookkeeping are a WorkerJobPool; a span's buffer is transferred there and the
// plaintexts come back in one buffer.
import { CorruptDataError } from '../core/index.js';
import type { MasterKey } from '../crypto/index.js';
import type { BlobDecodeReply, BlobDecodeRequest, BlobDecodeWorkerData } from './blob-decode-protocol.js';
import type { SpanBlob } from './blob-verify-protocol.js';
import { ownedArrayBuffer, WorkerJobPool } from './worker-job-pool.js';
import { masterKeyParts } from './worker-thread.js';

export class BlobDecodePool {
  private constructor(private readonly pool: WorkerJobPool<BlobDecodeRequest, BlobDecodeReply>) {}

  /**
   * create starts `threads` workers decoding with `key`; undefined when the worker script cannot be found
   * (a single-file bundle) or `threads` < 1: the caller then decodes on its own thread.
   */
  static create(key: MasterKey, threads: number): BlobDecodePool | undefined {
    const workerData: BlobDecodeWorkerData = masterKeyParts(key);
    const pool = WorkerJobPool.create<BlobDecodeRequest, BlobDecodeReply>('blob-decode-worker', workerData, threads, 'blob decoding');
    return pool === undefined ? undefined : new BlobDecodePool(pool);
  }

  /**
   * decode resolves to the plaintexts of `blobs` in `span` (which it takes over, see ownedArrayBuffer), in
   * order. Rejects with CorruptDataError (decodeBlob's message) for the first blob that does not verify, and
   * with a plain Error when a worker failed or died, or the pool is closed.
   */
  async decode(span: Uint8Array, blobs: readonly SpanBlob[]): Promise<Buffer[]> {
    const buffer = ownedArrayBuffer(span);
    const reply = await this.pool.run(buffer, (job) => ({ job, buffer, blobs }));
    if ('damage' in reply) throw new CorruptDataError(reply.damage);
    if ('failure' in reply) throw new Error(`decoding blobs: ${reply.failure}`);
    const plains: Buffer[] = [];
    let at = 0;
    for (const length of reply.lengths) {
      plains.push(Buffer.from(reply.plain, at, length));
      at += length;
    }
    return plains;
  }

  /** close stops the workers; spans still pending are rejected. */
  close(): Promise<void> {
    return this.pool.close();
  }
}
