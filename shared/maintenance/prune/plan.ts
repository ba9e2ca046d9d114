// The prune plan: restic 0.14's prune decisions as data. planPrune is pure over what prune reads — the
// index entries, the set of used blobs, the storage's pack listing and the repository version — and returns
// a JSON-serializable plan: one decision per pack, the blobs each repacked pack must contribute, and the
// statistics restic prints. The same plan drives --dry-run, the local runner, the cloud's work list and
// golden tests.
import { CorruptDataError, type Id } from '../../core/index.js';
import type { IndexBlob } from '../../format/index.js';
import { decidePacks, type ListedPack, type PackDecision } from './decide.js';
import type { PruneOptions } from './options.js';
import { BlobSet } from './blob-set.js';
import { computePackUsage, type IndexEntries } from './pack-usage.js';
import type { TwoPhasePrunePlan } from './two-phase-plan.js';
import { pruneTotals, statsFromUsage, type PruneStats, type PruneTotals } from './stats.js';

/** Everything planPrune decides on. */
export interface PruneState {
  readonly repoVersion: 1 | 2;
  /** The target pack size (restic's --pack-size, 16 MiB by default). */
  readonly packSize: number;
  /** The loaded index (every index file merged). */
  readonly index: IndexEntries;
  /** IDs of the index files the index was loaded from: the new index supersedes them. */
  readonly indexFiles: readonly Id[];
  /** blobKey of every blob reachable from the snapshots that stay. */
  readonly used: ReadonlySet<string>;
  /** Every pack in storage, with its real size. */
  readonly listing: readonly ListedPack[];
}

/** A pack to repack and the blobs to copy out of it, in pack order (each kept blob is assigned once). */
export interface RepackPack {
  packId: Id;
  size: number;
  keep: IndexBlob[];
}

export interface PrunePlan {
  /** When the plan was made (ISO); two-phase prune will compare marks against it. */
  createdAt: string;
  repoVersion: 1 | 2;
  packSize: number;
  options: PruneOptions;
  indexFiles: Id[];
  decisions: PackDecision[];
  /** The 'repack' decisions' packs with their blobs to keep, in repack order (tree packs first). */
  repack: RepackPack[];
  stats: PruneStats;
  totals: PruneTotals;
  /** Two-phase prune's marks and marked-pack decisions; absent for --instant-delete (restic's prune). */
  twoPhase?: TwoPhasePrunePlan;
}

/**
 * planPrune makes restic 0.14's prune decisions. `now` only stamps the plan (the exclusive-lock algorithm
 * needs no clock; two-phase prune will). Throws CorruptDataError when prune must not start: the index is
 * incomplete, a used pack's size differs from the index, or used packs are missing.
 */
export function planPrune(state: PruneState, options: PruneOptions, now: Date): PrunePlan {
  const usage = computePackUsage(state.index, state.used);
  const stats = statsFromUsage(usage.totals);
  const decisions = decidePacks(usage, state.listing, options, { version: state.repoVersion, packSize: state.packSize }, stats);
  const repack = assignKeptBlobs(state.index, decisions, usage.keep);
  return {
    createdAt: now.toISOString(),
    repoVersion: state.repoVersion,
    packSize: state.packSize,
    options,
    indexFiles: [...state.indexFiles].sort(),
    decisions,
    repack,
    stats,
    totals: pruneTotals(stats),
  };
}

/**
 * assignKeptBlobs picks, for each repacked pack, the used blobs it must contribute: used blobs that have no
 * copy in a pack that stays, each taken from the first repacked pack (in repack order) that holds it, so no
 * blob is written twice even when work items run in different processes.
 */
function assignKeptBlobs(index: IndexEntries, decisions: readonly PackDecision[], keep: BlobSet): RepackPack[] {
  const action = new Map<Id, PackDecision>();
  for (const d of decisions) action.set(d.packId, d);
  const repacked = new Map<Id, IndexBlob[]>();
  for (const d of decisions) if (d.action === 'repack') repacked.set(d.packId, []);
  if (repacked.size === 0) return [];

  // Used blobs already provided for: by a pack that stays, or by an earlier repacked pack.
  const provided = new BlobSet();
  for (const { packId, blob } of index.entries()) {
    const d = action.get(packId);
    if (d?.action === 'keep') {
      if (keep.hasBlob(blob.type, blob.id)) provided.addBlob(blob.type, blob.id);
    } else {
      repacked.get(packId)?.push(blob);
    }
  }
  const out: RepackPack[] = [];
  for (const d of decisions) {
    if (d.action !== 'repack') continue;
    const blobs = repacked.get(d.packId)!.sort((a, b) => a.offset - b.offset);
    const take = blobs.filter((b) => keep.hasBlob(b.type, b.id) && provided.addBlob(b.type, b.id));
    out.push({ packId: d.packId, size: d.size, keep: take });
  }
  const unprovided = keep.size - provided.size;
  if (unprovided > 0) {
    // Every used blob has a copy in a pack that stays or is repacked; anything else is a planning bug.
    throw new CorruptDataError(`internal error: ${unprovided} used blob(s) would be neither kept nor repacked; prune stopped before changing anything`);
  }
  return out;
}
