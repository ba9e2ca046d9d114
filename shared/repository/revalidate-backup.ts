// The end of a backup under two-phase prune (DESIGN §7, rule 4): write the last index file, and, when the
// backup's lock may have looked stale to a prune, re-validate the snapshot before it is written.
//
// Why the steps come in this order:
// 1. Refresh the lock first. From the moment the fresh lock file is stored, every prune that lists locks
//    sees a live session that started before any mark it could make on our packs, and deletes none of them.
// 2. Wait out the deletion window (LOCK_DELETE_WINDOW_MS). A prune that listed locks while ours looked
//    stale deletes only within that window after its listing; after the wait every such deletion is done,
//    so what we list and load next is the state no stale-era decision will change any more.
// 3. List data/, keep only pending packs that still exist, write the index file. A pack we uploaded but had
//    not indexed may have been marked (present but in no index) and deleted; naming it would break check.
// 4. Load a fresh index (live + marked) and walk the snapshot: gone blobs abort without a snapshot; blobs
//    only in marked packs are copied into new packs (their marks cannot turn into deletions now: our
//    session is live and started before them) and indexed.
// 5. Ask again: if the lock may have gone stale during all this (another suspend), do it all again.
// The check right before returning is what the snapshot relies on: a lock not stale by LOCK_SAFE_GAP_MS
// (half the stale age) cannot look stale to anyone for at least that long, ample to store a snapshot file.
import type { Id } from '../core/index.js';
import { BlobWriter } from './blob-writer.js';
import type { IndexWriter } from './index-writer.js';
import { loadIndex } from './index-loader.js';
import { LOCK_DELETE_WINDOW_MS, type RepositoryLock } from './lock.js';
import { classifyBlobs, copyMarkedBlobs, snapshotBlobs, SnapshotInvalidatedError } from './revalidate.js';
import type { Repository } from './repository.js';

/**
 * confirmSnapshot closes the last gap: a backup suspended between finishBackupIndex's final check and the
 * snapshot's write (after which a prune that judged its lock stale may have listed snapshots without it and
 * deleted what it uses). Called right after the snapshot is stored; if the lock may have gone stale
 * meanwhile, it refreshes, waits out the deletion window and walks the snapshot again. A blob that is gone
 * means the snapshot is broken: it is removed and SnapshotInvalidatedError thrown. Blobs only in marked
 * packs are fine now: the snapshot is visible, so the next prune recovers those packs, and our refreshed
 * session (started before their marks) keeps them from deletion until then.
 */
export async function confirmSnapshot(repo: Repository, snapshotId: Id, opts: Omit<FinishBackupOptions, 'indexWriter' | 'onRevalidate'>): Promise<boolean> {
  const { lock } = opts;
  if (!lock?.mayHaveGoneStale()) return false;
  await lock.refresh();
  lock.acknowledgeStale();
  await opts.sleep(opts.deleteWindowMs ?? LOCK_DELETE_WINDOW_MS);
  const stored = new Set(await repo.listIds('data'));
  const fresh = await loadIndex(repo);
  const exists = (id: Id): boolean => stored.has(id);
  const verdict = await classifyBlobs(snapshotBlobs(repo, opts.tree, fresh, exists), fresh, exists);
  if (verdict.gone.length > 0) {
    await repo.backend.remove('snapshots', snapshotId);
    throw new SnapshotInvalidatedError(verdict.gone);
  }
  return true;
}

/** After this many rounds in which the lock went stale again, give up (something keeps suspending us). */
const MAX_ROUNDS = 5;

/** What the backup's end needs of its lock. */
export type StaleWatch = Pick<RepositoryLock, 'mayHaveGoneStale' | 'acknowledgeStale' | 'refresh'>;

export interface FinishBackupOptions {
  /** The snapshot's root tree, whose blobs are all uploaded (BlobWriter.flush done). */
  readonly tree: Id;
  /** The backup's index writer, holding the packs not yet in an index file. */
  readonly indexWriter: IndexWriter;
  /** The backup's lock; without one (--no-lock) nothing is re-validated. */
  readonly lock?: StaleWatch | undefined;
  /** How long to wait after refreshing a stale lock. @default LOCK_DELETE_WINDOW_MS (tests shorten it) */
  readonly deleteWindowMs?: number;
  /** Waits `ms`; the clock is a parameter so tests need not wait. */
  readonly sleep: (ms: number) => Promise<void>;
  /** Told at the start of each re-validation round (for a debug line). */
  readonly onRevalidate?: (round: number) => void;
}

export interface FinishBackupResult {
  /** Re-validation rounds run (0: the lock never looked stale). */
  readonly rounds: number;
  /** Blobs copied out of marked packs. */
  readonly copied: number;
  /** Pending packs left out of the index because they were no longer stored. */
  readonly droppedPacks: number;
}

/**
 * finishBackupIndex writes the backup's remaining index entries so that its snapshot may be stored next,
 * re-validating first whenever the lock may have gone stale (see the header). Throws
 * SnapshotInvalidatedError when a blob of the snapshot is gone; the caller then writes no snapshot.
 */
export async function finishBackupIndex(repo: Repository, opts: FinishBackupOptions): Promise<FinishBackupResult> {
  const { indexWriter, lock } = opts;
  let rounds = 0;
  let copied = 0;
  let droppedPacks = 0;
  for (;;) {
    if (lock?.mayHaveGoneStale()) {
      if (rounds >= MAX_ROUNDS) throw new SnapshotInvalidatedError([]);
      rounds++;
      opts.onRevalidate?.(rounds);
      await lock.refresh();
      lock.acknowledgeStale();
      await opts.sleep(opts.deleteWindowMs ?? LOCK_DELETE_WINDOW_MS);
      const stored = new Set(await repo.listIds('data'));
      droppedPacks += indexWriter.retainPending((id) => stored.has(id)).length;
      await indexWriter.flush();
      const fresh = await loadIndex(repo);
      const exists = (id: Id): boolean => stored.has(id);
      const verdict = await classifyBlobs(snapshotBlobs(repo, opts.tree, fresh, exists), fresh, exists);
      if (verdict.gone.length > 0) throw new SnapshotInvalidatedError(verdict.gone);
      if (verdict.markedOnly.length > 0) {
        // Deduplicates against the fresh live index only, so the marked blobs are stored anew.
        const writer = new BlobWriter(repo, fresh.index, indexWriter, { encoderThreads: 0 });
        try {
          copied += await copyMarkedBlobs(repo, verdict.markedOnly, fresh, writer);
        } finally {
          await writer.close();
        }
      }
      continue;
    }
    await indexWriter.flush();
    // The flush took time; only a lock still fresh afterwards lets the snapshot be written.
    if (!lock?.mayHaveGoneStale()) return { rounds, copied, droppedPacks };
  }
}
