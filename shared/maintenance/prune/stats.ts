// Prune statistics: restic 0.14's counters (blobs, bytes and packs used, unused, to repack, to delete) and the
// totals derived from them that `prune --dry-run` prints. Plain numbers, so a plan carrying them is JSON.
import type { IndexUsage } from './pack-usage.js';

export interface PruneStats {
  blobs: { used: number; duplicate: number; unused: number; remove: number; repack: number; repackrm: number };
  size: { used: number; duplicate: number; unused: number; remove: number; repack: number; repackrm: number; unref: number };
  packs: { used: number; unused: number; partlyUsed: number; unref: number; keep: number; repack: number; remove: number };
}

export function emptyPruneStats(): PruneStats {
  return {
    blobs: { used: 0, duplicate: 0, unused: 0, remove: 0, repack: 0, repackrm: 0 },
    size: { used: 0, duplicate: 0, unused: 0, remove: 0, repack: 0, repackrm: 0, unref: 0 },
    packs: { used: 0, unused: 0, partlyUsed: 0, unref: 0, keep: 0, repack: 0, remove: 0 },
  };
}

/** statsFromUsage starts the counters from the index classification. */
export function statsFromUsage(totals: IndexUsage): PruneStats {
  const s = emptyPruneStats();
  s.blobs.used = totals.used.blobs;
  s.size.used = totals.used.bytes;
  s.blobs.duplicate = totals.duplicate.blobs;
  s.size.duplicate = totals.duplicate.bytes;
  s.blobs.unused = totals.unused.blobs;
  s.size.unused = totals.unused.bytes;
  return s;
}

/** The summary lines of restic's prune output, derived from the counters. */
export interface PruneTotals {
  totalBlobs: number;
  totalBytes: number;
  /** Unused and duplicate bytes before prune. */
  unusedBytes: number;
  /** Blobs and bytes that go away: removed packs' blobs, unused blobs of repacked packs, unreferenced packs. */
  pruneBlobs: number;
  pruneBytes: number;
  remainingBlobs: number;
  remainingBytes: number;
  unusedAfterBytes: number;
}

export function pruneTotals(s: PruneStats): PruneTotals {
  const totalBlobs = s.blobs.used + s.blobs.unused + s.blobs.duplicate;
  const totalBytes = s.size.used + s.size.duplicate + s.size.unused + s.size.unref;
  const unusedBytes = s.size.duplicate + s.size.unused;
  const pruneBlobs = s.blobs.remove + s.blobs.repackrm;
  const pruneBytes = s.size.remove + s.size.repackrm + s.size.unref;
  return {
    totalBlobs,
    totalBytes,
    unusedBytes,
    pruneBlobs,
    pruneBytes,
    remainingBlobs: totalBlobs - pruneBlobs,
    remainingBytes: totalBytes - pruneBytes,
    unusedAfterBytes: unusedBytes - s.size.remove - s.size.repackrm,
  };
}
