// forget, then prune, as one job: what the scheduled cloud run sends (`{keepDaily: 7, …, prune: true}` with
// job "forget"; job "prune" with keep-* keys means the same). Its plan performs forget's removal right away —
// deleting a few snapshot files is cheap and needs no fan-out — and then plans prune over the snapshots
// that remain; the work items and the finalize step are prune's.
import type { Id } from '../../core/index.js';
import { isEmptyPolicy } from '../forget/index.js';
import type { Job, JobContext, JobPlan } from '../job.js';
import { parsePruneOptions, PRUNE_OPTION_NAMES, pruneJob, type PruneOptions, type PruneOutcome, type PrunePlan, type RepackBatch, type RepackResult } from '../prune/index.js';
import { parseTwoPhaseOptions, TWO_PHASE_OPTION_NAMES, type TwoPhaseOptions } from '../two-phase/index.js';
import { planForgetJob, removeSnapshots, type ForgetJobPlan } from './job.js';
import { parseForgetJobOptions, type ForgetJobOptions } from './options.js';

export interface ForgetPruneOptions {
  readonly forget: ForgetJobOptions;
  readonly prune: PruneOptions;
  /** Two-phase prune's settings (`keepDelete`, `instantDelete`): the lock a runner takes depends on them. */
  readonly twoPhase: TwoPhaseOptions;
}

export interface ForgetPrunePlan {
  /** null when no policy and no snapshot IDs were given (prune only). */
  forget: ForgetJobPlan | null;
  /** null when prune was not asked for. */
  prune: PrunePlan | null;
}

export interface ForgetPruneOutcome {
  removedSnapshots: Id[];
  prune: PruneOutcome | null;
}

/**
 * parseForgetPruneOptions reads one flat object of forget keys, prune keys, `prune` and `dryRun` (which
 * applies to both), as the cloud's event options and `cairn forget --prune` supply them.
 */
export function parseForgetPruneOptions(raw: Record<string, string | string[] | number | boolean | undefined>, clockMarginMs?: number): ForgetPruneOptions {
  const pruneKeys = PRUNE_OPTION_NAMES.filter((k) => k !== 'dryRun');
  const forget = parseForgetJobOptions(raw, [...pruneKeys, ...TWO_PHASE_OPTION_NAMES]);
  const pruneRaw: Record<string, string | string[] | number | boolean | undefined> = { dryRun: forget.dryRun };
  for (const k of pruneKeys) pruneRaw[k] = raw[k] as string | undefined;
  return { forget, prune: parsePruneOptions(pruneRaw), twoPhase: parseTwoPhaseOptions(raw, clockMarginMs) };
}

export const forgetPruneJob: Job<ForgetPruneOptions, ForgetPrunePlan, RepackBatch, RepackResult, ForgetPruneOutcome> = {
  name: 'forget-prune',

  async plan(ctx: JobContext, options: ForgetPruneOptions): Promise<JobPlan<ForgetPrunePlan, RepackBatch>> {
    const f = options.forget;
    let forget: ForgetJobPlan | null = null;
    if (f.snapshotIds.length > 0 || !isEmptyPolicy(f)) {
      forget = await planForgetJob(ctx, f);
      if (!forget.dryRun && forget.remove.length > 0) {
        ctx.reporter.log('info', `removing ${forget.remove.length} snapshots`);
        await removeSnapshots(ctx.repo, forget.remove);
      }
    }
    if (!f.prune) return { plan: { forget, prune: null }, items: [] };
    // In a dry run the snapshots were not deleted: prune must plan as if they were.
    const ignoreSnapshots = forget?.dryRun ? forget.remove : [];
    const { plan, items } = await pruneJob.plan(ctx, { ...options.prune, ignoreSnapshots, twoPhase: options.twoPhase });
    return { plan: { forget, prune: plan }, items };
  },

  async work(ctx: JobContext, plan: ForgetPrunePlan, item: RepackBatch): Promise<RepackResult> {
    return pruneJob.work(ctx, plan.prune!, item);
  },

  async finalize(ctx: JobContext, plan: ForgetPrunePlan, results: RepackResult[]): Promise<ForgetPruneOutcome> {
    const removedSnapshots = plan.forget && !plan.forget.dryRun ? plan.forget.remove : [];
    const prune = plan.prune === null ? null : await pruneJob.finalize(ctx, plan.prune, results);
    return { removedSnapshots, prune };
  },
};
