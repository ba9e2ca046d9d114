// The encoder pool: worker threads that compress and seal blobs (encodeBlob), so the thread that reads,
// chunks, hashes and deduplicates never waits for zstd or AES. Small blobs are batched into one message
// per event-loop turn (tens of thousands of small files would otherwise cost a message each); every
// plaintext is copied once into a batch buffer, transferred to a worker, and the sealed bytes come back
// transferred together with the batch buffer for reuse (see encoder-protocol.ts). Workers hold the event loop open only while they have work, so a forgotten close()
// never keeps a process alive.
import type { Worker } from 'node:worker_threads';
import type { BlobType, Id } from '../core/index.js';
import type { MasterKey } from '../crypto/index.js';
import type { EncodedBlob } from './pack-writer.js';
import type { EncodeReply, EncodeRequest, EncoderWorkerData } from './encoder-protocol.js';
import { masterKeyParts, startWorker, workerScript as findWorkerScript } from './worker-thread.js';
import { SpareBuffers } from './spare-buffers.js';

/** A batch is sent once it holds this many plaintext bytes, or at the end of the event-loop turn. */
const BATCH_BYTES = 512 * 1024;
/** Request buffers the workers handed back, kept for reuse up to this many bytes (most chunks are 1–2 MiB). */
const SPARE_BYTES = 8 * 1024 * 1024;

interface Job {
  readonly type: BlobType;
  readonly id: Id;
  readonly offset: number;
  readonly length: number;
  readonly resolve: (blob: EncodedBlob) => void;
  readonly reject: (err: Error) => void;
}

/** A batch being filled: plaintexts copied back to back into one buffer. */
interface Batch {
  readonly buffer: ArrayBuffer;
  readonly bytes: Uint8Array;
  readonly jobs: Job[];
  used: number;
}

interface Slot {
  readonly worker: Worker;
  /** Batches sent and not yet answered, by batch number. */
  readonly inFlight: Map<number, Job[]>;
  bytes: number;
  /** This worker's reply buffers whose blobs were all released, sent back with its next batch. */
  readonly recycled: ArrayBuffer[];
}

/** workerScript finds the encoder worker's entry point (see worker-thread.ts). */
export function workerScript(): URL | undefined {
  return findWorkerScript('encoder-worker');
}

export class EncoderPool {
  private readonly slots: Slot[];
  private batch: Batch | undefined;
  /**
   * Request buffers back from the workers. Reusing them, instead of a fresh ArrayBuffer per batch, keeps
   * this thread's malloc heap from fragmenting under a stream of 0.5–8 MiB allocations and frees.
   */
  private readonly spare = new SpareBuffers(SPARE_BYTES);
  private batchScheduled = false;
  private nextBatch = 0;
  private closed = false;
  private broken: Error | undefined;

  private constructor(script: URL, key: MasterKey, version: 1 | 2, threads: number) {
    const workerData: EncoderWorkerData = { ...masterKeyParts(key), version };
    this.slots = Array.from({ length: threads }, () => {
      const slot: Slot = { worker: startWorker(script, workerData), inFlight: new Map(), bytes: 0, recycled: [] };
      slot.worker.on('message', (reply: EncodeReply) => this.answer(slot, reply));
      slot.worker.on('error', (err) => this.fail(err));
      slot.worker.on('exit', (code) => {
        if (!this.closed) this.fail(new Error(`blob encoder thread exited with code ${code}`));
      });
      // After the listeners: adding a 'message' listener refs the worker again.
      slot.worker.unref();
      return slot;
    });
  }

  /**
   * create starts `threads` workers encoding for `key` and repository `version`; undefined when the
   * worker script cannot be found (the caller then encodes on its own thread).
   */
  static create(key: MasterKey, version: 1 | 2, threads: number): EncoderPool | undefined {
    const script = workerScript();
    if (script === undefined || threads < 1) return undefined;
    return new EncoderPool(script, key, version, threads);
  }

  /** Plaintext bytes accepted and not yet answered. */
  get pendingBytes(): number {
    return (this.batch?.used ?? 0) + this.slots.reduce((n, s) => n + s.bytes, 0);
  }

