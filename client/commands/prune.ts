// `cairn prune`: remove data no snapshot needs. By default two-phase under the maintenance lease (backups go
// on): unused packs are marked, and a later run deletes marks older than --keep-delete; --instant-delete is
// restic 0.14's prune under the exclusive lock. flags → PruneOptions → the prune job → restic's statistics
// (or --json), the marked packs' fate, and with -v one line per pack decision. The flag helpers, the lock
// and context setup and the printers are shared with `forget --prune`.
import type { Command } from 'commander';
import {
  formatDecision, formatPruneStats, formatTwoPhase, isTwoPhase, parsePruneOptions, parseTwoPhaseDuration, parseTwoPhaseOptions, pruneJob, runJobLocally,
  type Job, type JobContext, type PruneOutcome, type PrunePlan,
} from '../../shared/maintenance/index.js';
import { checkLease } from '../../shared/repository/index.js';
import { commandContext, withRepository, type OpenedRepository } from '../context.js';
import type { Printer } from '../output/printer.js';

export interface PruneFlags {
  maxUnused?: string;
  maxRepackSize?: string;
  repackCacheableOnly?: boolean;
  repackSmall?: boolean;
  repackUncompressed?: boolean;
  dryRun?: boolean;
  keepDelete?: string;
  instantDelete?: boolean;
}

/** addPruneFlags adds restic's prune tuning flags (also offered by `forget --prune`). */
export function addPruneFlags(cmd: Command): Command {
  return cmd
    .option('--max-unused <limit>', 'tolerate this much unused data: a percentage (5%), a size (100M) or "unlimited" (default 5%)')
    .option('--max-repack-size <size>', 'repack at most this many bytes (k/m/g/t suffixes)')
    .option('--repack-cacheable-only', 'only repack tree packs')
    .option('--repack-small', 'also repack packs below 80% of the target pack size')
    .option('--repack-uncompressed', 'repack every pack holding uncompressed blobs')
    .option('--keep-delete <duration>', 'delete packs marked at least this long ago by an earlier run (default 23h)')
    .option('--instant-delete', 'restic\'s prune: take the exclusive lock (stopping backups) and delete at once');
}

/**
 * twoPhaseRaw is the raw two-phase settings of the flags. The clock margin is not a flag: tests lower it
 * through CAIRN_TEST_CLOCK_MARGIN (a duration), read here so the engine never sees the environment.
 */
export function twoPhaseSettings(flags: PruneFlags): { raw: Record<string, string | boolean | undefined>; clockMarginMs: number | undefined } {
  const margin = process.env.CAIRN_TEST_CLOCK_MARGIN;
  return {
    raw: { keepDelete: flags.keepDelete, instantDelete: flags.instantDelete },
    clockMarginMs: margin === undefined || margin === '' ? undefined : parseTwoPhaseDuration('CAIRN_TEST_CLOCK_MARGIN', margin),
  };
}

/** pruneJobContext is the job context of a prune under `lock`: the clock, and the lease check when leased. */
export function pruneJobContext(opened: OpenedRepository, leased: boolean): JobContext {
  const { repo, printer, identity, lock } = opened;
  return {
    repo, reporter: printer, now: new Date(), clock: () => new Date(), identity,
    ...(leased && lock ? { lease: { check: () => checkLease(repo, lock, new Date()) } } : {}),
  };
}

/** pruneRaw turns the flags into the raw option object every runner passes through parsePruneOptions. */
export function pruneRaw(flags: PruneFlags): Record<string, string | boolean | undefined> {
  return {
    maxUnused: flags.maxUnused,
    maxRepackSize: flags.maxRepackSize,
    repackCacheableOnly: flags.repackCacheableOnly,
    repackSmall: flags.repackSmall,
    repackUncompressed: flags.repackUncompressed,
  };
}

/** printPrunePlan prints the statistics (text mode) and, with -v, every decision. */
export function printPrunePlan(printer: Printer, plan: PrunePlan): void {
  if (printer.json || printer.quiet) return;
  printer.out('');
  for (const line of formatPruneStats(plan)) printer.out(line);
  if (printer.verbose) {
    printer.out('');
    for (const d of plan.decisions) printer.out(formatDecision(d));
  }
  if (plan.twoPhase !== undefined) {
    printer.out('');
    for (const line of formatTwoPhase(plan.twoPhase, plan.options.dryRun || printer.verbose)) printer.out(line);
  }
}

/** pruneSummaryJson is the --json line: the plan's counters, and what was done. */
export function pruneSummaryJson(plan: PrunePlan, outcome: PruneOutcome | null): Record<string, unknown> {
  const twoPhase = plan.twoPhase === undefined ? null : {
    keep_delete_ms: plan.twoPhase.keepDeleteMs,
    marked: plan.twoPhase.marked.map((d) => ({ pack: d.packId, action: d.action, reason: d.reason, marked_at: new Date(d.markedAtMs).toISOString(), age_ms: d.ageMs })),
    new_marks: plan.twoPhase.newMarks.map((m) => ({ pack: m.packId, reason: m.reason })),
  };
  return { message_type: 'prune_summary', dry_run: plan.options.dryRun, mode: twoPhase ? 'two-phase' : 'instant', stats: plan.stats, totals: plan.totals, two_phase: twoPhase, outcome };
}

/** withPlanPrinted wraps a job so its plan is printed as soon as it is made, before any work starts. */
export function withPlanPrinted<O, P, I, W, R>(job: Job<O, P, I, W, R>, print: (plan: P) => void): Job<O, P, I, W, R> {
  return {
    ...job,
    plan: async (ctx: JobContext, options: O) => {
      const planned = await job.plan(ctx, options);
      print(planned.plan);
      return planned;
    },
  };
}

export function registerPrune(program: Command): void {
  addPruneFlags(program.command('prune').description('remove data that no snapshot needs'))
    .option('-n, --dry-run', 'only show what would be done')
    .action(async (flags: PruneFlags, cmd: Command) => {
      const ctx = commandContext(cmd);
      const settings = twoPhaseSettings(flags);
      const options = { ...parsePruneOptions({ ...pruneRaw(flags), dryRun: flags.dryRun }), twoPhase: parseTwoPhaseOptions(settings.raw, settings.clockMarginMs) };
      const leased = isTwoPhase(options);
      await withRepository(ctx, leased ? 'lease' : 'exclusive', async (opened) => {
        const { printer } = opened;
        const job = withPlanPrinted(pruneJob, (plan: PrunePlan) => printPrunePlan(printer, plan));
        const { plan, outcome } = await runJobLocally(job, pruneJobContext(opened, leased), options);
        printer.jsonLine(pruneSummaryJson(plan, options.dryRun ? null : outcome));
      });
    });
}
