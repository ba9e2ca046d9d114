// One backup run, start to finish: load the index, pick the parent snapshot, archive the paths, flush packs,
// write the index, and only then the snapshot — so an interrupted run leaves no snapshot that points at
// missing data, and the next run reuses every pack that made it into an index. A run whose lock may have
// looked stale to a concurrent prune re-validates its snapshot's blobs before writing it (finishBackupIndex).
import { setTimeout as sleep } from 'node:timers/promises';
import type { Id } from '../../shared/core/index.js';
import { parseGoTime, type Snapshot } from '../../shared/format/index.js';
import {
  BlobWriter,
  confirmSnapshot,
  finishBackupIndex,
  IndexWriter,
  loadIndex,
  loadSnapshots,
  saveSnapshot,
  type FinishBackupResult,
  type Repository,
  type SnapshotEntry,
  type StaleWatch,
} from '../../shared/repository/index.js';
import { Archiver, type PathFilter } from './archiver.js';
import { ParentTrees } from './parent.js';
import { existingTargets, snapshotPaths } from './targets.js';
import type { BackupCounters } from './counters.js';

/**
 * A long backup writes an index file every 64 packs (~1 GiB) or 5 minutes, whichever comes first, so that a
 * run killed part-way leaves most of its uploads reusable. restic 0.14 waits 10 minutes; on a fast link
 * that is many GiB to upload again, while more frequent small index files cost little.
 */
export const INDEX_EVERY_PACKS = 64;
export const INDEX_EVERY_MS = 5 * 60_000;

export interface BackupOptions {
  /** Targets as given (relative ones are stored relative to the working directory, as restic does). */
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
  /** A target that does not exist (skipped, not an error: restic's rule). */
  readonly onWarning: (message: string) => void;
  /** Aborts the run before the snapshot is written (SIGINT). */
  readonly signal?: AbortSignal;
  /** Write an index file after this many new packs (default INDEX_EVERY_PACKS). */
  readonly indexEveryPacks?: number;
  readonly onIndexLoaded?: (blobs: number) => void;
  /**
   * The lock the run holds. When it may have looked stale to a prune (suspend, lost network), the run
   * re-validates every blob of its snapshot against a fresh index before writing it. Without one
   * (--no-lock) nothing is re-validated.
   */
  readonly lock?: StaleWatch | undefined;
  /** Wait after refreshing a stale lock. @default LOCK_DELETE_WINDOW_MS (only tests shorten it) */
  readonly deleteWindowMs?: number;
  /** Told when a re-validation round starts. */
  readonly onRevalidate?: (round: number) => void;
  readonly progress?: (counters: BackupCounters, writer: BlobWriter) => void;
}

export interface BackupResult {
  readonly snapshotId: Id | undefined;
  readonly snapshot: Snapshot;
  readonly parent: Id | undefined;
  readonly counters: BackupCounters;
  readonly writer: BlobWriter;
  readonly durationMs: number;
  /** What re-validation did (rounds 0 when the lock stayed fresh); undefined for a dry run. */
  readonly revalidation: FinishBackupResult | undefined;
}

/**
 * findParent picks restic 0.14's default parent: among snapshots of the same host that contain every one of
 * `paths` (absolute) and are not newer than `time`, the newest. `snapshots` must be sorted oldest first.
 */
export function findParent(snapshots: readonly SnapshotEntry[], hostname: string, paths: readonly string[], time: string): SnapshotEntry | undefined {
  const limit = parseGoTime(time).epochNs;
  let found: SnapshotEntry | undefined;
  for (const e of snapshots) {
    if ((e.snapshot.hostname ?? '') !== hostname || parseGoTime(e.snapshot.time).epochNs > limit) continue;
    if (paths.every((p) => e.snapshot.paths.includes(p))) found = e;
  }
  return found;
}

export async function runBackup(repo: Repository, opts: BackupOptions): Promise<BackupResult> {
  const started = Date.now();
  const targets = existingTargets(opts.paths, opts.onWarning);
  const paths = snapshotPaths(targets);
  const { index } = await loadIndex(repo);
  opts.onIndexLoaded?.(index.blobCount);

  let parent: SnapshotEntry | undefined;
  if (opts.parent !== null) {
    const snapshots = await loadSnapshots(repo);
    parent = opts.parent === undefined ? findParent(snapshots, opts.hostname, paths, opts.time) : snapshots.find((e) => e.id === opts.parent);
  }

  const indexWriter = new IndexWriter(repo, { maxPacks: opts.indexEveryPacks ?? INDEX_EVERY_PACKS, maxAgeMs: INDEX_EVERY_MS, now: Date.now });
  const writer = new BlobWriter(repo, index, indexWriter, { dryRun: opts.dryRun });
  const archiver = new Archiver(writer, repo.polynomial, {
    ...(opts.filter ? { filter: opts.filter } : {}),
    ...(parent ? { parent: { trees: new ParentTrees(repo, index), tree: parent.snapshot.tree } } : {}),
    onError: opts.onError,
    onChanged: opts.onChanged,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  // One status at once (a person sees the run has started), then four a second.
  opts.progress?.(archiver.counters, writer);
  const timer = opts.progress ? setInterval(() => opts.progress!(archiver.counters, writer), 250) : undefined;
  let tree: Id;
  let revalidation: FinishBackupResult | undefined;
  try {
    tree = await archiver.archive(targets);
    await writer.flush();
    if (opts.dryRun) await indexWriter.flush();
    else {
      revalidation = await finishBackupIndex(repo, {
        tree,
        indexWriter,
        lock: opts.lock,
        ...(opts.deleteWindowMs !== undefined ? { deleteWindowMs: opts.deleteWindowMs } : {}),
        sleep: (ms) => sleep(ms, undefined, opts.signal ? { signal: opts.signal } : {}),
        ...(opts.onRevalidate ? { onRevalidate: opts.onRevalidate } : {}),
      });
    }
  } catch (err) {
    // Interrupted: index the packs that are already stored so the next run skips their blobs.
    if (opts.signal?.aborted) await indexWriter.flush().catch(() => undefined);
    throw err;
  } finally {
    if (timer) clearInterval(timer);
    // Stops the encoder threads and removes the temp files of packs that were never stored.
    await writer.close();
  }

  const snapshot: Snapshot = { time: opts.time, tree, paths, hostname: opts.hostname, username: opts.username, uid: opts.uid, gid: opts.gid };
  if (parent) snapshot.parent = parent.id;
  if (opts.excludes.length > 0) snapshot.excludes = [...opts.excludes];
  if (opts.tags.length > 0) snapshot.tags = [...opts.tags];
  // The last chance to stop: after this line the backup exists.
  opts.signal?.throwIfAborted();
  const snapshotId = opts.dryRun ? undefined : await saveSnapshot(repo, snapshot);
  // Suspended between the last check and the write? Then the snapshot is checked again (and removed if broken).
  if (snapshotId !== undefined) {
    await confirmSnapshot(repo, snapshotId, {
      tree,
      lock: opts.lock,
      ...(opts.deleteWindowMs !== undefined ? { deleteWindowMs: opts.deleteWindowMs } : {}),
      sleep: (ms) => sleep(ms),
    });
  }
  return { snapshotId, snapshot, parent: parent?.id, counters: archiver.counters, writer, durationMs: Date.now() - started, revalidation };
}
