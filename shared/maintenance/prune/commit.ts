// Committing a prune, in the order that keeps the repository valid after a crash at any point (DESIGN §7.4):
//   (a) the new packs were uploaded by the work items (checked here: each must exist with its size);
//   (b) write a complete new index: every remaining pack plus the new ones, split per restic's limits, each
//       file superseding all old index files;
//   (c) delete the old index files;
//   (d) delete removed, repacked and unreferenced packs.
// Killed before (b): the new packs are unreferenced garbage. During (b)/(c): old and new index files overlap,
// which only duplicates entries. During (d): old packs linger unindexed. In every case restic check passes
// and the next prune finishes the job. This is the --instant-delete commit; two-phase prune commits in
// two-phase-commit.ts (marks instead of (d)).
import { CorruptDataError, type Id, type Reporter } from '../../core/index.js';
import { encodeIndexFile, expectedPackSize, type IndexFile, type IndexPack } from '../../format/index.js';
import { maxBlobsPerIndex, type MasterIndex, type Repository } from '../../repository/index.js';
import { blobKey } from './pack-usage.js';
import type { PrunePlan } from './plan.js';
import type { RepackResult } from './repack.js';
import { forEach } from './for-each.js';

export interface PruneOutcome {
  packsWritten: number;
  packsDeleted: number;
  bytesDeleted: number;
  indexFilesWritten: number;
  indexFilesDeleted: number;
  /** Two-phase only: packs marked, marked packs made live again, deletions a live session blocked. */
  packsMarked?: number;
  packsRecovered?: number;
  deletionsBlocked?: number;
}

/**
 * commitPrune finishes a planned prune. `index` is the index loaded from exactly `indexFiles` (the files
 * listed now; under the exclusive lock they are the plan's). It is modified: the dropped packs are removed.
 * Throws before changing anything when a kept blob was not repacked or a new pack is missing.
 */
export async function commitPrune(
  repo: Repository,
  plan: PrunePlan,
  index: MasterIndex,
  indexFiles: readonly Id[],
  results: readonly RepackResult[],
  reporter?: Reporter,
): Promise<PruneOutcome> {
  const newPacks = await checkNewPacks(repo, plan, results);

  const dropped = plan.decisions.filter((d) => d.action === 'remove' || d.action === 'repack' || d.action === 'drop-missing').map((d) => d.packId);
  const outcome: PruneOutcome = { packsWritten: newPacks.length, packsDeleted: 0, bytesDeleted: 0, indexFilesWritten: 0, indexFilesDeleted: 0 };
  const written = new Set<Id>();
  if (dropped.length > 0 || newPacks.length > 0) {
    // (b) The complete index, then (c) the files it supersedes.
    reporter?.log('info', 'writing the new index');
    index.removePacks(dropped);
    for (const p of newPacks) index.addPack(p.id, p.blobs);
    for await (const id of writeIndex(repo, index, indexFiles)) written.add(id);
    outcome.indexFilesWritten = written.size;
    reporter?.log('info', 'deleting old index files');
    const old = indexFiles.filter((id) => !written.has(id));
    await forEach(old, (id) => repo.backend.remove('index', id));
    outcome.indexFilesDeleted = old.length;
  }

  // (d) Packs no index names any more. A pack the new index lists is never deleted, whatever the plan says.
  reporter?.log('info', 'deleting packs');
  const doomed = plan.decisions.filter((d) => (d.action === 'remove' || d.action === 'repack' || d.action === 'delete-unreferenced') && !index.hasPack(d.packId));
  await forEach(doomed, async (d) => {
    await repo.backend.remove('data', d.packId);
    outcome.packsDeleted++;
    outcome.bytesDeleted += d.size;
  });
  return outcome;
}

/**
 * checkNewPacks is commit step (a), shared by both prune modes: every blob the plan keeps from repacked
 * packs must be in a new pack, and every new pack must be stored in full before an index may name it.
 * Returns the new packs as index entries.
 */
export async function checkNewPacks(repo: Repository, plan: PrunePlan, results: readonly RepackResult[]): Promise<IndexPack[]> {
  const newPacks = results.flatMap((r) => r.packs);
  verifyRepacked(plan, newPacks);
  await forEach(newPacks, async (p) => {
    const { size } = await repo.backend.stat('data', p.id);
    const expected = expectedPackSize(p.blobs.map((b) => ({ length: b.length, uncompressedLength: b.uncompressed_length })));
    if (size !== expected) throw new CorruptDataError(`new pack ${p.id.slice(0, 8)} has ${size} bytes, expected ${expected}; nothing was deleted: run prune again`);
  });
  return newPacks;
}

/** verifyRepacked checks that every blob the plan keeps from repacked packs is in some new pack. */
function verifyRepacked(plan: PrunePlan, newPacks: readonly IndexPack[]): void {
  const stored = new Set<string>();
  for (const p of newPacks) for (const b of p.blobs) stored.add(blobKey(b.type, b.id));
  for (const r of plan.repack) {
    for (const b of r.keep) {
      if (!stored.has(blobKey(b.type, b.id))) {
        throw new CorruptDataError(`internal error: ${b.type} blob ${b.id.slice(0, 8)} of pack ${r.packId.slice(0, 8)} was not repacked; nothing was deleted`);
      }
    }
  }
}

/** writeIndex writes the whole in-memory index as new index files, each superseding `supersedes`. */
async function* writeIndex(repo: Repository, index: MasterIndex, supersedes: readonly Id[]): AsyncGenerator<Id> {
  const limit = maxBlobsPerIndex(repo.version);
  let packs: IndexPack[] = [];
  let blobs = 0;
  let current: IndexPack | undefined;
  const flush = async (): Promise<Id> => {
    const file: IndexFile = { packs };
    if (supersedes.length > 0) file.supersedes = [...supersedes];
    packs = [];
    blobs = 0;
    return repo.saveJson('index', encodeIndexFile(file));
  };
  for (const { packId, blob } of index.entries()) {
    if (current?.id !== packId) {
      // A pack is never split across files; a file is closed once it reaches the limit.
      if (blobs >= limit) yield await flush();
      current = { id: packId, blobs: [] };
      packs.push(current);
    }
    current.blobs.push(blob);
    blobs++;
  }
  if (packs.length > 0) yield await flush();
}
