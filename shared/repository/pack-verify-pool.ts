// The pack verification pool: worker threads that run verifyPack, so that `check --read-data` hashes,
// decrypts and decompresses packs on every core while the calling thread only reads files. Each pack goes
// to the worker with the fewest bytes queued, its buffer transferred (no copy). Workers hold the event loop
// open only while they have work, so a forgotten close() never keeps a process alive.
import type { Worker } from 'node:worker_threads';
import type { Id } from '../core/index.js';
import type { MasterKey } from '../crypto/index.js';
import type { IndexBlob } from '../format/index.js';
import type { PackVerdict } from './pack-verify.js';
import type { PackVerifyReply, PackVerifyRequest, PackVerifyWorkerData } from './pack-verify-protocol.js';
import { startWorker, workerScript } from './worker-thread.js';

interface Pending {
  readonly bytes: number;
  readonly resolve: (verdict: PackVerdict) => void;
  readonly reject: (err: Error) => void;
}

interface Slot {
  readonly worker: Worker;
  readonly pending: Map<number, Pending>;
  bytes: number;
}

export class PackVerifyPool {
  private readonly slots: Slot[];
  private nextJob = 0;
  private closed = false;
  private broken: Error | undefined;

  private constructor(script: URL, key: MasterKey, threads: number) {
    const workerData: PackVerifyWorkerData = { encrypt: key.encrypt, macK: key.macK, macR: key.macR };
    this.slots = Array.from({ length: threads }, () => {
      const slot: Slot = { worker: startWorker(script, workerData), pending: new Map(), bytes: 0 };
      slot.worker.on('message', (reply: PackVerifyReply) => this.answer(slot, reply));
      slot.worker.on('error', (err) => this.fail(err));
      slot.worker.on('exit', (code) => {
        if (!this.closed) this.fail(new Error(`pack verification thread exited with code ${code}`));
      });
      // After the listeners: adding a 'message' listener refs the worker again.
      slot.worker.unref();
      return slot;
    });
  }

  /**
   * create starts `threads` workers verifying with `key`; undefined when the worker script cannot be found
   * (e.g. inside a single-file Lambda bundle: the caller then verifies on its own thread).
   */
  static create(key: MasterKey, threads: number): PackVerifyPool | undefined {
    const script = workerScript('pack-verify-worker');
    if (script === undefined || threads < 1) return undefined;
    return new PackVerifyPool(script, key, threads);
  }

  /** Pack bytes sent to the workers and not yet answered. */
  get pendingBytes(): number {
    return this.slots.reduce((n, s) => n + s.bytes, 0);
  }

  /** Packs sent to the workers and not yet answered. */
  get pendingPacks(): number {
    return this.slots.reduce((n, s) => n + s.pending.size, 0);
  }

  /**
   * verify resolves to what verifyPack(key, packId, bytes, indexed) returns. `bytes` is handed over: when
   * it spans its whole ArrayBuffer that buffer is transferred to a worker (detached here), otherwise it is
   * copied (a small Buffer may share Node's pool with others). Rejects when a worker fails or died, or the
   * pool is closed.
   */
  verify(packId: Id, bytes: Uint8Array, indexed: readonly IndexBlob[]): Promise<PackVerdict> {
    if (this.closed) return Promise.reject(new Error('the pack verification pool is closed'));
    if (this.broken) return Promise.reject(this.broken);
    const owned = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
    const buffer = owned ? (bytes.buffer as ArrayBuffer) : copyToArrayBuffer(bytes);
    const slot = this.slots.reduce((a, b) => (b.bytes < a.bytes ? b : a));
    const job = this.nextJob++;
    return new Promise((resolve, reject) => {
      slot.pending.set(job, { bytes: buffer.byteLength, resolve, reject });
      slot.bytes += buffer.byteLength;
      if (slot.pending.size === 1) slot.worker.ref();
      const request: PackVerifyRequest = { job, packId, buffer, offset: 0, length: buffer.byteLength, indexed };
      slot.worker.postMessage(request, [buffer]);
    });
  }

  /** close stops the workers; verifications still pending are rejected. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.fail(new Error('the pack verification pool is closed'));
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private answer(slot: Slot, reply: PackVerifyReply): void {
    const p = slot.pending.get(reply.job);
    if (p === undefined) return;
    slot.pending.delete(reply.job);
    slot.bytes -= p.bytes;
    if (slot.pending.size === 0) slot.worker.unref();
    if ('error' in reply) p.reject(new Error(`verifying a pack: ${reply.error}`));
    else p.resolve(reply.verdict);
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
