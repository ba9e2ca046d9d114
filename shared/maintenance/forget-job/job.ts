// The forget job: apply the forget policy (or remove explicitly named snapshots) and delete the snapshot
// files of the removed ones. plan decides (pure policy over the loaded snapshots, `now` from the context)
// and checks the delete-share guard; there are no work items; finalize deletes (nothing in a dry run).
import { UsageError, type Id } from '../../core/index.js';
import { findSnapshot, loadSnapshots, type Repository } from '../../repository/index.js';
import { planForget, type ForgetPlan, type SnapshotEntry } from '../forget/index.js';
import type { Job, JobContext, JobPlan } from '../job.js';
import { checkDeleteShare } from './guard.js';
import type { ForgetJobOptions } from './options.js';

export interface ForgetJobPlan {
  /** The policy's decisions per group; null when explicit snapshot IDs were given. */
  policy: ForgetPlan | null;
  /** Snapshots to delete (full IDs). */
  remove: Id[];
  dryRun: boolean;
}

export interface ForgetOutcome {
  /** Snapshot files deleted (none in a dry run). */
  removed: Id[];
}

/** planForgetJob loads the snapshots and decides; throws DeleteShareExceededError when the guard trips. */
export async function planForgetJob(ctx: JobContext, options: ForgetJobOptions): Promise<ForgetJobPlan> {
  if (options.snapshotIds.length > 0) {
    const ids = new Set<Id>();
    for (const ref of options.snapshotIds) {
      if (ref === 'latest') throw new UsageError('forget takes snapshot IDs, not `latest`: give the ID shown by `cairn snapshots`');
      ids.add((await findSnapshot(ctx.repo, ref)).id);
    }
    return { policy: null, remove: [...ids], dryRun: options.dryRun };
  }
  const snapshots: SnapshotEntry[] = (await loadSnapshots(ctx.repo)).map((e) => ({ id: e.id, snapshot: { ...e.snapshot } }));
  const policy = planForget(snapshots, options, ctx.now);
  if (options.maxDeleteShare !== undefined) checkDeleteShare(policy.groups, options.maxDeleteShare);
  return { policy, remove: policy.remove, dryRun: options.dryRun };
}

/** removeSnapshots deletes snapshot files, a few at a time; a file already gone is fine. */
export async function removeSnapshots(repo: Repository, ids: readonly Id[]): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < ids.length) await repo.backend.remove('snapshots', ids[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(8, ids.length) }, worker));
}

export const forgetJob: Job<ForgetJobOptions, ForgetJobPlan, never, never, ForgetOutcome> = {
  name: 'forget',
  async plan(ctx: JobContext, options: ForgetJobOptions): Promise<JobPlan<ForgetJobPlan, never>> {
    return { plan: await planForgetJob(ctx, options), items: [] };
  },
  async work(): Promise<never> {
    throw new Error('forget has no work items');
  },
  async finalize(ctx: JobContext, plan: ForgetJobPlan): Promise<ForgetOutcome> {
    if (plan.dryRun) return { removed: [] };
    await removeSnapshots(ctx.repo, plan.remove);
    return { removed: plan.remove };
  },
};
