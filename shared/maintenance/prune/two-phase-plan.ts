// Planning a two-phase prune (DESIGN §7, the default mode): what restic's planner would delete is marked
// instead, and packs marked by earlier runs are deleted, recovered or left marked by the protocol's rules
// (shared/maintenance/two-phase). The caller holds the maintenance lease, so backups run meanwhile; every
// ordering below is there because of them.
//
// Read order: locks → snapshots → pack listing → index.
// - Locks before snapshots: a session that ends between the two has its snapshot seen; one still running
//   is in the lock listing and blocks the deletion of any pack marked after it started.
// - Snapshots before the pack listing: every pack a listed snapshot needs was uploaded before the snapshot
//   was written, so it is in the listing.
// - Pack listing before the index: a pack uploaded after the listing is not judged at all (it is in no
//   decision), and a live pack the index names but the listing lacks is such an upload (its index file
//   came in between): it is carried over untouched, never "dropped as missing".
// - A pack in the listing but in no index may be a backup's upload whose index file is not written yet: it
//   is marked ('unindexed'), never deleted, and recovered once a snapshot needs it.
import type { Id } from '../../core/index.js';
import { goTimeMs, decideMarked, marksFor, sessionOf, type LockSession, type MarkedDecision, type NewMark, type TwoPhaseOptions } from '../two-phase/index.js';
import {
  DEFAULT_PACK_SIZE, isProcessAlive, loadIndex, loadLocks, loadSnapshots, LOCK_STALE_MS, type LoadedIndex, type LockEntry, type Repository,
} from '../../repository/index.js';
import type { IndexFile } from '../../format/index.js';
import type { JobContext } from '../job.js';
import type { ListedPack } from './decide.js';
import type { PruneOptions } from './options.js';
import { blobKey } from './pack-usage.js';
import { planPrune, type PrunePlan } from './plan.js';
import { findUsedBlobs } from './used-blobs.js';

/** The two-phase part of a prune plan. JSON-serializable. */
export interface TwoPhasePrunePlan {
  keepDeleteMs: number;
  clockMarginMs: number;
  /** When this run listed the locks (ms since the epoch). */
  locksListedAtMs: number;
  /** One decision per pack an earlier run marked: delete, recover, keep-marked or drop-missing. */
  marked: MarkedDecision[];
  /** Packs this run marks: what restic's planner would remove, repack or delete as unreferenced. */
  newMarks: NewMark[];
  /** Storage size of each marked pack that is present. */
  markedSizes: Record<Id, number>;
  /** Live packs in the loaded index that the (earlier) pack listing lacked: carried over untouched. */
  unlisted: Id[];
}

/** What planning loaded, kept for an in-process finalize (the index files' contents). */
export interface TwoPhaseLoaded {
  readonly files: ReadonlyMap<Id, IndexFile>;
}

/** sessionsOf turns lock files into sessions, leaving out our own lease (`ownLockIds`). */
export function sessionsOf(entries: readonly LockEntry[], ownHostname: string, nowMs: number): LockSession[] {
  return entries.map((e) => sessionOf(e.id, e.lock, { nowMs, hostname: ownHostname, staleAfterMs: LOCK_STALE_MS, isAlive: isProcessAlive }));
}

/**
 * planTwoPhasePrune reads the repository in the order above and plans: decideMarked over the marked packs
 * (used blobs found with marked packs readable), then restic's planner over the live packs that the listing
 * shows (plus the recovered ones), whose remove/repack/unreferenced decisions become marks.
 */
export async function planTwoPhasePrune(
  ctx: JobContext,
  options: PruneOptions,
  twoPhase: TwoPhaseOptions,
  ignoreSnapshots: readonly Id[],
): Promise<{ plan: PrunePlan; loaded: TwoPhaseLoaded }> {
  const { repo, reporter } = ctx;
  const clock = ctx.clock ?? (() => ctx.now);
  reporter.log('info', 'listing locks...');
  const locks = await loadLocks(repo);
  const locksListedAtMs = clock().getTime();
  const sessions = sessionsOf(locks, ctx.identity.hostname, locksListedAtMs);
  reporter.log('info', 'loading all snapshots...');
  const ignore = new Set(ignoreSnapshots);
  const snapshots = (await loadSnapshots(repo)).filter((s) => !ignore.has(s.id));
  reporter.log('info', 'listing packs...');
  const listing = await listPacks(repo);
  reporter.log('info', 'loading indexes...');
  const files = new Map<Id, IndexFile>();
  const loaded = await loadIndex(repo, (id, file) => files.set(id, file));
  reporter.log('info', `finding data that is still in use for ${snapshots.length} snapshots`);
  const used = await findUsedBlobs(repo, loaded.index, snapshots.map((s) => s.snapshot.tree), (n) => reporter.progress?.('trees', n), loaded.marked);

  const present = new Set(listing.map((p) => p.id));
  const nowMs = clock().getTime();
  const marked = decideMarked({
    marked: markedStates(loaded),
    hasLiveCopy: (key) => loaded.index.has(key[0] === 't' ? 'tree' : 'data', key.slice(1)),
    used,
    present,
    sessions,
    nowMs,
    keepDeleteMs: twoPhase.keepDeleteMs,
    clockMarginMs: twoPhase.clockMarginMs,
    instant: false,
  });

  // The planner sees live packs that the listing shows, plus the recovered ones (live again from now on).
  const index = loaded.index;
  const unlisted: Id[] = [];
  for (const { packId } of index.entries()) if (!present.has(packId) && unlisted[unlisted.length - 1] !== packId) unlisted.push(packId);
  index.removePacks(unlisted);
  const recovered = marked.filter((d) => d.action === 'recover').map((d) => d.packId);
  for (const id of recovered) index.addPack(id, loaded.marked.packBlobs(id));
  const stillMarked = new Set(marked.filter((d) => d.action !== 'recover').map((d) => d.packId));
  const plan = planPrune(
    {
      repoVersion: repo.version,
      packSize: DEFAULT_PACK_SIZE,
      index,
      indexFiles: loaded.files,
      used,
      listing: listing.filter((p) => !stillMarked.has(p.id)),
    },
    options,
    ctx.now,
  );
  plan.twoPhase = {
    keepDeleteMs: twoPhase.keepDeleteMs,
    clockMarginMs: twoPhase.clockMarginMs,
    locksListedAtMs,
    marked,
    newMarks: marksFor(plan.decisions, stillMarked),
    unlisted: [...new Set(unlisted)].sort(),
    markedSizes: Object.fromEntries(listing.filter((p) => loaded.markedPacks.has(p.id)).map((p) => [p.id, p.size])),
  };
  return { plan, loaded: { files } };
}

/** markedStates lists the loaded marked packs with their mark times and blob keys. */
function markedStates(loaded: LoadedIndex): { packId: Id; markedAtMs: number; blobs: string[] }[] {
  return [...loaded.markedPacks].map(([packId, time]) => ({
    packId,
    markedAtMs: goTimeMs(time),
    blobs: loaded.marked.packBlobs(packId).map((b) => blobKey(b.type, b.id)),
  }));
}

/** listPacks lists every pack in storage with its size. */
export async function listPacks(repo: Repository): Promise<ListedPack[]> {
  const packs: ListedPack[] = [];
  for await (const f of repo.backend.list('data')) packs.push({ id: f.name, size: f.size });
  return packs;
}
