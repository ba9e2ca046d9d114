// Everything a command needs before it can work: the printer, who we are, the backend, the opened
// repository and, for commands that change it, a lock. Commands call `withRepository` and get all of it
// cleaned up (lock released, connections closed) however they end.
import { hostname, userInfo } from 'node:os';
import type { Command } from 'commander';
import { openBackend, type Backend } from '../shared/storage/index.js';
import { acquireLease, Repository, RepositoryLock, type Identity } from '../shared/repository/index.js';
import { formatGoTime, localOffsetMinutes } from '../shared/format/index.js';
import { UsageError } from '../shared/core/index.js';
import { Printer } from './output/printer.js';
import { repositoryUrl, resolvePassword, type GlobalOptions } from './globals.js';

export interface CommandContext {
  readonly globals: GlobalOptions;
  readonly printer: Printer;
  readonly identity: Identity;
}

export function commandContext(cmd: Command): CommandContext {
  const globals = cmd.optsWithGlobals<GlobalOptions>();
  const printer = new Printer({ json: Boolean(globals.json), quiet: Boolean(globals.quiet), verbose: Boolean(globals.verbose) });
  return { globals, printer, identity: currentIdentity() };
}

export function currentIdentity(): Identity {
  const user = userInfo();
  return { hostname: hostname(), username: user.username, uid: user.uid, gid: user.gid, pid: process.pid };
}

/** nowGoTime is the current time as restic writes it (local offset, nanoseconds). */
export function nowGoTime(now = new Date()): string {
  const ms = now.getTime();
  return formatGoTime(BigInt(ms) * 1_000_000n, localOffsetMinutes(ms));
}

/** retrySetting reads a positive integer from CAIRN_<name> (RESTIC_<name> has no meaning here). */
function retrySetting(name: string): number | undefined {
  const raw = process.env[`CAIRN_${name}`];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < (name === 'RETRY_ATTEMPTS' ? 1 : 0)) throw new UsageError(`CAIRN_${name}="${raw}" is not a valid count: use a whole number such as 3`);
  return n;
}

/**
 * openStorage opens the backend for a URL, with S3 settings from the standard AWS variables and the retry
 * budget from CAIRN_RETRY_ATTEMPTS (attempts per call, default 10) and CAIRN_RETRY_BASE_MS (first backoff,
 * default 500), so a cron job on a flaky line can be more patient and a test need not wait minutes.
 */
export async function openStorage(url: string, printer: Printer): Promise<Backend> {
  const endpoint = process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL;
  const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  const maxAttempts = retrySetting('RETRY_ATTEMPTS');
  const baseDelayMs = retrySetting('RETRY_BASE_MS');
  // The AWS SDK warns on every start under Node < 22; a cron job's mail should carry only real problems.
  if (!printer.verbose) process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  return openBackend(url, {
    s3: { ...(endpoint ? { endpoint } : {}), ...(region ? { region } : {}) },
    retry: {
      ...(maxAttempts !== undefined ? { maxAttempts } : {}),
      ...(baseDelayMs !== undefined ? { baseDelayMs } : {}),
      onRetry: (info) => printer.debug(`retrying ${info.operation} after ${info.error instanceof Error ? info.error.message : String(info.error)} (attempt ${info.attempt})`),
    },
  });
}

/**
 * Test-only knobs for the lock's timing, read here so the engine never sees the environment:
 * CAIRN_TEST_LOCK_SAFE_GAP_MS (the refresh gap after which a backup re-validates, default 15 minutes) and
 * CAIRN_TEST_LOCK_REFRESH_MS (the heartbeat, default 5 minutes). Interop tests use them to suspend a backup
 * for seconds instead of half an hour. Not documented for users: a shorter gap only costs time, but a
 * longer refresh than the gap would make every backup re-validate.
 */
export function lockTestTiming(): { safeGapMs?: number; refreshMs?: number } {
  const read = (name: string): number | undefined => {
    const raw = process.env[name];
    if (raw === undefined || raw === '') return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${name}="${raw}" is not a positive whole number of milliseconds`);
    return n;
  };
  const safeGapMs = read('CAIRN_TEST_LOCK_SAFE_GAP_MS');
  const refreshMs = read('CAIRN_TEST_LOCK_REFRESH_MS');
  return { ...(safeGapMs !== undefined ? { safeGapMs } : {}), ...(refreshMs !== undefined ? { refreshMs } : {}) };
}

/** 'lease': the maintenance lease (a shared lock flagged as maintainer; two-phase prune). */
export type LockMode = 'none' | 'shared' | 'exclusive' | 'lease';

export interface OpenedRepository extends CommandContext {
  readonly repo: Repository;
  /** The lock held for the command (undefined with 'none' or --no-lock): backups watch it for staleness. */
  readonly lock?: RepositoryLock;
}

export type RepositoryOptions = {
  /**
   * Read the index files while the lock is being taken (work will load the index). Only the read-only
   * commands ask for it: see the note in index-prefetch.ts.
   */
  readonly readsIndex?: boolean;
  /**
   * Work to begin once the repository is open, while the lock is being taken (check's startBeforeLock). It
   * returns a function that stops that work; it is called when the command ends, however it ends.
   */
  readonly beforeLock?: (repo: Repository) => () => Promise<void>;
};

/** withRepository opens the repository (and locks it as asked), runs `work`, then always cleans up. */
export async function withRepository<T>(ctx: CommandContext, lock: LockMode, work: (r: OpenedRepository) => Promise<T>, opts: RepositoryOptions = {}): Promise<T> {
  const backend = await openStorage(repositoryUrl(ctx.globals), ctx.printer);
  let held: RepositoryLock | undefined;
  let stopEarlyWork: (() => Promise<void>) | undefined;
  try {
    const password = await resolvePassword(ctx.globals, (m) => ctx.printer.warn(m));
    const repo = await Repository.open(backend, password, ctx.globals.keyHint ? { keyHint: ctx.globals.keyHint } : {});
    const prefetched = opts.readsIndex ? repo.prefetchIndex() : undefined;
    stopEarlyWork = opts.beforeLock?.(repo);
    if (lock === 'lease') {
      // The lease is the maintainer's only guard against a second maintainer: --no-lock does not apply.
      held = (await acquireLease(repo, ctx.identity)).lock;
    } else if (lock !== 'none' && ctx.globals.lock !== false) {
      const { safeGapMs } = lockTestTiming();
      held = await RepositoryLock.acquire(repo, { ...ctx.identity, exclusive: lock === 'exclusive', ...(safeGapMs !== undefined ? { safeGapMs } : {}) });
    }
    prefetched?.();
    held?.startRefresh((err) => ctx.printer.warn(`could not refresh the lock: ${(err as Error).message}`), lockTestTiming().refreshMs);
    return await work({ ...ctx, repo, ...(held ? { lock: held } : {}) });
  } finally {
    await stopEarlyWork?.();
    if (held) await held.release().catch((err: unknown) => ctx.printer.warn(`could not remove the lock: ${(err as Error).message}`));
    await backend.close();
  }
}
