// Packs that two-phase prune marked for deletion, as check sees them. A marked pack is not damage: it is
// unused (or was repacked) and waits out --keep-delete, or a backup that deduplicated against it before the
// mark has since written a snapshot using it (the next prune recovers it). So check treats a stored marked
// pack as readable — its blobs count as indexed, its size and entries are checked, --read-data reads it —
// and reports it as a hint with its age. A marked pack that is no longer stored is left out: a prune
// deleted it (or is about to drop its mark), and a snapshot still using one of its blobs is then reported
// as a missing blob, which it is.
import type { Id } from '../../core/index.js';
import { parseGoTime } from '../../format/index.js';
import type { CheckedIndex } from './load-index.js';
import type { Finding } from './types.js';

/**
 * includeMarkedPacks adds every stored marked pack that no file lists as live to `checked.index` (which it
 * modifies; call before the pack and structure checks) and returns a `pack-marked` hint for each stored
 * marked pack. `listing` maps pack IDs in data/ to their sizes; `nowMs` is the check's time.
 */
export function includeMarkedPacks(checked: CheckedIndex, listing: ReadonlyMap<Id, number>, nowMs: number): Finding[] {
  const hints: Finding[] = [];
  for (const [packId, time] of checked.markTimes) {
    if (!listing.has(packId)) continue;
    const blobs = checked.markedIndex.packBlobs(packId);
    // An unindexed pack marked with no blob list has nothing to check against; it is only a hint.
    if (!checked.index.hasPack(packId) && blobs.length > 0) checked.index.addPack(packId, blobs);
    const markedMs = Number(parseGoTime(time).epochNs / 1_000_000n);
    hints.push({
      kind: 'pack-marked',
      pack: packId,
      message: `pack ${packId.slice(0, 8)} is marked for deletion since ${time} (${formatAge(nowMs - markedMs)} ago); prune deletes it once it is unused and older than --keep-delete`,
    });
  }
  return hints;
}

/** packBlobsForRead returns the index entries to check a pack against: live ones, else the mark's. */
export function packBlobsForRead(checked: CheckedIndex, packId: Id): ReturnType<CheckedIndex['index']['packBlobs']> {
  return checked.index.hasPack(packId) ? checked.index.packBlobs(packId) : checked.markedIndex.packBlobs(packId);
}

/** formatAge renders a duration as e.g. "3d4h", "2h5m", "42s" (negative: clocks disagree; shown as 0s). */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d}d${h}h`;
  if (h > 0) return `${h}h${m}m`;
  if (m > 0) return `${m}m${s % 60}s`;
  return `${s}s`;
}
