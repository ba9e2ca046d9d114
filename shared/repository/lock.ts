// Locks: restic-compatible lock files under locks/. A shared lock (backup, restore) coexists with other
// shared locks; an exclusive one (restic's prune, check) with none. A lock is refreshed every 5 minutes by
// writing a new file and removing the old one; one older than 30 minutes, or from a dead process on this
// host, is stale and is ignored here (restic 0.14 is stricter and still refuses until `unlock`).
// cairn's locks also record when their session began (`cairn_session_start`, kept across refreshes) and,
// on the maintenance lease, a maintainer flag: two-phase prune reads both. A holder notices when its own
// heartbeat came too late (suspended laptop, lost network): others may have judged the lock stale
// meanwhile, so a backup must re-validate what it deduplicated before writing its snapshot.
import { CorruptDataError, RepositoryLockedError, type Id } from '../core/index.js';
import { encodeLockFile, decodeLockFile, formatGoTime, parseGoTime, localOffsetMinutes, type LockFile } from '../format/index.js';
import type { Identity, Repository } from './repository.js';

export const LOCK_STALE_MS = 30 * 60 * 1000;
export const LOCK_REFRESH_MS = 5 * 60 * 1000;
/**
 * A holder whose successful refreshes are further apart than this assumes others may have seen its lock as
 * stale. Half the stale age: room for a prune whose clock runs ahead of ours (maintainers abort beyond 5
 * minutes of skew) and for a refresh write that takes a while.
 */
export const LOCK_SAFE_GAP_MS = LOCK_STALE_MS / 2;
/**
 * A maintainer deletes packs only within this long after it listed the locks (and lists them again
 * otherwise). A holder whose lock may have gone stale refreshes it and then waits this long before it
 * checks what survived: every deletion decided while its lock looked stale has happened by then, and
 * every later decision sees its lock live again.
 */
export const LOCK_DELETE_WINDOW_MS = 60 * 1000;
/** restic waits this long after writing its lock before re-checking for a competitor. */
const RECHECK_DELAY_MS = 200;

export interface LockOptions extends Identity {
  readonly exclusive: boolean;
  /** A maintenance lease: conflicts with any other live maintainer's lease (one maintainer at a time). */
  readonly maintainer?: boolean;
  readonly now?: () => Date;
  /** Tells whether a PID on this host is alive; injectable for tests. */
  readonly isAlive?: (pid: number) => boolean;
  /**
   * The refresh gap above which this holder assumes others may have judged its lock stale.
   * @default LOCK_SAFE_GAP_MS — only tests lower it (to exercise re-validation without waiting 15 minutes).
   */
  readonly safeGapMs?: number;
}

export interface LockEntry {
  readonly id: Id;
  readonly lock: LockFile;
}

/** isProcessAlive tells whether a PID on this host exists (EPERM: it does, owned by someone else). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** isStale applies restic's rule: older than 30 minutes, or our host and the process is gone. */
export function isStale(lock: LockFile, now: Date, hostname: string, isAlive: (pid: number) => boolean = isProcessAlive): boolean {
  const ageMs = now.getTime() - Number(parseGoTime(lock.time).epochNs / 1_000_000n);
  if (ageMs > LOCK_STALE_MS) return true;
  return lock.hostname === hostname && !isAlive(lock.pid);
}

/** loadLocks reads every lock; files that cannot be read or decoded are skipped, as restic does. */
export async function loadLocks(repo: Repository): Promise<LockEntry[]> {
  const entries: LockEntry[] = [];
  for (const id of await repo.listIds('locks')) {
    try {
      entries.push({ id, lock: decodeLockFile(await repo.loadJson('locks', id)) });
    } catch (err) {
      if (!(err instanceof CorruptDataError) && (err as { code?: string }).code !== 'NOT_FOUND') throw err;
    }
  }
  return entries;
}

function goNow(now: Date): string {
  const ms = now.getTime();
  return formatGoTime(BigInt(ms) * 1_000_000n, localOffsetMinutes(ms));
}

export class RepositoryLock {
  private readonly repo: Repository;
  private readonly opts: LockOptions;
  private current: Id;
  private timer: NodeJS.Timeout | undefined;
  private released = false;
  /** Go time of the session's start, written into every lock file of this session. */
  readonly sessionStart: string;
  /** Time (ms) written into the newest lock file that was stored successfully. */
  private lastOkMs: number;
  /** A refresh came later than LOCK_SAFE_GAP_MS after the previous one, since acknowledgeStale. */
  private gapSeen = false;
  /** Refreshes run one at a time (the heartbeat and an explicit refresh must not race on `current`). */
  private chain: Promise<void> = Promise.resolve();

