// Copy: snapshots from one repository into another with its own keys, skipping what the target already has
// (restic 0.14's `copy`), as a job of the maintenance job model.
export { createCopyJob, type CopyJob } from './job.js';
export { parseCopyOptions, COPY_OPTION_NAMES, DEFAULT_COPY_ITEM_BYTES, type CopyOptions } from './options.js';
export { selectSnapshots, similarSnapshots, persistentId, type SnapshotSelection, type SkippedSnapshot } from './select.js';
export { findMissingBlobs, type MissingBlobs, type FindMissingOptions } from './missing-blobs.js';
export { planCopy, groupIntoItems, type CopyPlan, type CopyPlanStats, type CopyItem, type CopySnapshot } from './plan.js';
export { copyItem, type CopyItemResult, type CopyWorkOptions } from './work.js';
export { finalizeCopy, copiedSnapshot, type CopyOutcome, type CopiedSnapshot } from './finalize.js';
