// Two-phase prune's own options: how long a marked pack waits before a later run may delete it
// (--keep-delete, default 23 h: a daily prune deletes yesterday's marks), the clock margin of the session
// rule, and --instant-delete (restic's behaviour under the exclusive lock).
import { UsageError } from '../../core/index.js';

export interface TwoPhaseOptions {
  /** Minimum age of a mark before its pack may be deleted. */
  readonly keepDeleteMs: number;
  /**
   * A session that started less than this after a mark still blocks the pack's deletion; it covers clock
   * skew between hosts and the time the marking index took to become visible. Marks younger than this are
   * never deleted.
   */
  readonly clockMarginMs: number;
  /** Delete at once under restic's exclusive lock instead of marking. */
  readonly instantDelete: boolean;
}

export const DEFAULT_TWO_PHASE_OPTIONS: Readonly<TwoPhaseOptions> = Object.freeze({
  keepDeleteMs: 23 * 3600_000,
  clockMarginMs: 15 * 60_000,
  instantDelete: false,
});

/** The marking commit must finish (new index visible) within this long after the mark time, else abort. */
export const COMMIT_WINDOW_MS = 5 * 60_000;

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3600_000, d: 86_400_000 };

/**
 * parseDuration reads `23h`, `90m`, `1.5h`, `30s`, `2d`, `500ms` or a bare number of seconds; names the flag
 * on error.
 */
export function parseDuration(flag: string, value: string | number | boolean | undefined): number {
  const m = DURATION.exec(String(value).trim());
  if (m === null || typeof value === 'boolean') throw new UsageError(`${flag}: ${JSON.stringify(value)} is not a duration like 23h, 90m or 30s`);
  return Math.round(Number(m[1]) * UNIT_MS[m[2] ?? 's']!);
}

/** The raw option names parseTwoPhaseOptions understands (camelCased flags, as events spell them). */
export const TWO_PHASE_OPTION_NAMES: readonly string[] = ['keepDelete', 'instantDelete'];

/**
 * parseTwoPhaseOptions reads `keepDelete` (a duration, see parseDuration) and `instantDelete` (true/false)
 * from raw user values; other keys are ignored (they belong to prune or forget). The clock margin is not a
 * user option: only a test may lower it, through `clockMarginMs`.
 */
export function parseTwoPhaseOptions(raw: Record<string, unknown>, clockMarginMs?: number): TwoPhaseOptions {
  let opts: TwoPhaseOptions = { ...DEFAULT_TWO_PHASE_OPTIONS };
  const keep = raw.keepDelete;
  if (keep !== undefined) opts = { ...opts, keepDeleteMs: parseDuration('--keep-delete', keep as string) };
  const instant = raw.instantDelete;
  if (instant !== undefined) {
    if (instant !== true && instant !== false && instant !== 'true' && instant !== 'false') {
      throw new UsageError(`--instant-delete: ${JSON.stringify(instant)} is not true or false`);
    }
    opts = { ...opts, instantDelete: instant === true || instant === 'true' };
  }
  if (clockMarginMs !== undefined) opts = { ...opts, clockMarginMs };
  return opts;
}
