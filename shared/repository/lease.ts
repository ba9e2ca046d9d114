// The maintenance lease: the lock two-phase prune holds. restic sees a shared lock, so backups (cairn's and
// restic's) go on while it is held, and restic's own prune and check, which want an exclusive lock, refuse.
// cairn lets one maintainer hold a lease at a time (a second one conflicts unless the first went stale). The
// lease also pins "now" to the storage's clock: marks and the session rule compare times written by
// different hosts, so a maintainer whose clock is more than 5 minutes off the storage's aborts.
import { CairnError } from '../core/index.js';
import { RepositoryLock, type LockOptions } from './lock.js';
import type { Repository } from './repository.js';

/** Skew between our clock and the storage's beyond which a maintainer refuses to work. */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

/** Our clock and the storage's disagree by more than MAX_CLOCK_SKEW_MS. */
export class ClockSkewError extends CairnError {
  readonly skewMs: number;
  constructor(skewMs: number) {
    super(
      'CLOCK_SKEW',
      `this machine's clock is ${Math.round(Math.abs(skewMs) / 1000)} s ${skewMs > 0 ? 'ahead of' : 'behind'} the storage's; ` +
        'prune compares times across machines and will not run with more than 5 minutes of skew: synchronize the clock (NTP)',
    );
    this.skewMs = skewMs;
  }
}

export interface MaintenanceLease {
  readonly lock: RepositoryLock;
  /** Our clock minus the storage's, as measured on the lease file (positive: we are ahead). */
  readonly skewMs: number;
}

/**
 * acquireLease takes the maintenance lease: a shared, maintainer-flagged lock (throws RepositoryLockedError
 * when another live maintainer or an exclusive lock holds the repository), then stats its own lock file and
 * compares the storage's modification time with ours, taken around the write. Over `maxSkewMs` it releases
 * the lease and throws ClockSkewError. A storage that reports no modification time cannot be checked and is
 * trusted (skew 0).
 */
export async function acquireLease(repo: Repository, opts: Omit<LockOptions, 'exclusive' | 'maintainer'>, maxSkewMs = MAX_CLOCK_SKEW_MS): Promise<MaintenanceLease> {
  const now = opts.now ?? (() => new Date());
  const writtenAfter = now().getTime();
  const lock = await RepositoryLock.acquire(repo, { ...opts, exclusive: false, maintainer: true });
  try {
    const { mtime } = await repo.backend.stat('locks', lock.id);
    const skewMs = mtime === undefined ? 0 : skewOf(mtime.getTime(), writtenAfter, now().getTime());
    if (Math.abs(skewMs) > maxSkewMs) throw new ClockSkewError(skewMs);
    return { lock, skewMs };
  } catch (err) {
    await lock.release();
    throw err;
  }
}

/**
 * skewOf compares the storage's time of a write with our clock around it: the write happened between
 * `from` and `to` by our clock, so a storage time inside that span means no measurable skew (S3's whole
 * seconds round down, hence one second of slack). Returns our clock minus the storage's.
 */
export function skewOf(storageMs: number, from: number, to: number): number {
  if (storageMs < from - 1000) return from - storageMs;
  if (storageMs > to) return -(storageMs - to);
  return 0;
}

/** The lease may have gone stale: another maintainer may have started, so this one stops. */
export class LeaseLostError extends CairnError {
  constructor(detail: string) {
    super('LEASE_LOST', `the maintenance lease may have been lost (${detail}); stopped before the next destructive step: run prune again`);
  }
}

/**
 * checkLease throws LeaseLostError unless the lease is still safely ours: its refreshes came in time (no
 * one could have judged it stale, which is what would let a second maintainer in) and its current lock
 * file still exists (nobody ran `unlock` on it). Maintainers call it before each destructive step.
 */
export async function checkLease(repo: Repository, lock: RepositoryLock, now: Date): Promise<void> {
  if (lock.mayHaveGoneStale(now)) throw new LeaseLostError('its refresh came too late');
  try {
    await repo.backend.stat('locks', lock.id);
  } catch (err) {
    if ((err as { code?: string }).code === 'NOT_FOUND') throw new LeaseLostError('its lock file was removed');
    throw err;
  }
}