  private constructor(repo: Repository, opts: LockOptions, id: Id, sessionStart: string, writtenAtMs: number) {
    this.repo = repo;
    this.opts = opts;
    this.current = id;
    this.sessionStart = sessionStart;
    this.lastOkMs = writtenAtMs;
  }

  get id(): Id {
    return this.current;
  }

  /**
   * mayHaveGoneStale tells whether others may have judged this lock stale at some moment since the last
   * acknowledgeStale: a refresh gap above LOCK_SAFE_GAP_MS was seen, or the newest lock file is that old now.
   */
  mayHaveGoneStale(now: Date = this.clock()): boolean {
    return this.gapSeen || now.getTime() - this.lastOkMs > this.safeGapMs;
  }

  /** acknowledgeStale clears the gap flag; call right after a successful refresh, before re-validating. */
  acknowledgeStale(): void {
    this.gapSeen = false;
  }

  private get safeGapMs(): number {
    return this.opts.safeGapMs ?? LOCK_SAFE_GAP_MS;
  }

  private clock(): Date {
    return (this.opts.now ?? (() => new Date()))();
  }

  /** acquire writes our lock after checking for conflicts, then checks again (the race restic guards against). */
  static async acquire(repo: Repository, opts: LockOptions): Promise<RepositoryLock> {
    const now = opts.now ?? (() => new Date());
    await RepositoryLock.checkConflicts(repo, opts, now(), undefined);
    // The session starts before anything of the repository is read under this lock.
    const started = now();
    const sessionStart = goNow(started);
    const id = await repo.saveJson('locks', encodeLockFile(RepositoryLock.lockFile(opts, started, sessionStart)));
    await new Promise((r) => setTimeout(r, RECHECK_DELAY_MS));
    try {
      await RepositoryLock.checkConflicts(repo, opts, now(), id);
    } catch (err) {
      await repo.backend.remove('locks', id);
      throw err;
    }
    return new RepositoryLock(repo, opts, id, sessionStart, started.getTime());
  }

  private static lockFile(opts: LockOptions, at: Date, sessionStart: string): LockFile {
    const lock: LockFile = { time: goNow(at), exclusive: opts.exclusive, hostname: opts.hostname, username: opts.username, pid: opts.pid ?? process.pid };
    if (opts.uid !== undefined) lock.uid = opts.uid;
    if (opts.gid !== undefined) lock.gid = opts.gid;
    lock.cairn_session_start = sessionStart;
    if (opts.maintainer) lock.cairn_maintainer = true;
    return lock;
  }

  private static async checkConflicts(repo: Repository, opts: LockOptions, now: Date, own: Id | undefined): Promise<void> {
    for (const { id, lock } of await loadLocks(repo)) {
      if (id === own) continue;
      const maintainers = opts.maintainer === true && lock.cairn_maintainer === true;
      if (!opts.exclusive && !lock.exclusive && !maintainers) continue;
      if (isStale(lock, now, opts.hostname, opts.isAlive)) continue;
      throw new RepositoryLockedError(lock.hostname, lock.pid, lock.time, lock.exclusive);
    }
  }

  /** refresh replaces the lock file with one carrying the current time (and the same session start). */
  refresh(): Promise<void> {
    const run = this.chain.then(() => this.refreshNow());
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async refreshNow(): Promise<void> {
    if (this.released) return;
    const now = this.clock();
    const old = this.current;
    this.current = await this.repo.saveJson('locks', encodeLockFile(RepositoryLock.lockFile(this.opts, now, this.sessionStart)));
    // Judged by the time the file carries, which is what others compare against their clock.
    if (now.getTime() - this.lastOkMs > this.safeGapMs) this.gapSeen = true;
    this.lastOkMs = Math.max(this.lastOkMs, now.getTime());
    await this.repo.backend.remove('locks', old);
  }

  /** startRefresh keeps the lock fresh in the background until release; errors go to onError. */
  startRefresh(onError: (err: unknown) => void, intervalMs = LOCK_REFRESH_MS): void {
    this.timer = setInterval(() => void this.refresh().catch(onError), intervalMs);
    this.timer.unref();
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    if (this.timer) clearInterval(this.timer);
    await this.chain;
    await this.repo.backend.remove('locks', this.current);
  }
}

/** removeStaleLocks deletes stale locks (all locks with `all`); returns how many were removed. */
export async function removeLocks(repo: Repository, opts: { all: boolean; hostname: string; now: Date }): Promise<number> {
  let removed = 0;
  for (const { id, lock } of await loadLocks(repo)) {
    if (opts.all || isStale(lock, opts.now, opts.hostname)) {
      await repo.backend.remove('locks', id);
      removed++;
    }
  }
  return removed;
}
