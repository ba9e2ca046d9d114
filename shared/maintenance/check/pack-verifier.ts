// Where check verifies the packs it read: in a pool of worker threads when there is more than one core and
// the worker script exists, and on the calling thread too (so a machine with N cores runs N-1 workers plus
// this thread: each worker costs start-up and a malloc arena of its own, and this thread only reads
// meanwhile) — or on the calling thread alone (a single-file Lambda bundle, a one-core machine). All run
// the same verifyPackSteps, so the findings are identical. Packs wait in one queue and go to whichever
// verifier is free first, so no pack waits behind a busy thread while another idles. The pool is started
// on first use and stopped when verification has been idle for a moment, so a step that never reaches
// finalize (a Lambda per work item, a failed item) leaves no threads behind.
import type { Id } from '../../core/index.js';
import type { MasterKey } from '../../crypto/index.js';
import type { IndexBlob } from '../../format/index.js';
import { verifyPackSteps, type PackVerdict } from '../../repository/pack-verify.js';
import { PackVerifyPool } from '../../repository/pack-verify-pool.js';

/** Idle time after which the worker threads are stopped (restarting them costs tens of milliseconds). */
const IDLE_CLOSE_MS = 2000;
/**
 * Packs a worker may hold (one being verified, one waiting): the waiting one keeps it busy while its
 * answer travels back and the next pack is sent.
 */
const PACKS_PER_WORKER = 2;
/**
 * Buffers of verified packs kept for the next reads. A fresh 16 MiB buffer per pack cost its page faults
 * on every read and its unmapping after (measured on a 330 MB check --read-data: ~60k fewer page faults and
 * 0.05-0.1 s less CPU with buffers reused); a few suffice, as the byte budget lets only a few packs be in
 * memory at once.
 */
const SPARE_BUFFERS = 4;
/** New buffers are rounded up to whole MiB, so that one fits the next pack too (packs differ a little in size). */
const BUFFER_GRAIN = 1024 * 1024;

interface QueuedPack {
  readonly packId: Id;
  readonly bytes: Uint8Array;
  /** Whether bytes.buffer came from allocate(), to be kept for another read once verified. */
  readonly reuse: boolean;
  readonly indexed: readonly IndexBlob[];
  readonly resolve: (verdict: PackVerdict) => void;
  readonly reject: (err: unknown) => void;
}

export class PackVerifier {
  private pool: PackVerifyPool | undefined;
  /** False once the pool could not be started: stay on this thread. */
  private poolAvailable: boolean;
  private readonly queue: QueuedPack[] = [];
  /** Whether this thread is verifying a pack (one at a time, between other events). */
  private busyHere = false;
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly spares: ArrayBuffer[] = [];

  /** `threads`: worker threads to verify on besides the calling thread; 0 verifies on the calling thread only. */
  constructor(private readonly key: MasterKey, readonly threads: number) {
    this.poolAvailable = threads > 0;
  }

  /** Whether packs are verified in worker threads (known once the first pack was verified, or after start). */
  get inWorkers(): boolean {
    return this.pool !== undefined;
  }

  /** start starts the worker threads ahead of the first pack, so their start-up overlaps other work. */
  start(): void {
    if (this.poolOrUndefined() !== undefined && this.pool!.pendingPacks === 0) this.armIdleClose();
  }

  /**
   * allocate returns memory for reading a pack of `length` bytes into (a storage ReadAllocator): the buffer
   * of a pack verified earlier when one is large enough, else a new one.
   */
  allocate(length: number): ArrayBuffer {
    const i = this.spares.findIndex((b) => b.byteLength >= length);
    if (i >= 0) return this.spares.splice(i, 1)[0]!;
    return new ArrayBuffer(Math.ceil(length / BUFFER_GRAIN) * BUFFER_GRAIN);
  }

  /**
   * verify returns verifyPack's verdict on `bytes`, which it takes over (see PackVerifyPool.verify). With
   * `reuse`, bytes.buffer is one that allocate() returned and nothing else holds: once the pack is verified
   * it serves another read.
   */
  verify(packId: Id, bytes: Uint8Array, indexed: readonly IndexBlob[], reuse = false): Promise<PackVerdict> {
    return new Promise((resolve, reject) => {
      this.queue.push({ packId, bytes, reuse, indexed, resolve, reject });
      this.dispatch();
    });
  }

  /**
   * close stops the worker threads, if any, and rejects the packs still waiting for a verifier (none when
   * called after the last verification; some when a command gives up early). A later verify starts again.
   */
  async close(): Promise<void> {
    clearTimeout(this.idleTimer);
    for (const p of this.queue.splice(0)) p.reject(new Error('pack verification was stopped'));
    const pool = this.pool;
    this.pool = undefined;
    await pool?.close();
  }

  /** dispatch hands queued packs to a worker with room, else to this thread when it is free. */
  private dispatch(): void {
    while (this.queue.length > 0) {
      const pool = this.poolOrUndefined();
      if (pool !== undefined && pool.pendingPacks < this.threads * PACKS_PER_WORKER) {
        const p = this.queue.shift()!;
        clearTimeout(this.idleTimer);
        pool.verify(p.packId, p.bytes, p.indexed, p.reuse ? (b) => this.keep(b) : undefined).then(p.resolve, p.reject).finally(() => {
          if (this.pool === pool && pool.pendingPacks === 0) this.armIdleClose();
          this.dispatch();
        });
      } else if (!this.busyHere) {
        const p = this.queue.shift()!;
        this.busyHere = true;
        this.verifyHere(p).then(p.resolve, p.reject).finally(() => {
          this.busyHere = false;
          this.dispatch();
        });
      } else {
        return;
      }
    }
  }

  /**
   * verifyHere verifies on this thread, letting other events in between blobs: finished reads and workers'
   * answers are handled at once, so a worker is handed its next pack instead of waiting for this one.
   */
  private async verifyHere(p: QueuedPack): Promise<PackVerdict> {
    const steps = verifyPackSteps(this.key, p.packId, p.bytes, p.indexed);
    for (;;) {
      const step = steps.next();
      if (step.done) {
        // Kept before the verdict is delivered, so the reader it wakes finds the buffer free.
        if (p.reuse) this.keep(p.bytes.buffer as ArrayBuffer);
        return step.value;
      }
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  private keep(buffer: ArrayBuffer): void {
    if (this.spares.length < SPARE_BUFFERS) this.spares.push(buffer);
  }

  private armIdleClose(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => void this.close(), IDLE_CLOSE_MS);
    this.idleTimer.unref();
  }

  private poolOrUndefined(): PackVerifyPool | undefined {
    if (this.pool === undefined && this.poolAvailable) {
      this.pool = PackVerifyPool.create(this.key, this.threads);
      if (this.pool === undefined) this.poolAvailable = false;
    }
    return this.pool;
  }
}
