// Two-phase (lock-free) prune: the protocol core. Pure decisions over marks, lock sessions and time; the
// prune job applies them (marks instead of deleting, deletes only what these rules allow).
export { sessionOf, blockingSession, goTimeMs, type LockSession, type SessionContext } from './sessions.js';
export { decideMarked, type MarkedAction, type MarkedDecision, type MarkedInput, type MarkedPackState } from './marked.js';
export { marksFor, type MarkReason, type NewMark, type PlannedPack } from './marks.js';
export {
  DEFAULT_TWO_PHASE_OPTIONS, COMMIT_WINDOW_MS, TWO_PHASE_OPTION_NAMES, parseDuration, parseTwoPhaseOptions, type TwoPhaseOptions,
} from './options.js';
