// Lock sessions as two-phase prune sees them. Every backup (and every other reader that may write a
// snapshot) holds a lock for its whole run; a cairn lock says when its session began, a restic lock does not
// (its `time` moves on every refresh). The deletion rule asks one question of them: could this session have
// read an index in which a given pack was still live? A session that started after the mark became visible
// could not; any other one could, and may still write a snapshot that needs the pack.
import type { Id } from '../../core/index.js';
import { parseGoTime, type LockFile } from '../../format/index.js';

/** One lock holder. Times in milliseconds since the epoch. */
export interface LockSession {
  readonly lockId: Id;
  readonly host: string;
  readonly pid: number;
  /** When the session began; undefined for restic's locks: it may have begun at any time. */
  readonly startMs: number | undefined;
  readonly maintainer: boolean;
  readonly exclusive: boolean;
  /**
   * Others may ignore it. A cairn session is stale by restic's rule (lock older than 30 minutes, or its
   * process is dead on our host): a stale cairn backup re-validates before it writes its snapshot. A restic
   * session is stale only when its process is known dead: restic does not re-validate, so a suspended
   * restic backup must keep blocking however old its lock is.
   */
  readonly stale: boolean;
}

/** What sessionOf needs besides the lock: the clock and the rules for staleness. */
export interface SessionContext {
  readonly nowMs: number;
  readonly hostname: string;
  readonly staleAfterMs: number;
  readonly isAlive: (pid: number) => boolean;
}

/** sessionOf turns a decoded lock file into a session. */
export function sessionOf(lockId: Id, lock: LockFile, ctx: SessionContext): LockSession {
  const lockMs = goTimeMs(lock.time);
  const dead = lock.hostname === ctx.hostname && !ctx.isAlive(lock.pid);
  const cairn = lock.cairn_session_start !== undefined;
  return {
    lockId,
    host: lock.hostname,
    pid: lock.pid,
    startMs: cairn ? goTimeMs(lock.cairn_session_start!) : undefined,
    maintainer: lock.cairn_maintainer === true,
    exclusive: lock.exclusive,
    stale: dead || (cairn && ctx.nowMs - lockMs > ctx.staleAfterMs),
  };
}

/**
 * blockingSession returns a session that forbids deleting a pack marked at `markedAtMs`, or undefined.
 * A session blocks when it is not stale, is not a maintainer (maintainers write no snapshots, and there is
 * one at a time: ours), and may have started before the mark was visible: unknown start, or a start not after
 * `markedAtMs + clockMarginMs`. The margin absorbs clock skew between the session's host and the maintainer
 * that marked, and the time the marking index took to become visible (the commit checks that bound).
 */
export function blockingSession(sessions: readonly LockSession[], markedAtMs: number, clockMarginMs: number): LockSession | undefined {
  for (const s of sessions) {
    if (s.stale || s.maintainer) continue;
    // `<=`: a session that began at the very instant of the mark may still have read the older index.
    if (s.startMs === undefined || s.startMs <= markedAtMs + clockMarginMs) return s;
  }
  return undefined;
}

/** goTimeMs converts a Go time string to epoch milliseconds (rounded down). */
export function goTimeMs(time: string): number {
  return Number(parseGoTime(time).epochNs / 1_000_000n);
}
