// Maintenance: the job model and the jobs (forget, prune, check, copy) that the CLI runs in-process and the
// Lambdas run step by step. Each job lives in its own folder; this file is the layer's public surface.
export { runJobLocally, type Job, type JobContext, type JobPlan, type Json, type LeaseGuard } from './job.js';
export * from './forget/index.js';
export * from './prune/index.js';
export * from './forget-job/index.js';
export * from './check/index.js';
export * from './copy/index.js';
export {
  decideMarked, marksFor, sessionOf, blockingSession, DEFAULT_TWO_PHASE_OPTIONS, COMMIT_WINDOW_MS, TWO_PHASE_OPTION_NAMES,
  parseTwoPhaseOptions, parseDuration as parseTwoPhaseDuration, type MarkedDecision, type MarkedAction, type NewMark, type TwoPhaseOptions, type LockSession,
} from './two-phase/index.js';
