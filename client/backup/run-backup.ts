// One backup run, start to finish: load the index, pick the parent snapshot, archive the paths, flush packs,
// write the index, and only then the snapshot — so an interrupted run leaves no snapshot that points at
// missing data, and the next run reuses every pack that made it into an index.
import type { Id } from '../../shared/core/index.js';
import type { Snapshot } from '../../shared/format/index.js';
import { BlobWriter, IndexWriter, loadIndex, loadSnapshots, saveSnapshot, type Repository, type SnapshotEntry } from '../../shared/repository/index.js';
import { Archiver, type PathFilter } from './archiver.js';
import { ParentTrees } from './parent.js';
import { normalizeTargets } from './targets.js';
import type { BackupCounters } from './counters.js';

export interface BackupOptions {
  readonly paths: readonly string[];
  readonly hostname: string;
  readonly username: string;
  readonly uid: number;
  readonly gid: number;
  /** The snapshot's time as restic writes it. */
  readonly time: string;
  readonly tags: readonly string[];
  readonly excludes: readonly string[];
  /** Parent snapshot ID (full) or undefined to pick the newest of the same host and paths; null for none. */
  readonly parent?: Id | null;
  readonly filter?: PathFilter;
  readonly dryRun: boolean;
  readonly onError: (path: string, err: unknown) => void;
  readonly onChanged: (path: string) => void;
  readonly onIndexLoaded?: (blobs: number) => void;
  readonly progress?: (counters: BackupCounters, writer: BlobWriter) => void;
}

export interface BackupResult {
  readonly snapshotId: Id | undefined;
  readonly snapshot: Snapshot;
  readonly parent: Id | undefined;
  readonly counters: BackupCounters;
  readonly writer: BlobWriter;
  readonly durationMs: number;
}

/** findParent picks restic's default parent: the newest snapshot with the same host and the same paths. */
export function findParent(snapshots: SnapshotEntry[], hostname: string, paths: readonly string[]): SnapshotEntry | undefined {
  const wanted = [...paths].sort().join('\0');
  const same = snapshots.filter((e) => (e.snapshot.hostname ?? '') === hostname && [...e.snapshot.paths].sort().join('\0') === wanted);
  return same[same.length - 1];
}

export async function runBackup(repo: Repository, opts: BackupOptions): Promise<BackupResult> {
  const started = Date.now();
  const paths = normalizeTargets(opts.paths);
  const { index } = await loadIndex(repo);
  opts.onIndexLoaded?.(index.blobCount);

  let parent: SnapshotEntry | undefined;
  if (opts.parent !== null) {
    const snapshots = await loadSnapshots(repo);
    parent = opts.parent === undefined ? findParent(snapshots, opts.hostname, paths) : snapshots.find((e) => e.id === opts.parent);
  }

  const indexWriter = new IndexWriter(repo);
  const writer = new BlobWriter(repo, index, indexWriter, { dryRun: opts.dryRun });
  const archiver = new Archiver(writer, repo.polynomial, {
    ...(opts.filter ? { filter: opts.filter } : {}),
    ...(parent ? { parent: { trees: new ParentTrees(repo, index), tree: parent.snapshot.tree } } : {}),
    onError: opts.onError,
    onChanged: opts.onChanged,
  });
  const timer = opts.progress ? setInterval(() => opts.progress!(archiver.counters, writer), 250) : undefined;
  let tree: Id;
  try {
    tree = await archiver.archive(paths);
    await writer.flush();
    await indexWriter.flush();
  } finally {
    if (timer) clearInterval(timer);
  }

  const snapshot: Snapshot = { time: opts.time, tree, paths, hostname: opts.hostname, username: opts.username, uid: opts.uid, gid: opts.gid };
  if (parent) snapshot.parent = parent.id;
  if (opts.excludes.length > 0) snapshot.excludes = [...opts.excludes];
  if (opts.tags.length > 0) snapshot.tags = [...opts.tags];
  const snapshotId = opts.dryRun ? undefined : await saveSnapshot(repo, snapshot);
  return { snapshotId, snapshot, parent: parent?.id, counters: archiver.counters, writer, durationMs: Date.now() - started };
}
