// A lock held by a whole maintenance job, across its Lambda invocations. A job runs for longer than any one
// function and between its steps nothing runs at all, so no single process can hold and refresh a lock
// from plan to finalize. Instead every lock file of a job carries the job as its hostname
// (`cairn-job:<requestId>`): each step writes a fresh one when it starts (checking for conflicts with
// everybody else's locks, never with its own job's), refreshes it every 5 minutes while it runs, and when
// it ends leaves its own file in place and removes the job's others. So the newest file of the job is
// always younger than a step plus the pause between steps, well inside restic's 30-minute staleness, and a
// backup sees the job's lock for the whole run. The last step (finalize, or the failure step) removes them
// all. restic 0.14 and cairn both read these as ordinary lock files.
// A 'lease' job (two-phase prune) holds the maintenance lease this way: shared for restic and for backups,
// flagged `cairn_maintainer`, so it conflicts only with exclusive locks and with other maintainers (any
// cairn maintainer, local or in the cloud). Its steps re-check it before destructive work (StepLock.check).
import { RepositoryLockedError, type Id } from '../../shared/core/index.js';
import { encodeLockFile, formatGoTime, type LockFile } from '../../shared/format/index.js';
import { isStale, LeaseLostError, LOCK_REFRESH_MS, LOCK_SAFE_GAP_MS, loadLocks, type Repository } from '../../shared/repository/index.js';

/** How a job locks the repository. */
export type JobLockMode = 'exclusive' | 'shared' | 'lease';

/** restic waits this long after writing its lock before looking for a competitor again. */
const RECHECK_DELAY_MS = 200;

/** The hostname every lock file of a job carries. */
export const jobLockOwner = (requestId: string): string => `cairn-job:${requestId}`;

/** One step's lock file of a job. */
export interface StepLock {
  /**
   * Stops refreshing and removes the job's other lock files, keeping this step's. Steps running in parallel
   * lose theirs, which is fine: this one stays, and each running step writes a new one at its next refresh.
   */
  handOver(): Promise<void>;
  /** Stops refreshing and removes every lock file of the job (the job is over). */
  releaseAll(): Promise<void>;
  /** Throws LeaseLostError when a refresh came too late or this step's lock file is gone. */
  check(): Promise<void>;
}

function lockFile(owner: string, mode: JobLockMode, now: Date): LockFile {
  // UTC: the lock's time is compared by instant; the zone only changes how restic prints it.
  const time = formatGoTime(BigInt(now.getTime()) * 1_000_000n, 0);
  const lock: LockFile = { time, exclusive: mode === 'exclusive', hostname: owner, username: 'cairn', pid: 1 };
  // A maintainer writes no snapshot, so its session start only marks the file as cairn's.
  if (mode === 'lease') Object.assign(lock, { cairn_session_start: time, cairn_maintainer: true });
  return lock;
}

async function checkConflicts(repo: Repository, owner: string, mode: JobLockMode, now: Date): Promise<void> {
  for (const { lock } of await loadLocks(repo)) {
    if (lock.hostname === owner) continue;
    const maintainers = mode === 'lease' && lock.cairn_maintainer === true;
    if (mode !== 'exclusive' && !lock.exclusive && !maintainers) continue;
    if (isStale(lock, now, owner)) continue;
    throw new RepositoryLockedError(lock.hostname, lock.pid, lock.time, lock.exclusive);
  }
}

/** removeJobLocks removes the job's lock files, all of them or all but `keep`; returns how many. */
export async function removeJobLocks(repo: Repository, requestId: string, keep?: Id): Promise<number> {
  const owner = jobLockOwner(requestId);
  const mine = (await loadLocks(repo)).filter((e) => e.lock.hostname === owner && e.id !== keep);
  await Promise.all(mine.map((e) => repo.backend.remove('locks', e.id)));
  return mine.length;
}

/**
 * acquireStepLock writes this step's lock file for the job after checking that no other party holds a
 * conflicting lock (RepositoryLockedError otherwise), then checks again, as restic does. `now` is the clock.
 */
export async function acquireStepLock(repo: Repository, requestId: string, mode: JobLockMode, now: () => Date, onRefreshError: (err: unknown) => void): Promise<StepLock> {
  const owner = jobLockOwner(requestId);
  await checkConflicts(repo, owner, mode, now());
  let lastOkMs = now().getTime();
  let current = await repo.saveJson('locks', encodeLockFile(lockFile(owner, mode, now())));
  await new Promise((r) => setTimeout(r, RECHECK_DELAY_MS));
  try {
    await checkConflicts(repo, owner, mode, now());
  } catch (err) {
    await repo.backend.remove('locks', current);
    throw err;
  }
  let refreshing = Promise.resolve();
  const timer = setInterval(() => {
    refreshing = (async () => {
      const old = current;
      const at = now().getTime();
      current = await repo.saveJson('locks', encodeLockFile(lockFile(owner, mode, new Date(at))));
      lastOkMs = at;
      await repo.backend.remove('locks', old);
    })().catch(onRefreshError);
  }, LOCK_REFRESH_MS);
  timer.unref();
  const stop = async (): Promise<void> => {
    clearInterval(timer);
    await refreshing;
  };
  return {
    async handOver() {
      await stop();
      await removeJobLocks(repo, requestId, current);
    },
    async releaseAll() {
      await stop();
      await removeJobLocks(repo, requestId);
    },
    async check() {
      if (now().getTime() - lastOkMs > LOCK_SAFE_GAP_MS) throw new LeaseLostError('its refresh came too late');
      try {
        await repo.backend.stat('locks', current);
      } catch (err) {
        if ((err as { code?: string }).code === 'NOT_FOUND') throw new LeaseLostError('its lock file was removed');
        throw err;
      }
    },
  };
}
