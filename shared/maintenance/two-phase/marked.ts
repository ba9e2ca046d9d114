// The fate of packs that an earlier run marked for deletion (rustic's `packs_to_delete`, made safe against
// long and suspended backups). Pure: time, locks, the storage listing and the used blobs are arguments.
//
// Why each rule is there (the race it closes):
// - Recover when a used blob has no live copy: a backup that loaded the index before the mark deduplicated
//   against the pack and has since written a snapshot. Its blob is saved by making the pack live again.
// - Delete only marks from an earlier run, never one made by this run: this run's snapshot listing may
//   predate a snapshot that needs the pack; the next run lists snapshots after the mark became visible.
// - Wait `keepDelete` (default 23 h) after the mark: slack for what the other rules cannot see, e.g. a
//   backup on a host whose clock is off by more than the margin.
// - No live session that started before the mark (plus a clock margin): such a session may have loaded
//   an index where the pack was live and may still write a snapshot needing it. Locks are listed before
//   snapshots, so a session that ends in between has its snapshot seen. A session started after the mark
//   loaded an index that carries the mark, and a mark wins over any older file listing the pack as live.
// - A stale cairn session does not block (a suspended laptop must not stop prune forever): the backup
//   notices its lock went stale and re-validates every blob it uses against a fresh index before writing
//   its snapshot, uploading again what is no longer live. restic sessions cannot do that and always block.
import { CorruptDataError, type Id } from '../../core/index.js';
import { blockingSession, type LockSession } from './sessions.js';

/** A marked pack as the loaded index shows it. */
export interface MarkedPackState {
  readonly packId: Id;
  readonly markedAtMs: number;
  /** blobKey (see prune's pack-usage) of each blob the pack holds; may be empty (an unindexed pack). */
  readonly blobs: readonly string[];
}

export type MarkedAction = 'delete' | 'recover' | 'keep-marked' | 'drop-missing';

/** One marked pack's decision. JSON-serializable. */
export interface MarkedDecision {
  packId: Id;
  action: MarkedAction;
  reason: string;
  markedAtMs: number;
  ageMs: number;
}

export interface MarkedInput {
  readonly marked: readonly MarkedPackState[];
  /** Whether a blob (by blobKey) has a copy in a live pack. */
  readonly hasLiveCopy: (blobKey: string) => boolean;
  /** blobKey of every blob the snapshots need. */
  readonly used: ReadonlySet<string>;
  /** Packs present in storage. */
  readonly present: ReadonlySet<Id>;
  /** Sessions listed (before the snapshots were), without our own lease. */
  readonly sessions: readonly LockSession[];
  readonly nowMs: number;
  readonly keepDeleteMs: number;
  readonly clockMarginMs: number;
  /** Under an exclusive lock nothing else runs: delete every unneeded marked pack now. */
  readonly instant: boolean;
}

/**
 * decideMarked returns one decision per marked pack: recover (a used blob lives only in marked packs; the
 * first present such pack in ID order is recovered), drop-missing (not in storage and not needed), delete
 * (rules above) or keep-marked. Throws CorruptDataError when a used blob's only copies are in marked packs
 * that are all missing from storage: nothing may be deleted then.
 */
export function decideMarked(input: MarkedInput): MarkedDecision[] {
  const sorted = [...input.marked].sort((a, b) => (a.packId < b.packId ? -1 : a.packId > b.packId ? 1 : 0));
  const recovered = new Set<Id>();
  const covered = new Set<string>();
  const lost: string[] = [];
  // Used blobs with no live copy, each assigned to one present marked pack that holds it.
  const needers = new Map<string, Id[]>();
  for (const p of sorted) {
    for (const key of p.blobs) {
      if (!input.used.has(key) || input.hasLiveCopy(key)) continue;
      let list = needers.get(key);
      if (list === undefined) needers.set(key, (list = []));
      list.push(p.packId);
    }
  }
  for (const [key, packs] of needers) {
    if (covered.has(key)) continue;
    const pick = packs.find((id) => recovered.has(id)) ?? packs.find((id) => input.present.has(id));
    if (pick === undefined) {
      lost.push(key);
      continue;
    }
    recovered.add(pick);
    covered.add(key);
  }
  if (lost.length > 0) {
    const first = lost[0]!;
    throw new CorruptDataError(
      `${lost.length} used blob(s) are only in marked packs that are missing from storage (e.g. ${first[0] === 't' ? 'tree' : 'data'} ${first.slice(1, 9)}); ` +
        'prune will not delete anything: run `cairn check`',
    );
  }

  return sorted.map((p): MarkedDecision => {
    const base = { packId: p.packId, markedAtMs: p.markedAtMs, ageMs: input.nowMs - p.markedAtMs };
    if (recovered.has(p.packId)) return { ...base, action: 'recover', reason: 'a snapshot uses a blob found only here' };
    if (!input.present.has(p.packId)) return { ...base, action: 'drop-missing', reason: 'not in storage, and not needed' };
    if (input.instant) return { ...base, action: 'delete', reason: 'unused (exclusive lock)' };
    if (base.ageMs < input.keepDeleteMs || base.ageMs < input.clockMarginMs) {
      return { ...base, action: 'keep-marked', reason: 'marked too recently' };
    }
    const blocker = blockingSession(input.sessions, p.markedAtMs, input.clockMarginMs);
    if (blocker !== undefined) {
      const who = `${blocker.startMs === undefined ? 'restic lock' : 'session'} of PID ${blocker.pid} on ${blocker.host}`;
      return { ...base, action: 'keep-marked', reason: `${who} may have started before the mark` };
    }
    return { ...base, action: 'delete', reason: 'unused, marked long enough, no older live session' };
  });
}
