// The control bucket: JSON that carries a maintenance job between its steps (plans, work lists, item
// results) and tells clients how jobs and hosts are doing (status objects). Storage only: no Step
// Functions, EventBridge or Lambda types live here.
export { openControlStore, type ControlStore, type ControlStoreOptions, type ControlObject } from './object-store.js';
export {
  statusKey, checkName, writeStatus, readStatus, listStatuses, isFinished,
  type JobStatus, type JobState, type JobError,
} from './status.js';
export { hostKey, readHost, writeHost, listHosts, silentHosts, type HostRecord, type BackupOutcome } from './hosts.js';
export {
  planKey, workListKey, resultKey, savePlan, loadPlan, saveResult, loadResults,
  type WorkListEntry, type WorkListLocation,
} from './job-store.js';
