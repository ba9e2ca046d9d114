// The blob verification pool: worker threads that run verifySpanBlobs, so that prune's repack authenticates,
// decrypts, decompresses and hashes the blobs it keeps on every core while the calling thread reads old packs
// and assembles new ones. A span goes to the worker with the fewest bytes queued, its buffer transferred and
// handed back with the verdicts. Workers hold the event loop open only while they have work.
import type { Worker } from 'node:worker_threads';
import type { MasterKey } from '../crypto/index.js';
import type { BlobVerdict, BlobVerifyReply, BlobVerifyRequest, BlobVerifyWorkerData, SpanBlob } from './blob-verify-protocol.js';
import { startWorker, workerScript } from './worker-thread.js';

/** A verified span: its bytes (handed back by the worker) and one verdict per blob. */
export interface VerifiedSpan {
  readonly bytes: Buffer;
  readonly verdicts: BlobVerdict[];
}

interface Pending {
  readonly bytes: number;
  readonly resolve: (span: VerifiedSpan) => void;
  readonly reject: (err: Error) => void;
}

interface Slot {
  readonly worker: Worker;
  readonly pending: Map<number, Pending>;
  bytes: number;
}

export class BlobVerifyPool {
  private readonly slots: Slot[];
  private nextJob = 0;
  private closed = false;
  private broken: Error | undefined;

  private constructor(script: URL, workerData: BlobVerifyWorkerData, threads: number) {
    this.slots = Array.from({ length: threads }, () => {
      const slot: Slot = { worker: startWorker(script, workerData), pending: new Map(), bytes: 0 };
      slot.worker.on('message', (reply: BlobVerifyReply) => this.answer(slot, reply));
      slot.worker.on('error', (err) => this.fail(err));
      slot.worker.on('exit', (code) => {
        if (!this.closed) this.fail(new Error(`blob verification thread exited with code ${code}`));
      });
      // After the listeners: adding a 'message' listener refs the worker again.
      slot.worker.unref();
      return slot;
    });
  }

  /**
   * create starts `threads` workers for a repository with `key` and `version`; undefined when the worker
   * script cannot be found (a single-file Lambda bundle) or `threads` < 1: the caller verifies on its own.
   */
  static create(key: MasterKey, version: 1 | 2, threads: number): BlobVerifyPool | undefined {
    const script = workerScript('blob-verify-worker');
    if (script === undefined || threads < 1) return undefined;
    return new BlobVerifyPool(script, { encrypt: key.encrypt, macK: key.macK, macR: key.macR, version }, threads);
  }

  /**
   * verify resolves to verifySpanBlobs' verdicts on `span` and the span's bytes. `span` is handed over: when
   * it spans its whole ArrayBuffer that buffer is transferred (detached here), otherwise it is copied.
   * Rejects when a worker fails or died, or the pool is closed.
   */
  verify(span: Buffer, blobs: readonly SpanBlob[]): Promise<VerifiedSpan> {
    if (this.closed) return Promise.reject(new Error('the blob verification pool is closed'));
    if (this.broken) return Promise.reject(this.broken);
    const owned = span.byteOffset === 0 && span.byteLength === span.buffer.byteLength && span.buffer instanceof ArrayBuffer;
    const buffer = owned ? (span.buffer as ArrayBuffer) : copyToArrayBuffer(span);
    const slot = this.slots.reduce((a, b) => (b.bytes < a.bytes ? b : a));
    const job = this.nextJob++;
    return new Promise((resolve, reject) => {
      slot.pending.set(job, { bytes: buffer.byteLength, resolve, reject });
      slot.bytes += buffer.byteLength;
      if (slot.pending.size === 1) slot.worker.ref();
      const request: BlobVerifyRequest = { job, buffer, blobs };
      slot.worker.postMessage(request, [buffer]);
    });
  }

  /** close stops the workers; verifications still pending are rejected. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.fail(new Error('the blob verification pool is closed'));
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private answer(slot: Slot, reply: BlobVerifyReply): void {
    const p = slot.pending.get(reply.job);
    if (p === undefined) return;
    slot.pending.delete(reply.job);
    slot.bytes -= p.bytes;
    if (slot.pending.size === 0) slot.worker.unref();
    if ('failure' in reply) p.reject(new Error(`verifying blobs: ${reply.failure}`));
    else p.resolve({ bytes: Buffer.from(reply.buffer), verdicts: reply.verdicts });
  }

  /** fail rejects everything pending and every later verify with `err`. */
  private fail(err: Error): void {
    this.broken ??= err;
    const pending = this.slots.flatMap((s) => [...s.pending.values()]);
    for (const s of this.slots) {
      s.pending.clear();
      s.bytes = 0;
      s.worker.unref();
    }
    for (const p of pending) p.reject(this.broken);
  }
}

function copyToArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  const buffer = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(buffer).set(bytes);
  return buffer;
}
