// The forget plan: the policy's decisions for every group plus the flat list of snapshot IDs to delete. It
// is data (JSON-serializable), so the same plan serves --dry-run, the --json output and the job that
// deletes `snapshots/<id>` files.
import { isEmptyPolicy, type ForgetOptions } from './options.js';
import { applyPolicy } from './policy.js';
import type { ForgetGroup, SnapshotEntry } from './types.js';

/** What a forget run would do. */
export interface ForgetPlan {
  /** No rule was given: like restic, nothing is removed and no groups are reported. */
  policyEmpty: boolean;
  /** One entry per group, in order of first appearance; [] when the policy is empty. */
  groups: ForgetGroup[];
  /** IDs of the snapshots to delete: every group's `remove`, in group order, newest first within a group. */
  remove: string[];
}

/**
 * planForget applies `opts` to `snapshots` as `restic forget` (without explicit snapshot IDs) does and
 * returns the decisions. `now` is the clock restic would read; only --keep-within* depend on it.
 */
export function planForget(snapshots: readonly SnapshotEntry[], opts: ForgetOptions, now: Date): ForgetPlan {
  if (isEmptyPolicy(opts)) return { policyEmpty: true, groups: [], remove: [] };
  const groups = applyPolicy(snapshots, opts, now);
  const remove = [...new Set(groups.flatMap((g) => g.remove.map((entry) => entry.id)))];
  return { policyEmpty: false, groups, remove };
}
