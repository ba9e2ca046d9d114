// Deciding each pack's fate (restic 0.14's decidePackAction): walk the packs that exist in storage, compare
// them with the index's view, and sort them into keep / repack / remove / delete-unreferenced, then pick
// which partly used packs to repack until the tolerated unused space is reached. Indexed packs missing from
// storage are dropped from the index when nothing uses them, and abort the prune otherwise.
//
// Two-phase prune will add the actions 'mark' (put a pack into packs_to_delete instead of deleting it) and
// 'recover' (a marked pack that a snapshot uses again): they slot in where 'remove', 'delete-unreferenced'
// and the repacked packs' deletion are decided here.
import { CorruptDataError, type Id } from '../../core/index.js';
import { maxUnusedBytes, type PruneOptions } from './options.js';
import type { PackType, PackUsage, PackUsageResult } from './pack-usage.js';
import { emptyPruneStats, type PruneStats } from './stats.js';

/** What happens to one pack. */
export type PackAction = 'keep' | 'repack' | 'remove' | 'delete-unreferenced' | 'drop-missing';

/** One pack's decision, with the numbers it was made on. JSON-serializable. */
export interface PackDecision {
  packId: Id;
  action: PackAction;
  /** Why, in a few words (for -v and golden tests). */
  reason: string;
  /** Size in storage; for 'drop-missing', the size the index implies. */
  size: number;
  usedBytes: number;
  unusedBytes: number;
  usedBlobs: number;
  unusedBlobs: number;
  /** 'unknown' for a pack that no index lists. */
  type: PackType | 'unknown';
}

/** A pack as the storage listing shows it. */
export interface ListedPack {
  readonly id: Id;
  readonly size: number;
}

interface Candidate {
  decision: PackDecision;
  /** Must be rewritten compressed (v2: uncompressed tree pack, or --repack-uncompressed). */
  mustCompress: boolean;
}

/**
 * decidePacks returns one decision per listed pack (in listing order, repack choices applied) plus one per
 * unused indexed pack missing from storage, and fills `stats`. Throws CorruptDataError when a used pack's
 * real size differs from what the index implies, or when used packs are missing.
 */
