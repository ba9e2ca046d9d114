// Which live packs a two-phase run marks instead of deleting: the ones restic's planner would delete now.
// Marking keeps them readable (restore and check fall back to marked packs) and lets a later run recover
// them if a backup that loaded the index earlier turns out to need them.
import type { Id } from '../../core/index.js';

/** Why a pack is marked. */
export type MarkReason = 'unused' | 'repacked' | 'unindexed';

export interface NewMark {
  packId: Id;
  reason: MarkReason;
}

/** The planner's actions this module reads (prune's PackAction, structurally). */
export interface PlannedPack {
  readonly packId: Id;
  readonly action: string;
}

/**
 * marksFor maps planner decisions to marks: 'remove' → unused, 'repack' → repacked (its used blobs are
 * copied into new packs first), 'delete-unreferenced' → unindexed (present but in no index: possibly a
 * backup's upload whose index file is not written yet, so it must not simply go). Packs already marked
 * are skipped: they keep their original mark time, which only an earlier run may act on.
 */
export function marksFor(decisions: readonly PlannedPack[], alreadyMarked: ReadonlySet<Id>): NewMark[] {
  const marks: NewMark[] = [];
  for (const d of decisions) {
    if (alreadyMarked.has(d.packId)) continue;
    if (d.action === 'remove') marks.push({ packId: d.packId, reason: 'unused' });
    else if (d.action === 'repack') marks.push({ packId: d.packId, reason: 'repacked' });
    else if (d.action === 'delete-unreferenced') marks.push({ packId: d.packId, reason: 'unindexed' });
  }
  return marks;
}
