// The forget job (policy → delete snapshot files, with the delete-share guard) and forget + prune combined.
export { parseForgetJobOptions, FORGET_JOB_OPTION_NAMES, type ForgetJobOptions } from './options.js';
export { checkDeleteShare, describeGroup, DeleteShareExceededError } from './guard.js';
export { forgetJob, planForgetJob, removeSnapshots, type ForgetJobPlan, type ForgetOutcome } from './job.js';
export { forgetPruneJob, parseForgetPruneOptions, type ForgetPruneOptions, type ForgetPrunePlan, type ForgetPruneOutcome } from './forget-prune.js';