export function decidePacks(
  usage: PackUsageResult,
  listing: readonly ListedPack[],
  options: PruneOptions,
  repo: { version: 1 | 2; packSize: number },
  stats: PruneStats = emptyPruneStats(),
): PackDecision[] {
  const decisions: PackDecision[] = [];
  const candidates: Candidate[] = [];
  const small: Candidate[] = [];
  // Only very small packs are worth merging by default; --repack-small raises the bar to 80 % of a full pack.
  const targetPackSize = options.repackSmall ? Math.floor(repo.packSize / 5) * 4 : Math.floor(repo.packSize / 25);
  const seen = new Set<Id>();

  for (const { id, size } of listing) {
    const p = usage.packs.get(id);
    if (p === undefined) {
      // In no index, so nothing can use it: a leftover of an interrupted backup or prune.
      decisions.push({ packId: id, action: 'delete-unreferenced', reason: 'not in any index', size, usedBytes: 0, unusedBytes: 0, usedBlobs: 0, unusedBlobs: 0, type: 'unknown' });
      stats.size.unref += size;
      continue;
    }
    seen.add(id);
    const indexSize = p.usedBytes + p.unusedBytes;
    if (indexSize !== size && p.usedBlobs !== 0) {
      throw new CorruptDataError(
        `pack ${id.slice(0, 8)} has ${size} bytes but the index implies ${indexSize}; prune will not touch it: run \`restic rebuild-index\``,
      );
    }
    if (p.usedBlobs === 0) stats.packs.unused++;
    else if (p.unusedBlobs === 0) stats.packs.used++;
    else stats.packs.partlyUsed++;

    const mustCompress = repo.version >= 2 && (p.type === 'tree' || options.repackUncompressed) && p.uncompressed;
    const decision = decisionOf(id, size, p);
    if (p.usedBlobs === 0) {
      decisions.push({ ...decision, action: 'remove', reason: 'no used blobs' });
      stats.blobs.remove += p.unusedBlobs;
      stats.size.remove += p.unusedBytes;
    } else if (options.repackCacheableOnly && p.type === 'data') {
      decisions.push({ ...decision, action: 'keep', reason: 'data pack (--repack-cacheable-only)' });
      stats.packs.keep++;
    } else if (p.unusedBlobs === 0 && p.type !== 'mixed' && !mustCompress) {
      if (size >= targetPackSize) {
        decisions.push({ ...decision, action: 'keep', reason: 'fully used' });
        stats.packs.keep++;
      } else {
        small.push({ decision, mustCompress });
      }
    } else {
      candidates.push({ decision, mustCompress });
    }
  }

  // Indexed packs that storage does not have: harmless if unused (forget them), fatal if needed.
  const missingUsed: Id[] = [];
  for (const [id, p] of usage.packs) {
    if (seen.has(id)) continue;
    if (p.usedBlobs > 0) {
      missingUsed.push(id);
      continue;
    }
    decisions.push({ ...decisionOf(id, p.usedBytes + p.unusedBytes, p), action: 'drop-missing', reason: 'in the index but not in storage, and unused' });
    stats.blobs.remove += p.unusedBlobs;
    stats.size.remove += p.unusedBytes;
  }
  if (missingUsed.length > 0) {
    throw new CorruptDataError(
      `${missingUsed.length} pack(s) that snapshots need are missing from storage (e.g. ${missingUsed[0]!.slice(0, 8)}); prune will not start: run \`cairn check\``,
    );
  }

  if (small.length < 10) {
    // Too few to be worth it; this also stops a lone small pack from being repacked on every run.
    for (const c of small) decisions.push({ ...c.decision, action: 'keep', reason: 'small, but fewer than 10 small packs' });
    stats.packs.keep += small.length;
  } else {
    candidates.push(...small);
  }

  candidates.sort((a, b) => compareCandidates(a.decision, b.decision, targetPackSize));
  const maxRepack = options.maxRepackBytes ?? Number.POSITIVE_INFINITY;
  const maxUnusedAfter = maxUnusedBytes(options.maxUnused, stats.size.used);
  for (const { decision: d, mustCompress } of candidates) {
    const total = d.usedBytes + d.unusedBytes;
    // restic computes this in uint64: when repacked duplicates (counted as unused in their packs but not in
    // size.unused) push it below zero it wraps to a huge value, and repacking goes on. Kept for parity.
    const diff = stats.size.unused - stats.size.remove - stats.size.repackrm;
    const unusedAfter = diff < 0 ? Number.POSITIVE_INFINITY : diff;
    if (stats.size.repack + total >= maxRepack) {
      decisions.push({ ...d, action: 'keep', reason: 'repack size limit reached' });
      stats.packs.keep++;
    } else if (d.type !== 'data' || mustCompress) {
      // Tree and mixed packs, and packs that must be compressed, are limited only by --max-repack-size.
      decisions.push({ ...d, action: 'repack', reason: d.type !== 'data' ? `${d.type} pack with unused or small content` : 'uncompressed blobs' });
      repack(stats, d);
    } else if (unusedAfter < maxUnusedAfter && total >= targetPackSize) {
      decisions.push({ ...d, action: 'keep', reason: 'unused space within --max-unused' });
      stats.packs.keep++;
    } else {
      decisions.push({ ...d, action: 'repack', reason: total < targetPackSize ? 'small pack' : 'partly used' });
      repack(stats, d);
    }
  }
  stats.packs.unref = decisions.filter((d) => d.action === 'delete-unreferenced').length;
  stats.packs.remove = decisions.filter((d) => d.action === 'remove').length;
  stats.packs.repack = decisions.filter((d) => d.action === 'repack').length;
  return decisions;
}

function decisionOf(id: Id, size: number, p: PackUsage): PackDecision {
  return { packId: id, action: 'keep', reason: '', size, usedBytes: p.usedBytes, unusedBytes: p.unusedBytes, usedBlobs: p.usedBlobs, unusedBlobs: p.unusedBlobs, type: p.type };
}

function repack(stats: PruneStats, d: PackDecision): void {
  stats.blobs.repack += d.usedBlobs + d.unusedBlobs;
  stats.size.repack += d.usedBytes + d.unusedBytes;
  stats.blobs.repackrm += d.unusedBlobs;
  stats.size.repackrm += d.unusedBytes;
}

/**
 * restic's candidate order: tree and mixed packs first, then packs below the target size, then the highest
 * unused/used ratio. Ties go by pack ID so that a plan is reproducible (restic's order there is random).
 */
function compareCandidates(a: PackDecision, b: PackDecision, targetPackSize: number): number {
  const aData = a.type === 'data';
  const bData = b.type === 'data';
  if (aData !== bData) return aData ? 1 : -1;
  const aSmall = a.usedBytes + a.unusedBytes < targetPackSize;
  const bSmall = b.usedBytes + b.unusedBytes < targetPackSize;
  if (aSmall !== bSmall) return aSmall ? -1 : 1;
  // a before b when unused_a/used_a > unused_b/used_b, compared by cross products (exact in BigInt).
  const x = BigInt(a.unusedBytes) * BigInt(b.usedBytes);
  const y = BigInt(b.unusedBytes) * BigInt(a.usedBytes);
  if (x !== y) return x > y ? -1 : 1;
  return a.packId < b.packId ? -1 : a.packId > b.packId ? 1 : 0;
}
