// Selecting and grouping snapshots before the policy runs. The --host/--tag/--path filters decide which
// snapshots forget considers at all; --group-by then splits them so the policy applies to each group alone
// (by default one group per host and set of backup paths). Semantics follow restic 0.14 exactly, including
// its quirks: a tag list matches when the snapshot has all its tags, and a "" in it matches untagged ones.
import { goJson, sortedGo } from './go-json.js';
import type { ForgetOptions, GroupBy } from './options.js';
import type { SnapshotEntry } from './types.js';

/**
 * hasTags is restic's Snapshot.HasTags: true when the snapshot carries every tag of `list`. An empty tag in
 * the list matches an untagged snapshot outright (and fails a tagged one); an empty list matches all.
 */
export function hasTags(entry: SnapshotEntry, list: readonly string[]): boolean {
  const tags = entry.snapshot.tags ?? [];
  for (const tag of list) {
    if (tag === '' && tags.length === 0) return true;
    if (!tags.includes(tag)) return false;
  }
  return true;
}

/** hasTagList is restic's Snapshot.HasTagList: some list matches (comma = AND, repetition = OR), or none given. */
export function hasTagList(entry: SnapshotEntry, lists: readonly (readonly string[])[]): boolean {
  return lists.length === 0 || lists.some((list) => hasTags(entry, list));
}

/**
 * filterSnapshots keeps the snapshots forget considers: host among `hosts` (any, when empty), matching the
 * tag lists, and holding every path of `paths` (exact string match). Order is preserved.
 */
export function filterSnapshots(
  entries: readonly SnapshotEntry[],
  filter: Pick<ForgetOptions, 'hosts' | 'tags' | 'paths'>,
): SnapshotEntry[] {
  return entries.filter((entry) => {
    const sn = entry.snapshot;
    if (filter.hosts.length > 0 && !filter.hosts.includes(sn.hostname ?? '')) return false;
    if (!hasTagList(entry, filter.tags)) return false;
    return filter.paths.every((p) => (sn.paths ?? []).includes(p));
  });
}

/** The identity of a group: the fields it was grouped by, the rest blank. */
export interface SnapshotGroupKey {
  hostname: string;
  paths: string[] | null;
  tags: string[] | null;
}

/**
 * groupKeyOf returns restic's group key for a snapshot: `{"hostname":…,"paths":[…],"tags":[…]}` in Go's JSON,
 * with paths and tags sorted and the fields not grouped by left "" / null. A missing list is null, not [].
 */
export function groupKeyOf(entry: SnapshotEntry, groupBy: GroupBy): { key: string; fields: SnapshotGroupKey } {
  const sn = entry.snapshot;
  const fields: SnapshotGroupKey = {
    hostname: groupBy.host ? (sn.hostname ?? '') : '',
    paths: groupBy.paths && sn.paths != null ? sortedGo(sn.paths) : null,
    tags: groupBy.tags && sn.tags != null ? sortedGo(sn.tags) : null,
  };
  return { key: goJson(fields), fields };
}

/** A group before the policy ran: its key and members in input order. */
export interface SnapshotGroup {
  key: string;
  fields: SnapshotGroupKey;
  snapshots: SnapshotEntry[];
}

/**
 * groupSnapshots splits snapshots by their group key. Groups come in order of first appearance and keep
 * their members' input order (restic's map order is random; any order is equally correct).
 */
export function groupSnapshots(entries: readonly SnapshotEntry[], groupBy: GroupBy): SnapshotGroup[] {
  const groups = new Map<string, SnapshotGroup>();
  for (const entry of entries) {
    const { key, fields } = groupKeyOf(entry, groupBy);
    let group = groups.get(key);
    if (group === undefined) {
      group = { key, fields, snapshots: [] };
      groups.set(key, group);
    }
    group.snapshots.push(entry);
  }
  return [...groups.values()];
}
