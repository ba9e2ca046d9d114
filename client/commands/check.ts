// `cairn check`: verify the repository's structure and, with --read-data or --read-data-subset, its data.
// Flags → parseCheckOptions → the check job, run in-process → findings on stderr (or --json) → exit 1 when
// any error was found, as restic.
import type { Command } from 'commander';
import { CairnError } from '../../shared/core/index.js';
import { createCheckJob, parseCheckOptions, runJobLocally, type CheckResult, type Finding } from '../../shared/maintenance/index.js';
import { commandContext, withRepository } from '../context.js';
import type { Printer } from '../output/printer.js';

type CheckFlags = { readData?: boolean; readDataSubset?: string };

export function registerCheck(program: Command): void {
  program
    .command('check')
    .description('check the repository for errors')
    .option('--read-data', 'also download every pack and verify every blob')
    .option('--read-data-subset <subset>', 'verify a subset of packs: n/t (e.g. 1/5), a share (e.g. 2.5%), or a size (e.g. 2G)')
    .action(async (flags: CheckFlags, cmd: Command) => {
      const ctx = commandContext(cmd);
      const options = parseCheckOptions({ readData: flags.readData, readDataSubset: flags.readDataSubset });
      // restic 0.14's check locks exclusively; cairn's check only reads, so a shared lock is enough and
      // backups go on meanwhile. The job lists snapshots, index and packs in an order that stays correct
      // while they do (see shared/maintenance/check/job.ts); prune's exclusive or lease lock still excludes it.
      // Plan and work run here, in one process: the packs are read while the trees are walked, and the
      // index is loaded and the first packs verified while the lock is being taken (see startBeforeLock).
      const job = createCheckJob({ random: Math.random, readAheadInPlan: true });
      const result = await withRepository(ctx, 'shared', async ({ repo, printer, identity }) => {
        const { outcome } = await runJobLocally(job, { repo, reporter: printer, now: new Date(), identity }, options, 2);
        return outcome;
      }, { beforeLock: (repo) => job.startBeforeLock(repo, options) });
      printResult(ctx.printer, result);
      if (result.errors.length > 0) throw new CairnError('CHECK_FAILED', 'repository contains errors');
    });
}

function printResult(printer: Printer, result: CheckResult): void {
  if (printer.json) {
    printer.jsonLine(result);
    return;
  }
  for (const hint of result.hints) printer.info(hint.message);
  for (const error of result.errors) printer.log('error', error.message + affected(error));
  const s = result.stats;
  printer.info(
    `checked ${s.snapshots} snapshot${s.snapshots === 1 ? '' : 's'}, ${s.trees} trees, ${s.packs} packs, ${s.blobs} blobs` +
      (s.packsToRead > 0 ? `; read ${s.packsRead} of ${s.packsToRead} selected packs (${s.bytesRead} bytes, ${s.blobsRead} blobs)` : ''),
  );
  if (result.errors.length === 0) printer.info('no errors were found');
}

function affected(f: Finding): string {
  if (f.snapshots === undefined || f.snapshots.length === 0) return '';
  const shown = f.snapshots.slice(0, 5).map((id) => id.slice(0, 8)).join(', ');
  return ` (affects snapshot${f.snapshots.length === 1 ? '' : 's'} ${shown}${f.snapshots.length > 5 ? ` and ${f.snapshots.length - 5} more` : ''})`;
}
