// The forget policy: which snapshots to keep and why, with restic 0.14's semantics; pure, no I/O.
export type { SnapshotEntry, KeepCounters, KeepReason, ExpireResult, ForgetGroup } from './types.js';
export { parseDuration, formatDuration, isZeroDuration, ZERO_DURATION, type Duration } from './duration.js';
export {
  isEmptyPolicy, defaultForgetOptions, DEFAULT_FORGET_OPTIONS, type ForgetOptions, type ExpirePolicy, type GroupBy,
} from './options.js';
export { parseForgetOptions, parseGroupBy, splitTagList, FORGET_OPTION_NAMES } from './parse-options.js';
export { filterSnapshots, groupSnapshots, groupKeyOf, hasTags, hasTagList, type SnapshotGroup, type SnapshotGroupKey } from './group.js';
export { applyPolicy, applyExpirePolicy, findLatest, withinThreshold } from './policy.js';
export { planForget, type ForgetPlan } from './plan.js';
export { toForgetJson, formatForgetJson, snapshotJson, type ForgetGroupJson, type SnapshotJson } from './json.js';
export { parseSnapshotTime, formatSnapshotTime, type SnapshotTime, type Instant } from './snapshot-time.js';
