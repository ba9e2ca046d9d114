// The copy plan: the source snapshots to copy, and the blobs the target lacks grouped by the SOURCE pack
// they are read from, cut into work items of about `itemBytes` of source reads each. Everything here is
// plain JSON: the plan and its items travel through the control bucket between Lambda invocations.
import { CorruptDataError, type BlobType, type Id } from '../../core/index.js';
import type { IndexPack, Snapshot } from '../../format/index.js';
import { loadIndex, loadSnapshots, type SnapshotEntry } from '../../repository/index.js';
import type { JobContext } from '../job.js';
import { findMissingBlobs } from './missing-blobs.js';
import type { CopyOptions } from './options.js';
import { selectSnapshots, type SkippedSnapshot } from './select.js';
import type { Repository } from '../../repository/index.js';

/** A source snapshot to copy, with its decoded file (so finalize need not read the source again). */
export interface CopySnapshot {
  readonly id: Id;
  readonly snapshot: Snapshot;
}

export interface CopyPlan {
  /** Oldest first; finalize saves them in this order. */
  readonly snapshots: CopySnapshot[];
  readonly skipped: SkippedSnapshot[];
  readonly ignored: string[];
  readonly stats: CopyPlanStats;
}

export interface CopyPlanStats {
  readonly treesWalked: number;
  readonly treeBlobs: number;
  readonly dataBlobs: number;
  /** Stored (sealed) bytes of the blobs to copy, as the source holds them. */
  readonly bytes: number;
  /** Source packs read from. */
  readonly packs: number;
}

/** A work item: source packs, each with the blobs to take from it (index-file shape, offsets ascending). */
export interface CopyItem {
  readonly packs: IndexPack[];
}

/**
 * planCopy loads both repositories' snapshots and indexes, selects the snapshots to copy, walks their trees
 * and groups the missing blobs. A blob stored in several source packs is read from the first one the index
 * lists. A needed blob missing from the source index fails the plan: the source must be repaired first.
 */
export async function planCopy(ctx: JobContext, target: Repository, options: CopyOptions): Promise<{ plan: CopyPlan; items: CopyItem[] }> {
  const source = ctx.repo;
  const log = (message: string): void => ctx.reporter.log('warn', message);
  // Snapshots before indexes (restic's read ordering): a snapshot listed now has its blobs in an index
  // loaded afterwards.
  const [sourceSnapshots, targetSnapshots] = await Promise.all([loadSnapshots(source), loadSnapshots(target)]);
  const selection = selectSnapshots(sourceSnapshots, targetSnapshots, options, log);
  const snapshots = selection.toCopy.map((e: SnapshotEntry) => ({ id: e.id, snapshot: e.snapshot }));
  const emptyStats = { treesWalked: 0, treeBlobs: 0, dataBlobs: 0, bytes: 0, packs: 0 };
  if (snapshots.length === 0) return { plan: { snapshots, skipped: selection.skipped, ignored: selection.ignored, stats: emptyStats }, items: [] };

  const [{ index: sourceIndex }, { index: targetIndex }] = await Promise.all([loadIndex(source), loadIndex(target)]);
  const missing = await findMissingBlobs(source, sourceIndex, targetIndex, snapshots.map((s) => s.snapshot.tree), {
    onProgress: (n) => ctx.reporter.progress?.('copy: trees walked', n),
  });

  const byPack = new Map<Id, IndexPack>();
  let bytes = 0;
  const place = (type: BlobType, id: Id): void => {
    const loc = sourceIndex.lookup(type, id);
    if (!loc) throw new CorruptDataError(`source ${type} blob ${id.slice(0, 8)} is not in the source index: run \`cairn check\` on the source repository`);
    let pack = byPack.get(loc.packId);
    if (!pack) byPack.set(loc.packId, (pack = { id: loc.packId, blobs: [] }));
    pack.blobs.push({ id, type, offset: loc.offset, length: loc.length, ...(loc.uncompressedLength > 0 ? { uncompressed_length: loc.uncompressedLength } : {}) });
    bytes += loc.length;
  };
  for (const id of missing.trees) place('tree', id);
  for (const id of missing.data) place('data', id);

  const stats = { treesWalked: missing.treesWalked, treeBlobs: missing.trees.length, dataBlobs: missing.data.length, bytes, packs: byPack.size };
  return { plan: { snapshots, skipped: selection.skipped, ignored: selection.ignored, stats }, items: groupIntoItems([...byPack.values()], options.itemBytes) };
}

/**
 * groupIntoItems cuts the pack list into items of at most `itemBytes` of blob bytes (a single larger pack
 * forms its own item). Packs are taken in ID order so the same state gives the same items.
 */
export function groupIntoItems(packs: IndexPack[], itemBytes: number): CopyItem[] {
  const items: CopyItem[] = [];
  let current: IndexPack[] = [];
  let size = 0;
  for (const pack of packs.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    pack.blobs.sort((a, b) => a.offset - b.offset);
    const packBytes = pack.blobs.reduce((n, b) => n + b.length, 0);
    if (current.length > 0 && size + packBytes > itemBytes) {
      items.push({ packs: current });
      current = [];
      size = 0;
    }
    current.push(pack);
    size += packBytes;
  }
  if (current.length > 0) items.push({ packs: current });
  return items;
}
