// `cairn -r TARGET copy --from-repo SOURCE [snapshot...]`: copy snapshots between repositories with their
// own keys, skipping those the target already has (restic 0.14's copy). Flags → parseCopyOptions → the copy
// job, run in-process with shared locks on both repositories → one line per snapshot and a summary.
import type { Command } from 'commander';
import { shortId } from '../../shared/core/index.js';
import { RepositoryLock } from '../../shared/repository/index.js';
import { createCopyJob, parseCopyOptions, runJobLocally, type CopyOutcome, type CopyPlan } from '../../shared/maintenance/index.js';
import { commandContext, withRepository } from '../context.js';
import { addSnapshotFilterOptions, type SnapshotFilterFlags } from '../snapshot-filter.js';
import { addSecondaryRepoOptions, openSecondaryRepo, type SecondaryRepoFlags } from '../secondary-repo.js';
import { displayTime, formatBytes } from '../output/format.js';
import type { Printer } from '../output/printer.js';

type CopyFlags = SnapshotFilterFlags & SecondaryRepoFlags;

export function registerCopy(program: Command): void {
  addSnapshotFilterOptions(
    addSecondaryRepoOptions(
      program
        .command('copy')
        .description('copy snapshots from another repository (--from-repo) into this one')
        .argument('[snapshot...]', 'snapshot IDs or `latest` (default: all snapshots matching --host/--tag/--path)'),
    ),
  ).action(async (refs: string[], flags: CopyFlags, cmd: Command) => {
    const ctx = commandContext(cmd);
    const options = parseCopyOptions({ snapshots: refs, host: flags.host, tag: flags.tag, path: flags.path });
    // The source is opened first: a wrong source password fails before the target is touched (no lock
    // file written there).
    const source = await openSecondaryRepo(flags, ctx.printer);
    try {
      // restic's --no-lock spares only the source; the target is written, so it is always locked.
      // (commander stores --no-lock as `lock: false`; both spellings are honoured.)
      const skipSourceLock = ctx.globals.lock === false;
      const targetCtx = { ...ctx, globals: { ...ctx.globals, lock: true } };
      await withRepository(targetCtx, 'shared', async ({ repo: target, printer, identity }) => {
        const lock = skipSourceLock ? undefined : await RepositoryLock.acquire(source.repo, { ...identity, exclusive: false });
        lock?.startRefresh((err) => printer.warn(`could not refresh the source lock: ${(err as Error).message}`));
        try {
          const job = createCopyJob(target);
          const { plan, outcome } = await runJobLocally(job, { repo: source.repo, reporter: printer, now: new Date(), identity }, options, 2);
          printOutcome(printer, plan, outcome);
        } finally {
          await lock?.release().catch((err: unknown) => printer.warn(`could not remove the source lock: ${(err as Error).message}`));
        }
      });
    } finally {
      await source.backend.close();
    }
  });
}

function printOutcome(printer: Printer, plan: CopyPlan, outcome: CopyOutcome): void {
  if (printer.json) {
    printer.jsonLine({
      message_type: 'summary',
      snapshots_copied: outcome.copied,
      snapshots_skipped: outcome.skipped,
      snapshots_ignored: outcome.ignored,
      blobs_copied: outcome.blobs,
      packs_added: outcome.packs,
      bytes_added: outcome.bytesUploaded,
    });
    return;
  }
  for (const s of outcome.skipped) printer.debug(`skipping snapshot ${shortId(s.source)}, already copied to ${shortId(s.copy)}`);
  const bySource = new Map(plan.snapshots.map((s) => [s.id, s.snapshot]));
  for (const c of outcome.copied) {
    const sn = bySource.get(c.source);
    printer.info(`snapshot ${shortId(c.source)} of [${sn?.paths.join(' ') ?? ''}] at ${sn ? displayTime(sn.time) : '?'} copied as ${shortId(c.target)}`);
  }
  const n = outcome.copied.length;
  printer.info(
    `copied ${n} snapshot${n === 1 ? '' : 's'} (${outcome.blobs} blobs, ${formatBytes(outcome.bytesUploaded)} in ${outcome.packs} new packs)` +
      (outcome.skipped.length > 0 ? `; ${outcome.skipped.length} already in the target` : ''),
  );
}
