// `forget --json` as restic 0.14 prints it: one line holding an array of groups
// `{tags, host, paths, keep, remove, reasons}`, where keep/remove list snapshots with `id` and `short_id`,
// reasons repeat the snapshot without them, and empty lists are null. Snapshots appear as restic re-encodes
// what it read: its 0.14 fields only, in Go's field order, time normalized by Go, paths sorted (restic
// sorts them in place while grouping) and tags sorted too when grouping by tags.
import { shortId } from '../../core/index.js';
import { goJson, sortedGo } from './go-json.js';
import type { GroupBy } from './options.js';
import type { ForgetPlan } from './plan.js';
import { formatSnapshotTime, parseSnapshotTime } from './snapshot-time.js';
import type { ForgetGroup, KeepCounters, SnapshotEntry } from './types.js';

/** A snapshot as restic 0.14 encodes it (fields in this order; optional ones omitted when empty). */
export type SnapshotJson = Record<string, unknown>;

/** One element of the `forget --json` array. */
export interface ForgetGroupJson {
  tags: string[] | null;
  host: string;
  paths: string[] | null;
  keep: SnapshotJson[] | null;
  remove: SnapshotJson[] | null;
  reasons: { snapshot: SnapshotJson; matches: string[]; counters: KeepCounters }[] | null;
}

/**
 * snapshotJson encodes a snapshot's stored fields as restic 0.14 does after reading it: time, parent, tree,
 * paths, hostname, username, uid, gid, excludes, tags, original; unknown fields are dropped (0.14 does not
 * know them). `sortTags` mirrors restic sorting tags in place when grouping by tags.
 */
export function snapshotJson(entry: SnapshotEntry, sortTags: boolean): SnapshotJson {
  const sn = entry.snapshot;
  const out: SnapshotJson = { time: formatSnapshotTime(parseSnapshotTime(sn.time, `snapshot ${entry.id}`)) };
  if (sn.parent != null) out.parent = sn.parent;
  out.tree = sn.tree ?? null;
  out.paths = sn.paths == null ? null : sortedGo(sn.paths);
  if (sn.hostname) out.hostname = sn.hostname;
  if (sn.username) out.username = sn.username;
  if (typeof sn.uid === 'number' && sn.uid !== 0) out.uid = sn.uid;
  if (typeof sn.gid === 'number' && sn.gid !== 0) out.gid = sn.gid;
  if (Array.isArray(sn.excludes) && sn.excludes.length > 0) out.excludes = sn.excludes;
  if (sn.tags != null && sn.tags.length > 0) out.tags = sortTags ? sortedGo(sn.tags) : sn.tags;
  if (sn.original != null) out.original = sn.original;
  return out;
}

/** toForgetJson builds restic's `forget --json` array from policy groups. */
export function toForgetJson(groups: readonly ForgetGroup[], groupBy: GroupBy): ForgetGroupJson[] {
  const listed = (entries: readonly SnapshotEntry[]): SnapshotJson[] | null =>
    entries.length === 0
      ? null
      : entries.map((entry) => ({ ...snapshotJson(entry, groupBy.tags), id: entry.id, short_id: shortId(entry.id) }));
  return groups.map((group) => ({
    tags: group.tags,
    host: group.host,
    paths: group.paths,
    keep: listed(group.keep),
    remove: listed(group.remove),
    reasons:
      group.reasons.length === 0
        ? null
        : group.reasons.map((r) => ({ snapshot: snapshotJson(r.snapshot, groupBy.tags), matches: r.matches, counters: r.counters })),
  }));
}

/**
 * formatForgetJson returns the exact text `restic forget --json` writes: the array in Go's JSON plus a
 * newline, or "" when there is no group (empty policy or no snapshots), where restic prints nothing.
 */
export function formatForgetJson(plan: ForgetPlan, groupBy: GroupBy): string {
  return plan.groups.length === 0 ? '' : goJson(toForgetJson(plan.groups, groupBy)) + '\n';
}
