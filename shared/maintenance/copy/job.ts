// The copy job in the job model: plan (select snapshots, walk trees, group missing blobs by source pack),
// work (copy one group into new target packs), finalize (index, then snapshots). The job's context carries
// the SOURCE repository as `repo`, like every job; the target is bound when the job is made, because a
// runner opens both: the CLI from -r and --from-repo, a Lambda from COPY_REPOSITORY and REPOSITORY.
// Both repositories should be locked shared for the whole run (restic locks both); the runner does that.
import type { Repository } from '../../repository/index.js';
import type { Job } from '../job.js';
import { finalizeCopy, type CopyOutcome } from './finalize.js';
import type { CopyOptions } from './options.js';
import { planCopy, type CopyItem, type CopyPlan } from './plan.js';
import { copyItem, type CopyItemResult, type CopyWorkOptions } from './work.js';

/** The copy job's type: options, plan, item, item result and outcome are all JSON-serializable. */
export type CopyJob = Job<CopyOptions, CopyPlan, CopyItem, CopyItemResult, CopyOutcome>;

/**
 * createCopyJob returns the copy job writing into `target` (an opened repository; it may have another
 * master key, chunker polynomial or format version than the source). Every step must get a JobContext
 * whose `repo` is the source.
 */
export function createCopyJob(target: Repository, settings: CopyWorkOptions = {}): CopyJob {
  return {
    name: 'copy',
    plan: (ctx, options) => planCopy(ctx, target, options),
    work: (ctx, _plan, item) => copyItem(ctx.repo, target, item, settings),
    finalize: (_ctx, plan, results) => finalizeCopy(target, plan, results),
  };
}
