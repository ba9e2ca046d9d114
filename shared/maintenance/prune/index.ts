// Prune: restic 0.14's algorithm as a job — a pure planner (planPrune) over the index, the used blobs and the
// pack listing; repack batches as work items; a commit in crash-safe order.
export {
  parsePruneOptions, maxUnusedBytes, DEFAULT_PRUNE_OPTIONS, PRUNE_OPTION_NAMES, type PruneOptions, type MaxUnused,
} from './options.js';
export { computePackUsage, blobKey, type IndexEntries, type PackType, type PackUsage, type IndexUsage } from './pack-usage.js';
export { decidePacks, type PackAction, type PackDecision, type ListedPack } from './decide.js';
export { planPrune, type PruneState, type PrunePlan, type RepackPack } from './plan.js';
export { emptyPruneStats, pruneTotals, type PruneStats, type PruneTotals } from './stats.js';
export { repackBatches, DEFAULT_BATCH_BYTES, type RepackBatch } from './batches.js';
export { repackBatch, type RepackResult } from './repack.js';
export { commitPrune, type PruneOutcome } from './commit.js';
export { findUsedBlobs } from './used-blobs.js';
export { formatPruneStats, formatDecision, formatTwoPhase, formatAge } from './report.js';
export { pruneJob, loadPrunePlan, isTwoPhase, type PruneJobOptions } from './job.js';
export { planTwoPhasePrune, listPacks, type TwoPhasePrunePlan, type TwoPhaseLoaded } from './two-phase-plan.js';
export { commitTwoPhase, CommitWindowError, type TwoPhaseCommitContext } from './two-phase-commit.js';
