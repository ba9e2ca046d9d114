// The check job: restic 0.14's `check` (structure, and --read-data / --read-data-subset) as plan → work
// items → finalize, with findings that name the packs, blobs and snapshots affected.
export type {
  CheckItem, CheckItemResult, CheckOptions, CheckPlan, CheckResult, CheckStats, Finding, FindingKind, PackToRead, ReadDataSubset,
} from './types.js';
export { parseCheckOptions, parseReadDataSubset, CHECK_OPTION_NAMES } from './parse-options.js';
export { selectPacks, batchPacks, CHECK_ITEM_BYTES } from './select-packs.js';
export { createCheckJob, type CheckJob, type CheckJobDependencies } from './job.js';
