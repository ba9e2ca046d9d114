// Where check verifies the packs it read: in a pool of worker threads when there is more than one core and
// the worker script exists, and on the calling thread when every worker already has work queued (so a
// machine with N cores runs N-1 workers plus this thread: each worker costs start-up and a malloc arena of
// its own, and this thread only reads meanwhile) — or on the calling thread alone (a single-file Lambda
// bundle, a one-core machine). All run the same verifyPack, so the findings are identical. The pool is
// started on first use and stopped when verification has been idle for a moment, so a step that never
// reaches finalize (a Lambda per work item, a failed item) leaves no threads behind.
import type { Id } from '../../core/index.js';
import type { MasterKey } from '../../crypto/index.js';
import type { IndexBlob } from '../../format/index.js';
import { verifyPack, type PackVerdict } from '../../repository/pack-verify.js';
import { PackVerifyPool } from '../../repository/pack-verify-pool.js';

/** Idle time after which the worker threads are stopped (restarting them costs tens of milliseconds). */
const IDLE_CLOSE_MS = 2000;
/**
 * Packs a worker may hold (one being verified, one waiting) before this thread verifies the next itself:
 * the waiting one keeps the worker busy while this thread is occupied with a pack of its own.
 */
const PACKS_PER_WORKER = 2;

export class PackVerifier {
  private pool: PackVerifyPool | undefined;
  /** False once the pool could not be started: stay on this thread. */
  private poolAvailable: boolean;
  private active = 0;
  private idleTimer: NodeJS.Timeout | undefined;

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
    if (this.poolOrUndefined() !== undefined && this.active === 0) this.armIdleClose();
  }

  /** verify returns verifyPack's verdict on `bytes`, which it takes over (see PackVerifyPool.verify). */
  async verify(packId: Id, bytes: Uint8Array, indexed: readonly IndexBlob[]): Promise<PackVerdict> {
    const pool = this.poolOrUndefined();
    if (pool === undefined || pool.pendingPacks >= this.threads * PACKS_PER_WORKER) return verifyPack(this.key, packId, bytes, indexed);
    this.active++;
    clearTimeout(this.idleTimer);
    try {
      return await pool.verify(packId, bytes, indexed);
    } finally {
      if (--this.active === 0) this.armIdleClose();
    }
  }

  /** close stops the worker threads, if any (a later verify starts them again). */
  async close(): Promise<void> {
    clearTimeout(this.idleTimer);
    const pool = this.pool;
    this.pool = undefined;
    await pool?.close();
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
