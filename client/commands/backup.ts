// `cairn backup PATH...`: back up files and directories into a new snapshot (restic's flags and output).
import type { Command } from 'commander';
import { UsageError, shortId } from '../../shared/core/index.js';
import { findSnapshot } from '../../shared/repository/index.js';
import { parseGoTime, formatGoTime, localOffsetMinutes } from '../../shared/format/index.js';
import { createExcluder, parseSize } from '../filter/index.js';
import { commandContext, nowGoTime, withRepository } from '../context.js';
import { runBackup } from '../backup/run-backup.js';
import { BackupReporter } from '../backup/report.js';
import { IncompleteBackupError } from '../exit.js';
import { withBackupEvent } from '../backup/notify.js';
import { readFilesFrom } from '../backup/files-from.js';
import { onInterrupt } from '../backup/interrupt.js';

interface BackupFlags {
  exclude?: string[];
  iexclude?: string[];
  excludeFile?: string[];
  iexcludeFile?: string[];
  excludeCaches?: boolean;
  excludeLargerThan?: string;
  oneFileSystem?: boolean;
  tag?: string[];
  host?: string;
  time?: string;
  parent?: string;
  force?: boolean;
  filesFrom?: string[];
  filesFromVerbatim?: string[];
  filesFromRaw?: string[];
  dryRun?: boolean;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** parseTime accepts restic's `--time "2006-01-02 15:04:05"` (local time) or an RFC3339 string. */
function parseTime(value: string): string {
  const local = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/.exec(value);
  if (local) {
    const [, y, mo, d, h, mi, s] = local.map(Number) as number[];
    const ms = new Date(y!, mo! - 1, d!, h!, mi!, s!).getTime();
    return formatGoTime(BigInt(ms) * 1_000_000n, localOffsetMinutes(ms));
  }
  try {
    parseGoTime(value);
    return value;
  } catch {
    throw new UsageError(`--time: "${value}" is not a time like "2024-05-01 14:30:00"`);
  }
}

/**
 * CAIRN_TEST_DELETE_WINDOW_MS: test-only, how long a backup whose lock went stale waits before re-validating
 * (default LOCK_DELETE_WINDOW_MS, 60 s). Read here so the engine never sees the environment.
 */
function testDeleteWindow(): number | undefined {
  const raw = process.env.CAIRN_TEST_DELETE_WINDOW_MS;
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`CAIRN_TEST_DELETE_WINDOW_MS="${raw}" is not a whole number of milliseconds`);
  return n;
}

