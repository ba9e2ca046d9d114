// `cairn restore SNAPSHOT --target DIR`: recreate a snapshot (or part of it) in a directory.
import type { Command } from 'commander';
import { UsageError, shortId } from '../../shared/core/index.js';
import { findSnapshot, loadIndex, readableIndex } from '../../shared/repository/index.js';
import { commandContext, withRepository } from '../context.js';
import { addSnapshotFilterOptions, snapshotFilter, type SnapshotFilterFlags } from '../snapshot-filter.js';
import { restoreSnapshot } from '../restore/restorer.js';
import { restoreSelector } from '../restore/select.js';
import { verifyRestore } from '../restore/verify.js';
import { formatBytes } from '../output/format.js';

interface RestoreFlags extends SnapshotFilterFlags {
  target?: string;
  include?: string[];
  exclude?: string[];
  iinclude?: string[];
  iexclude?: string[];
  verify?: boolean;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function registerRestore(program: Command): void {
  addSnapshotFilterOptions(
    program
      .command('restore')
      .description('restore a snapshot into a directory')
      .argument('<snapshot>', 'snapshot ID or `latest`')
      .option('-t, --target <dir>', 'directory to restore into (created if missing)')
      .option('-i, --include <pattern>', 'restore only paths matching the pattern (repeatable)', collect)
      .option('-e, --exclude <pattern>', 'do not restore paths matching the pattern (repeatable)', collect)
      .option('--iinclude <pattern>', 'like --include, ignoring case', collect)
      .option('--iexclude <pattern>', 'like --exclude, ignoring case', collect)
      .option('--verify', 'read the restored files back and check them against the snapshot')
      .addHelpText('after', '\nExamples:\n  cairn restore latest --target /tmp/restore\n  cairn restore latest --host nas --path /home/alice --target /tmp/r --include "*.pdf"\n\nThe snapshot\'s absolute paths are recreated below the target; owners are restored when run as root.'),
  ).action(async (ref: string, opts: RestoreFlags, cmd: Command) => {
    if (opts.target === undefined) throw new UsageError('restore needs --target DIR');
    const target = opts.target;
    const ctx = commandContext(cmd);
    await withRepository(ctx, 'shared', async ({ repo, printer }) => {
      const { id, snapshot } = await findSnapshot(repo, ref, snapshotFilter(opts));
      // Marked packs are readable too: a snapshot may reference one until the next prune recovers it.
      const index = readableIndex(await loadIndex(repo));
      const select = restoreSelector(opts);
      printer.info(`restoring snapshot ${shortId(id)} of [${snapshot.paths.join(' ')}] to ${target}`);
      const started = Date.now();
      const result = await restoreSnapshot(repo, index, snapshot.tree, {
        target,
        select,
        owners: process.getuid?.() === 0,
        onProgress: (done, total) => printer.status(`restored ${formatBytes(done)} of ${formatBytes(total)}`),
        onError: (path, err) => printer.log('error', `${path}: ${(err as Error).message}`),
      });
      let verifyErrors = 0;
      if (opts.verify) verifyErrors = await verifyRestore(repo, index, snapshot.tree, target, select, (path, msg) => printer.log('error', `verify ${path}: ${msg}`));
      const seconds = (Date.now() - started) / 1000;
      printer.jsonLine({ message_type: 'summary', files_restored: result.files, bytes_restored: result.bytes, errors: result.errors + verifyErrors, total_duration: seconds });
      printer.info(`restored ${result.files} files, ${formatBytes(result.bytes)} in ${seconds.toFixed(1)}s${opts.verify ? `, verified (${verifyErrors} errors)` : ''}`);
      if (result.errors + verifyErrors > 0) throw new UsageError(`restore finished with ${result.errors + verifyErrors} errors`);
    }, { readsIndex: true });
  });
}