  /**
   * encode resolves to what encodeBlob(key, version, type, id, plaintext) returns (same format, a fresh
   * IV). `plaintext` is copied into the current batch before encode returns, so the caller may reuse its buffer at once.
   * The result's `stored` stays valid until its `release()` is called; a caller that never calls it only
   * loses the reuse of the buffer.
   * Rejects when the blob cannot be encoded, a worker died, or the pool is closed.
   */
  encode(type: BlobType, id: Id, plaintext: Uint8Array | readonly Uint8Array[]): Promise<EncodedBlob> {
    if (this.closed) return Promise.reject(new Error('the blob encoder pool is closed'));
    if (this.broken) return Promise.reject(this.broken);
    // A blob may come in pieces (a chunk that spans read buffers): they are copied into the batch back to
    // back, which is the one copy a blob takes anyway, instead of being concatenated first.
    const pieces = plaintext instanceof Uint8Array ? [plaintext] : plaintext;
    let length = 0;
    for (const piece of pieces) length += piece.length;
    return new Promise((resolve, reject) => {
      if (this.batch !== undefined && this.batch.used + length > this.batch.bytes.length) this.sendBatch();
      if (this.batch === undefined) {
        const buffer = this.spare.take(Math.max(BATCH_BYTES, length));
        this.batch = { buffer, bytes: new Uint8Array(buffer), jobs: [], used: 0 };
      }
      const batch = this.batch;
      let at = batch.used;
      for (const piece of pieces) {
        batch.bytes.set(piece, at);
        at += piece.length;
      }
      batch.jobs.push({ type, id, offset: batch.used, length, resolve, reject });
      batch.used += length;
      if (batch.used >= BATCH_BYTES) this.sendBatch();
      else if (!this.batchScheduled) {
        this.batchScheduled = true;
        setImmediate(() => this.sendBatch());
      }
    });
  }

  /** close stops the workers; encodes still pending are rejected. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.fail(new Error('the blob encoder pool is closed'));
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private sendBatch(): void {
    this.batchScheduled = false;
    const sending = this.batch;
    if (sending === undefined || this.broken) return;
    this.batch = undefined;
    const { jobs, used: bytes } = sending;
    // The least loaded worker takes the batch, so one slow blob does not stall the others behind it.
    const slot = this.slots.reduce((a, b) => (b.bytes < a.bytes ? b : a));
    const batch = this.nextBatch++;
    slot.inFlight.set(batch, jobs);
    slot.bytes += bytes;
    if (slot.inFlight.size === 1) slot.worker.ref();
    const recycled = slot.recycled.splice(0);
    const request: EncodeRequest = { batch, buffer: sending.buffer, jobs: jobs.map((j) => ({ type: j.type, id: j.id, offset: j.offset, length: j.length })), recycled };
    slot.worker.postMessage(request, [sending.buffer, ...recycled]);
  }

  private answer(slot: Slot, reply: EncodeReply): void {
    const jobs = slot.inFlight.get(reply.batch);
    if (jobs === undefined) return;
    if (!this.closed) this.spare.keep(reply.request);
    slot.inFlight.delete(reply.batch);
    if (slot.inFlight.size === 0) slot.worker.unref();
    // The reply buffer goes back to its worker once every blob in it is released by whoever stored it.
    let unreleased = reply.results.filter((r) => r !== undefined && !('error' in r)).length;
    const releaseOne = (): void => {
      if (--unreleased === 0 && !this.closed) slot.recycled.push(reply.buffer);
    };
    jobs.forEach((job, i) => {
      slot.bytes -= job.length;
      const r = reply.results[i];
      if (r === undefined) job.reject(new Error('blob encoder thread sent no result'));
      else if ('error' in r) job.reject(new Error(`encoding ${job.type} blob ${job.id}: ${r.error}`));
      else {
        // A view into the batch's reply buffer, valid until release() is called.
        const stored = Buffer.from(reply.buffer, r.offset, r.length);
        let released = false;
        const release = (): void => {
          if (released) return;
          released = true;
          releaseOne();
        };
        job.resolve({ type: job.type, id: job.id, stored, uncompressedLength: r.uncompressedLength, release });
      }
    });
  }

  /** fail rejects everything pending and every later encode with `err`. */
  private fail(err: Error): void {
    this.broken ??= err;
    const pending = [...(this.batch?.jobs ?? []), ...this.slots.flatMap((s) => [...s.inFlight.values()].flat())];
    this.batch = undefined;
    for (const s of this.slots) {
      s.inFlight.clear();
      s.bytes = 0;
      s.worker.unref();
    }
    for (const job of pending) job.reject(this.broken);
  }
}
