// Which source snapshots copy must still bring over. restic 0.14's rule: a source snapshot is already in the
// target when a target snapshot carries its persistent ID (the source's `original`, else the source's own ID)
// as `original` or as its own ID, and is "similar" to it — every field but `parent` and `original` equal. A
// snapshot that was re-tagged in the source after an earlier copy is therefore copied again.
import type { Id } from '../../core/index.js';
import { matchesFilter, snapshotTime, type SnapshotEntry } from '../../repository/index.js';
import type { Snapshot } from '../../format/index.js';
import type { CopyOptions } from './options.js';

/** A source snapshot found in the target, and the target snapshot that is its copy. */
export interface SkippedSnapshot {
  readonly source: Id;
  readonly copy: Id;
}

export interface SnapshotSelection {
  /** Source snapshots to copy, oldest first. */
  readonly toCopy: SnapshotEntry[];
  readonly skipped: SkippedSnapshot[];
  /** Snapshot references that matched nothing (restic warns and goes on). */
  readonly ignored: string[];
}

/**
 * similarSnapshots is restic's test for "the same snapshot": equal time instant, tree, host, user, uid and
 * gid, the same paths and tags as sets (with equal counts), and the same excludes in order.
 */
export function similarSnapshots(a: Snapshot, b: Snapshot): boolean {
  if (snapshotTime(a) !== snapshotTime(b) || a.tree !== b.tree) return false;
  if ((a.hostname ?? '') !== (b.hostname ?? '') || (a.username ?? '') !== (b.username ?? '')) return false;
  if ((a.uid ?? 0) !== (b.uid ?? 0) || (a.gid ?? 0) !== (b.gid ?? 0)) return false;
  const [aTags, bTags, aEx, bEx] = [a.tags ?? [], b.tags ?? [], a.excludes ?? [], b.excludes ?? []];
  if (a.paths.length !== b.paths.length || aTags.length !== bTags.length || aEx.length !== bEx.length) return false;
  if (!b.paths.every((p) => a.paths.includes(p)) || !bTags.every((t) => aTags.includes(t))) return false;
  return aEx.every((e, i) => e === bEx[i]);
}

/** persistentId is the ID that follows a snapshot through copies: its `original`, else its own ID. */
export function persistentId(entry: SnapshotEntry): Id {
  return entry.snapshot.original ?? entry.id;
}

/**
 * selectSnapshots picks the source snapshots to copy. `source` and `target` are all snapshots of each
 * repository (oldest first). With explicit references, each is resolved among all source snapshots
 * (`latest` = newest matching the filter); otherwise the filter selects. Target snapshots are always
 * narrowed by the filter, as restic does. `warn` receives restic's warnings (unknown IDs, ignored filters).
 */
export function selectSnapshots(
  source: readonly SnapshotEntry[],
  target: readonly SnapshotEntry[],
  options: Pick<CopyOptions, 'snapshots' | 'filter'>,
  warn: (message: string) => void = () => {},
): SnapshotSelection {
  const ignored: string[] = [];
  const candidates = options.snapshots.length > 0 ? resolveRefs(source, options, ignored, warn) : source.filter((e) => matchesFilter(e.snapshot, options.filter));

  const byPersistentId = new Map<Id, SnapshotEntry[]>();
  const remember = (key: Id, entry: SnapshotEntry): void => {
    const list = byPersistentId.get(key);
    if (list) list.push(entry);
    else byPersistentId.set(key, [entry]);
  };
  for (const entry of target) {
    if (!matchesFilter(entry.snapshot, options.filter)) continue;
    if (entry.snapshot.original) remember(entry.snapshot.original, entry);
    // A byte-identical copy (same ID) counts too, e.g. a repository duplicated with rsync.
    remember(entry.id, entry);
  }

  const toCopy: SnapshotEntry[] = [];
  const skipped: SkippedSnapshot[] = [];
  for (const entry of candidates) {
    const copy = byPersistentId.get(persistentId(entry))?.find((t) => similarSnapshots(t.snapshot, entry.snapshot));
    if (copy) skipped.push({ source: entry.id, copy: copy.id });
    else toCopy.push(entry);
  }
  return { toCopy, skipped, ignored };
}

function resolveRefs(
  source: readonly SnapshotEntry[],
  options: Pick<CopyOptions, 'snapshots' | 'filter'>,
  ignored: string[],
  warn: (message: string) => void,
): SnapshotEntry[] {
  const { hosts = [], tags = [], paths = [] } = options.filter;
  if (!options.snapshots.includes('latest') && hosts.length + tags.length + paths.length > 0) {
    warn('ignoring the --host/--tag/--path filters, as explicit snapshot IDs are given');
  }
  const picked = new Map<Id, SnapshotEntry>();
  for (const ref of options.snapshots) {
    let matches: SnapshotEntry[];
    if (ref === 'latest') {
      const newest = source.filter((e) => matchesFilter(e.snapshot, options.filter)).at(-1);
      matches = newest ? [newest] : [];
    } else {
      matches = source.filter((e) => e.id.startsWith(ref));
    }
    if (matches.length === 1) {
      picked.set(matches[0]!.id, matches[0]!);
      continue;
    }
    ignored.push(ref);
    warn(matches.length === 0 ? `ignoring "${ref}": no source snapshot matches it` : `ignoring "${ref}": it matches ${matches.length} source snapshots, give more characters`);
  }
  // Oldest first, each once, whatever order the references came in.
  return source.filter((e) => picked.has(e.id));
}
