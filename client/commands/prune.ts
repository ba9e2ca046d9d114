// `cairn prune`: remove data no snapshot needs, restic 0.14's way (exclusive lock, repack partly used packs,
// delete unused ones). flags → PruneOptions → the prune job → restic's statistics (or --json), and with -v
// one line per pack decision. `addPruneFlags`/`pruneRaw` and the printers are shared with `forget --prune`.
import type { Command } from 'commander';
import { parsePruneOptions, pruneJob, runJobLocally, formatPruneStats, formatDecision, type Job, type JobContext, type PruneOutcome, type PrunePlan } from '../../shared/maintenance/index.js';
import { commandContext, withRepository } from '../context.js';
import type { Printer } from '../output/printer.js';

export interface PruneFlags {
  maxUnused?: string;
  maxRepackSize?: string;
  repackCacheableOnly?: boolean;
  repackSmall?: boolean;
  repackUncompressed?: boolean;
  dryRun?: boolean;
}

/** addPruneFlags adds restic's prune tuning flags (also offered by `forget --prune`). */
export function addPruneFlags(cmd: Command): Command {
  return cmd
    .option('--max-unused <limit>', 'tolerate this much unused data: a percentage (5%), a size (100M) or "unlimited" (default 5%)')
    .option('--max-repack-size <size>', 'repack at most this many bytes (k/m/g/t suffixes)')
    .option('--repack-cacheable-only', 'only repack tree packs')
    .option('--repack-small', 'also repack packs below 80% of the target pack size')
    .option('--repack-uncompressed', 'repack every pack holding uncompressed blobs');
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
}

/** pruneSummaryJson is the --json line: the plan's counters, and what was done. */
export function pruneSummaryJson(plan: PrunePlan, outcome: PruneOutcome | null): Record<string, unknown> {
  return { message_type: 'prune_summary', dry_run: plan.options.dryRun, stats: plan.stats, totals: plan.totals, outcome };
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
      const options = parsePruneOptions({ ...pruneRaw(flags), dryRun: flags.dryRun });
      await withRepository(ctx, 'exclusive', async ({ repo, printer, identity }) => {
        const jobCtx: JobContext = { repo, reporter: printer, now: new Date(), identity };
        const job = withPlanPrinted(pruneJob, (plan: PrunePlan) => printPrunePlan(printer, plan));
        const { plan, outcome } = await runJobLocally(job, jobCtx, options);
        printer.jsonLine(pruneSummaryJson(plan, options.dryRun ? null : outcome));
      });
    });
}
