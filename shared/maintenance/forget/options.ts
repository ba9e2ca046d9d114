// ForgetOptions: the forget policy (restic's --keep-* flags), how snapshots are grouped, and which ones are
// considered at all; parse-options.ts builds it from user strings.
import { isZeroDuration, type Duration } from './duration.js';

/** Which snapshot fields form the group key (restic's --group-by); all false = one group. */
export interface GroupBy {
  host: boolean;
  paths: boolean;
  tags: boolean;
}

/** The policy and selection of a forget run, field for field restic 0.14's forget flags. */
export interface ForgetOptions {
  /** Keep the newest n snapshots (--keep-last). Counts ≤ 0 disable a rule. */
  keepLast: number;
  keepHourly: number;
  keepDaily: number;
  keepWeekly: number;
  keepMonthly: number;
  keepYearly: number;
  /** Keep every snapshot newer than the group's latest snapshot minus this (--keep-within). */
  keepWithin: Duration | undefined;
  /** Keep the newest snapshot of each hour/day/… newer than latest minus the duration. */
  keepWithinHourly: Duration | undefined;
  keepWithinDaily: Duration | undefined;
  keepWithinWeekly: Duration | undefined;
  keepWithinMonthly: Duration | undefined;
  keepWithinYearly: Duration | undefined;
  /** Keep snapshots having all tags of any one list (--keep-tag a,b); [""] matches untagged snapshots. */
  keepTags: string[][];
  groupBy: GroupBy;
  /** Only consider snapshots of one of these hosts (--host); empty = all. */
  hosts: string[];
  /** Only consider snapshots having all tags of any one list (--tag); empty = all. */
  tags: string[][];
  /** Only consider snapshots having all of these paths (--path); empty = all. */
  paths: string[];
}

/** restic's defaults: no rule (keep everything), grouped by host and paths, no filters. */
export const DEFAULT_FORGET_OPTIONS: Readonly<ForgetOptions> = Object.freeze({
  keepLast: 0, keepHourly: 0, keepDaily: 0, keepWeekly: 0, keepMonthly: 0, keepYearly: 0,
  keepWithin: undefined, keepWithinHourly: undefined, keepWithinDaily: undefined,
  keepWithinWeekly: undefined, keepWithinMonthly: undefined, keepWithinYearly: undefined,
  keepTags: Object.freeze([]) as unknown as string[][],
  groupBy: Object.freeze({ host: true, paths: true, tags: false }),
  hosts: Object.freeze([]) as unknown as string[],
  tags: Object.freeze([]) as unknown as string[][],
  paths: Object.freeze([]) as unknown as string[],
});

/** defaultForgetOptions returns a fresh, mutable copy of DEFAULT_FORGET_OPTIONS. */
export function defaultForgetOptions(): ForgetOptions {
  const d = DEFAULT_FORGET_OPTIONS;
  return { ...d, keepTags: [], groupBy: { ...d.groupBy }, hosts: [], tags: [], paths: [] };
}

export type CountKey = 'keepLast' | 'keepHourly' | 'keepDaily' | 'keepWeekly' | 'keepMonthly' | 'keepYearly';
export type WithinKey = 'keepWithin' | 'keepWithinHourly' | 'keepWithinDaily' | 'keepWithinWeekly' | 'keepWithinMonthly' | 'keepWithinYearly';
/** The rules alone, without grouping and filters (restic's ExpirePolicy). */
export type ExpirePolicy = Pick<ForgetOptions, CountKey | WithinKey | 'keepTags'>;

/** The counting rules' option names, in restic's order. */
export const COUNT_KEYS: readonly CountKey[] = ['keepLast', 'keepHourly', 'keepDaily', 'keepWeekly', 'keepMonthly', 'keepYearly'];
/** The duration rules' option names, in restic's order. */
export const WITHIN_KEYS: readonly WithinKey[] = [
  'keepWithin', 'keepWithinHourly', 'keepWithinDaily', 'keepWithinWeekly', 'keepWithinMonthly', 'keepWithinYearly',
];

/**
 * isEmptyPolicy is restic's ExpirePolicy.Empty: no count set (non-zero, so a negative count makes the
 * policy non-empty without keeping anything, as in 0.14), no duration set, no keep-tag list. With an empty
 * policy forget removes nothing.
 */
export function isEmptyPolicy(opts: ExpirePolicy): boolean {
  return COUNT_KEYS.every((k) => opts[k] === 0) && WITHIN_KEYS.every((k) => isZeroDuration(opts[k])) && opts.keepTags.length === 0;
}
