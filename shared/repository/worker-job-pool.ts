// A pool of worker threads that each take one job at a time from this thread: a request carrying one
// ArrayBuffer (transferred, not copied) and a reply naming the job. Check's pack verification and prune's
// blob verification are such pools; this is the part they share — sending each job to the worker with the
// fewest bytes queued, matching replies to jobs, failing everything pending when a worker dies, and holding
// the event loop open only while work is pending, so a forgotten close() never keeps a process alive.
import type { Worker } from 'node:worker_threads';
import { startWorker, workerScript } from './worker-thread.js';

interface Pending<Reply> {
  readonly bytes: number;
  readonly resolve: (reply: Reply) => void;
  readonly reject: (err: Error) => void;
}

interface Slot<Reply> {
  readonly worker: Worker;
  readonly pending: Map<number, Pending<Reply>>;
  bytes: number;
}

export class WorkerJobPool<Request extends { readonly job: number }, Reply extends { readonly job: number }> {
  private readonly slots: Slot<Reply>[];
  private nextJob = 0;
  private closed = false;
  private broken: Error | undefined;

  private constructor(
    script: URL,
    workerData: unknown,
    threads: number,
    /** What the workers do, for messages: e.g. "pack verification". */
    private readonly what: string,
  ) {
    this.slots = Array.from({ length: threads }, () => {
      const slot: Slot<Reply> = { worker: startWorker(script, workerData), pending: new Map(), bytes: 0 };
      slot.worker.on('message', (reply: Reply) => this.answer(slot, reply));
      slot.worker.on('error', (err) => this.fail(err));
      slot.worker.on('exit', (code) => {
        if (!this.closed) this.fail(new Error(`${what} thread exited with code ${code}`));
      });
      // After the listeners: adding a 'message' listener refs the worker again.
      slot.worker.unref();
      return slot;
    });
  }

  /**
   * create starts `threads` workers running the script `name` (see worker-thread.ts) with `workerData`;
   * undefined when the script cannot be found (a single-file Lambda bundle) or `threads` < 1, and the
   * caller then does the work on its own thread.
   */
  static create<Request extends { readonly job: number }, Reply extends { readonly job: number }>(
    name: string,
    workerData: unknown,
    threads: number,
    what: string,
  ): WorkerJobPool<Request, Reply> | undefined {
    const script = workerScript(name);
    if (script === undefined || threads < 1) return undefined;
    return new WorkerJobPool<Request, Reply>(script, workerData, threads, what);
  }

  /** Bytes sent to the workers and not yet answered. */
  get pendingBytes(): number {
    return this.slots.reduce((n, s) => n + s.bytes, 0);
  }

  /** Jobs sent to the workers and not yet answered. */
  get pendingJobs(): number {
    return this.slots.reduce((n, s) => n + s.pending.size, 0);
  }

  /**
   * run sends the request that `request(job)` builds around `buffer` (transferred: detached here) and
   * resolves to the worker's reply. Rejects when a worker failed or died, or the pool is closed.
   */
  run(buffer: ArrayBuffer, request: (job: number) => Request): Promise<Reply> {
    if (this.closed) return Promise.reject(new Error(`the ${this.what} pool is closed`));
    if (this.broken) return Promise.reject(this.broken);
    const slot = this.slots.reduce((a, b) => (b.bytes < a.bytes ? b : a));
    const job = this.nextJob++;
    return new Promise((resolve, reject) => {
      slot.pending.set(job, { bytes: buffer.byteLength, resolve, reject });
      slot.bytes += buffer.byteLength;
      if (slot.pending.size === 1) slot.worker.ref();
      slot.worker.postMessage(request(job), [buffer]);
    });
  }

  /** close stops the workers; jobs still pending are rejected. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.fail(new Error(`the ${this.what} pool is closed`));
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private answer(slot: Slot<Reply>, reply: Reply): void {
    const p = slot.pending.get(reply.job);
    if (p === undefined) return;
    slot.pending.delete(reply.job);
    slot.bytes -= p.bytes;
    if (slot.pending.size === 0) slot.worker.unref();
    p.resolve(reply);
  }

  /** fail rejects everything pending and every later job with `err`. */
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

/**
 * ownedArrayBuffer returns an ArrayBuffer holding exactly `bytes`, to hand to a worker: `bytes`' own buffer
 * when it spans all of it (then transferring detaches `bytes`), else a copy (a small Buffer may share
 * Node's pool with others).
 */
export function ownedArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer) return bytes.buffer;
  const buffer = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(buffer).set(bytes);
  return buffer;
}
