// Snapshots: loading, selecting (full or short IDs, `latest`, host/tag/path filters, as restic's commands
// do) and saving the small JSON file that names a backup's root tree.
import { CorruptDataError, UsageError, type Id } from '../core/index.js';
import { encodeSnapshot, decodeSnapshot, parseGoTime, type Snapshot } from '../format/index.js';
import type { Repository } from './repository.js';

export interface SnapshotEntry {
  readonly id: Id;
  readonly snapshot: Snapshot;
}

/** restic's snapshot filter: every given host, path and tag list must match. */
export interface SnapshotFilter {
  /** Any of these hosts. */
  readonly hosts?: readonly string[];
  /** Any of these lists; a list matches when the snapshot has all of its tags (restic's `--tag a,b`). */
  readonly tags?: readonly (readonly string[])[];
  /** All of these paths must be in the snapshot's paths. */
  readonly paths?: readonly string[];
}

export async function loadSnapshot(repo: Repository, id: Id): Promise<Snapshot> {
  try {
    return decodeSnapshot(await repo.loadJson('snapshots', id));
  } catch (err) {
    if (err instanceof CorruptDataError) throw new CorruptDataError(`snapshot ${id.slice(0, 8)}: ${err.message}`, { cause: err });
    throw err;
  }
}

/** snapshotTime is the snapshot's instant in nanoseconds, for ordering. */
export function snapshotTime(s: Snapshot): bigint {
  return parseGoTime(s.time).epochNs;
}

/** loadSnapshots loads every snapshot, oldest first (ties by ID, so the order is stable). */
export async function loadSnapshots(repo: Repository, filter: SnapshotFilter = {}): Promise<SnapshotEntry[]> {
  const ids = await repo.listIds('snapshots');
  const entries: SnapshotEntry[] = [];
  // Small files: fetch a few at a time so a remote repository is not walked one round trip per snapshot.
  for (let i = 0; i < ids.length; i += 16) {
    const batch = ids.slice(i, i + 16);
    const loaded = await Promise.all(batch.map(async (id) => ({ id, snapshot: await loadSnapshot(repo, id) })));
    entries.push(...loaded);
  }
  return sortSnapshots(entries.filter((e) => matchesFilter(e.snapshot, filter)));
}

export function sortSnapshots(entries: SnapshotEntry[]): SnapshotEntry[] {
  return entries.sort((a, b) => {
    const d = snapshotTime(a.snapshot) - snapshotTime(b.snapshot);
    return d < 0n ? -1 : d > 0n ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
}

export function matchesFilter(s: Snapshot, f: SnapshotFilter): boolean {
  if (f.hosts && f.hosts.length > 0 && !f.hosts.includes(s.hostname ?? '')) return false;
  if (f.paths && f.paths.length > 0 && !f.paths.every((p) => s.paths.includes(p))) return false;
  if (f.tags && f.tags.length > 0) {
    const have = new Set(s.tags ?? []);
    if (!f.tags.some((list) => list.every((t) => (t === '' ? have.size === 0 : have.has(t))))) return false;
  }
  return true;
}

/**
 * findSnapshot resolves `latest` (newest matching the filter) or a unique ID prefix among all snapshots.
 * Throws a UsageError saying what to write when nothing or more than one snapshot matches.
 */
export async function findSnapshot(repo: Repository, ref: string, filter: SnapshotFilter = {}): Promise<SnapshotEntry> {
  if (ref === 'latest') {
    const all = await loadSnapshots(repo, filter);
    const newest = all[all.length - 1];
    if (newest === undefined) throw new UsageError('no snapshot matches `latest` with the given --host/--tag/--path filters: list them with `cairn snapshots`');
    return newest;
  }
  if (!/^[0-9a-f]{1,64}$/.test(ref)) throw new UsageError(`"${ref}" is not a snapshot ID: give a full or short ID, or \`latest\``);
  const ids = (await repo.listIds('snapshots')).filter((id) => id.startsWith(ref));
  if (ids.length === 0) throw new UsageError(`no snapshot with ID ${ref}: list them with \`cairn snapshots\``);
  if (ids.length > 1) throw new UsageError(`snapshot ID ${ref} is ambiguous (${ids.length} match): give more characters`);
  const id = ids[0]!;
  return { id, snapshot: await loadSnapshot(repo, id) };
}

export async function saveSnapshot(repo: Repository, snapshot: Snapshot): Promise<Id> {
  return repo.saveJson('snapshots', encodeSnapshot(snapshot));
}