export function registerBackup(program: Command): void {
  program
    .command('backup')
    .description('back up files and directories into a new snapshot')
    .argument('[path...]', 'files and directories to back up')
    .option('-e, --exclude <pattern>', 'exclude paths matching the pattern (repeatable)', collect)
    .option('--iexclude <pattern>', 'like --exclude, ignoring case', collect)
    .option('--exclude-file <file>', 'read exclude patterns from a file (repeatable)', collect)
    .option('--iexclude-file <file>', 'like --exclude-file, ignoring case', collect)
    .option('--exclude-caches', 'exclude directories holding a valid CACHEDIR.TAG')
    .option('--exclude-larger-than <size>', 'exclude files larger than this (e.g. 500M, 2G)')
    .option('-x, --one-file-system', 'do not cross file system boundaries')
    .option('--files-from <file>', 'read paths or glob patterns to back up from a file, one per line, # comments (repeatable; - for stdin)', collect)
    .option('--files-from-verbatim <file>', 'read paths to back up from a file, one per line, taken literally (repeatable)', collect)
    .option('--files-from-raw <file>', 'read NUL-separated paths to back up from a file, e.g. from find -print0 (repeatable)', collect)
    .option('--tag <tag>', 'add a tag to the snapshot (repeatable; a,b adds both)', collect)
    .option('-H, --host <host>', 'host name recorded in the snapshot (default: this machine)')
    .option('--time <time>', 'snapshot time instead of now ("2024-05-01 14:30:00")')
    .option('--parent <snapshot>', 'compare against this snapshot instead of the newest of the same host and paths')
    .option('-f, --force', 'read every file, ignoring the parent snapshot')
    .option('-n, --dry-run', 'show what would be stored without writing anything')
    .addHelpText('after', '\nExit codes: 0 ok, 1 failed (no snapshot), 3 snapshot written but some files could not be read.')
    .action(async (args: string[], opts: BackupFlags, cmd: Command) => {
      const ctx = commandContext(cmd);
      const fromFiles = readFilesFrom({
        ...(opts.filesFrom ? { filesFrom: opts.filesFrom } : {}),
        ...(opts.filesFromVerbatim ? { filesFromVerbatim: opts.filesFromVerbatim } : {}),
        ...(opts.filesFromRaw ? { filesFromRaw: opts.filesFromRaw } : {}),
        warn: (m) => ctx.printer.warn(m),
      });
      // restic's order: targets from files first, then the arguments.
      const paths = [...fromFiles, ...args];
      if (paths.length === 0) throw new UsageError('nothing to back up: give at least one path (or --files-from)');
      const excludeLargerThan = opts.excludeLargerThan === undefined ? undefined : parseSize(opts.excludeLargerThan, '--exclude-larger-than');
      const filter = createExcluder({
        excludes: opts.exclude ?? [],
        iexcludes: opts.iexclude ?? [],
        excludeFiles: opts.excludeFile ?? [],
        iexcludeFiles: opts.iexcludeFile ?? [],
        excludeCaches: Boolean(opts.excludeCaches),
        ...(excludeLargerThan !== undefined ? { excludeLargerThan } : {}),
        oneFileSystem: Boolean(opts.oneFileSystem),
        env: process.env,
      });
      const time = opts.time === undefined ? nowGoTime() : parseTime(opts.time);
      const deleteWindowMs = testDeleteWindow();
      const host = opts.host ?? ctx.identity.hostname;
      await withBackupEvent(ctx.printer, host, (recorder) => withRepository(ctx, 'shared', async ({ repo, printer, identity, lock }) => {
        const reporter = new BackupReporter(printer);
        const parent = opts.force ? null : opts.parent === undefined ? undefined : (await findSnapshot(repo, opts.parent)).id;
        const interruption = onInterrupt();
        const indexEvery = Number(process.env.CAIRN_INDEX_EVERY_PACKS);
        const result = await runBackup(repo, {
          paths,
          hostname: host,
          username: identity.username,
          uid: identity.uid ?? 0,
          gid: identity.gid ?? 0,
          time,
          tags: (opts.tag ?? []).flatMap((t) => t.split(',')).filter((t) => t.length > 0),
          excludes: opts.exclude ?? [],
          ...(parent !== undefined ? { parent } : {}),
          filter,
          dryRun: Boolean(opts.dryRun),
          onError: (path, err) => reporter.error(path, err),
          onChanged: (path) => reporter.changed(path),
          onWarning: (message) => printer.warn(message),
          signal: interruption.signal,
          ...(indexEvery > 0 ? { indexEveryPacks: indexEvery } : {}),
          onIndexLoaded: (blobs) => printer.debug(`loaded index with ${blobs} blobs`),
          lock,
          ...(deleteWindowMs !== undefined ? { deleteWindowMs } : {}),
          onRevalidate: (round) => printer.debug(`the lock may have looked stale to a prune: re-validating the snapshot's blobs (round ${round})`),
          progress: (counters, writer) => reporter.progress(counters, writer),
        }).finally(() => interruption.dispose());
        recorder.result = result;
        reporter.summary(result);
        if (reporter.errors > 0) {
          const what = result.snapshotId ? `snapshot ${shortId(result.snapshotId)} saved, but ` : '';
          throw new IncompleteBackupError(`${what}${reporter.errors} file${reporter.errors === 1 ? '' : 's'} could not be read (listed above)`);
        }
      }));
    });
}
