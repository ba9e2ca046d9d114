// Committing a two-phase prune, each step idempotent and in the order that keeps the repository valid for
// restic and cairn after a crash at any point (DESIGN §7.4):
//   (a) the repack items' new packs exist in full (checkNewPacks);
//   (b) one new index from exactly the index files this run loaded: their live packs minus the packs marked
//       now, plus the recovered and the new packs; `packs_to_delete` carries the earlier marks (minus the
//       recovered and the dropped-missing ones) and adds this run's, all stamped with a mark time taken just
//       before the write. If the write took longer than the commit window, the new files are removed and
//       the run aborts: the clock margin of the session rule assumes a mark becomes visible within it;
//   (c) delete the loaded index files, and only those: files backups wrote meanwhile stay (a mark wins over
//       them, and they may name packs this run never saw);
//   (d) delete the marked packs the rules allow, after listing the locks again and only within the
//       deletion window of that listing (LOCK_DELETE_WINDOW_MS): a backup whose lock looked stale refreshes
//       it and then waits out that window before it checks which packs survived.
// A deleted pack stays in `packs_to_delete` until the next run drops it as missing: removing it from the
// index first would leave an indexed-nowhere pack if the deletion were then blocked.
// Killed before (b): new packs are unindexed, and the next run marks them. During (b)/(c): old and new
// files overlap (marks win, entries duplicate). During (d): marked packs linger. restic check passes in
// every case (it ignores `packs_to_delete` and reports marked packs as unreferenced, a hint, not an error).
import { CorruptDataError, NotFoundError, type Id, type Reporter } from '../../core/index.js';
import { encodeIndexFile, formatGoTime, type IndexFile, type IndexPack, type IndexPackToDelete } from '../../format/index.js';
import { loadIndexFile, loadLocks, LOCK_DELETE_WINDOW_MS, maxBlobsPerIndex, splitIndexFiles, type Repository } from '../../repository/index.js';
import { blockingSession, COMMIT_WINDOW_MS } from '../two-phase/index.js';
import type { LeaseGuard } from '../job.js';
import { checkNewPacks, type PruneOutcome } from './commit.js';
import { forEach } from './for-each.js';
import type { PrunePlan } from './plan.js';
import type { RepackResult } from './repack.js';
import { sessionsOf, type TwoPhaseLoaded } from './two-phase-plan.js';

/**
 * Deletions are issued only this long after the locks were listed: the rest of LOCK_DELETE_WINDOW_MS is
 * slack for a delete request that is slow to land.
 */
const DELETE_BUDGET_MS = LOCK_DELETE_WINDOW_MS - 15_000;

export interface TwoPhaseCommitContext {
  readonly repo: Repository;
  readonly clock: () => Date;
  readonly hostname: string;
  readonly lease?: LeaseGuard;
  readonly reporter?: Reporter;
  /** The index files as planning read them (in-process); otherwise they are read again. */
  readonly loaded?: TwoPhaseLoaded;
}

/** The marking commit took too long for the clock margin's assumptions; nothing was marked. */
export class CommitWindowError extends CorruptDataError {}

/** commitTwoPhase runs (a)–(d) above for a plan made by planTwoPhasePrune. */
export async function commitTwoPhase(ctx: TwoPhaseCommitContext, plan: PrunePlan, results: readonly RepackResult[]): Promise<PruneOutcome> {
  const tp = plan.twoPhase;
  if (tp === undefined) throw new CorruptDataError('internal error: commitTwoPhase needs a two-phase plan');
  const { repo, reporter } = ctx;
  const newPacks = await checkNewPacks(repo, plan, results);
  const outcome: PruneOutcome = {
    packsWritten: newPacks.length, packsDeleted: 0, bytesDeleted: 0, indexFilesWritten: 0, indexFilesDeleted: 0,
    packsMarked: tp.newMarks.length, packsRecovered: 0, deletionsBlocked: 0,
  };
  const recovered = new Set(tp.marked.filter((d) => d.action === 'recover').map((d) => d.packId));
  outcome.packsRecovered = recovered.size;
  const changes = newPacks.length + tp.newMarks.length + recovered.size + tp.marked.filter((d) => d.action === 'drop-missing').length;

  // (b) Skipped when a loaded file is gone: an earlier attempt of this commit wrote the whole new index
  // (files are deleted only after it), so only (c) and (d) remain.
  const files = ctx.loaded?.files ?? (await readExactly(repo, plan.indexFiles));
  if (files !== undefined && changes > 0) {
    await ctx.lease?.check();
    reporter?.log('info', `writing the new index (${tp.newMarks.length} packs marked, ${recovered.size} recovered)`);
    const markMs = ctx.clock().getTime();
    const { packs, marks } = composeIndex(files, plan, newPacks, recovered, formatGoTime(BigInt(markMs) * 1_000_000n, 0));
    const written = await writeIndexFiles(repo, packs, marks, plan.indexFiles);
    outcome.indexFilesWritten = written.length;
    if (ctx.clock().getTime() - markMs > COMMIT_WINDOW_MS) {
      // Backups that started after the mark time but read the old index could be missed by the margin.
      await forEach(written, (id) => repo.backend.remove('index', id));
      throw new CommitWindowError(`writing the new index took longer than ${COMMIT_WINDOW_MS / 60_000} minutes; nothing was marked or deleted: run prune again`);
    }
  }
  if (files === undefined || changes > 0) {
    // (c)
    await ctx.lease?.check();
    reporter?.log('info', 'deleting old index files');
    await forEach(plan.indexFiles, async (id) => {
      if (await removeIfPresent(repo, 'index', id)) outcome.indexFilesDeleted++;
    });
  }

  // (d)
  const doomed = tp.marked.filter((d) => d.action === 'delete');
  if (doomed.length > 0) reporter?.log('info', `deleting ${doomed.length} packs marked by earlier runs`);
  let listedAt = Number.NEGATIVE_INFINITY;
  let sessions: ReturnType<typeof sessionsOf> = [];
  for (const d of doomed) {
    if (ctx.clock().getTime() - listedAt > DELETE_BUDGET_MS) {
      await ctx.lease?.check();
      // The time is taken before listing: a lock refreshed after this instant may be missed by the listing,
      // and its holder waits LOCK_DELETE_WINDOW_MS from its refresh, past the end of our budget.
      listedAt = ctx.clock().getTime();
      sessions = sessionsOf(await loadLocks(repo), ctx.hostname, listedAt);
    }
    const blocker = blockingSession(sessions, d.markedAtMs, tp.clockMarginMs);
    if (blocker !== undefined) {
      outcome.deletionsBlocked = (outcome.deletionsBlocked ?? 0) + 1;
      reporter?.log('info', `keeping marked pack ${d.packId.slice(0, 8)}: a session of PID ${blocker.pid} on ${blocker.host} started before its mark`);
      continue;
    }
    if (await removeIfPresent(repo, 'data', d.packId)) {
      outcome.packsDeleted++;
      outcome.bytesDeleted += tp.markedSizes[d.packId] ?? 0;
    }
  }
  return outcome;
}

/**
 * composeIndex builds the new index's packs and marks from the loaded files (see (b)). Packs are sorted by
 * ID so a retried commit writes the same content.
 */
function composeIndex(
  files: ReadonlyMap<Id, IndexFile>,
  plan: PrunePlan,
  newPacks: readonly IndexPack[],
  recovered: ReadonlySet<Id>,
  markTime: string,
): { packs: IndexPack[]; marks: IndexPackToDelete[] } {
  const tp = plan.twoPhase!;
  const view = splitIndexFiles(files.values());
  const newlyMarked = new Set(tp.newMarks.map((m) => m.packId));
  const dropped = new Set(tp.marked.filter((d) => d.action === 'drop-missing').map((d) => d.packId));
  const packs: IndexPack[] = [];
  const marks: IndexPackToDelete[] = [];
  for (const [id, blobs] of view.live) {
    if (newlyMarked.has(id)) marks.push({ id, blobs: [...blobs], time: markTime });
    else packs.push({ id, blobs: [...blobs] });
  }
  for (const [id, m] of view.marked) {
    if (recovered.has(id)) packs.push({ id, blobs: [...m.blobs] });
    else if (!dropped.has(id)) marks.push({ id, blobs: [...m.blobs], time: m.time });
  }
  // A pack in no loaded file (an unindexed upload) is marked with no blobs; a later index file of its
  // backup supplies them, and a mark wins over that file until a run recovers the pack.
  const known = new Set([...view.live.keys(), ...view.marked.keys()]);
  for (const id of newlyMarked) if (!known.has(id)) marks.push({ id, blobs: [], time: markTime });
  for (const p of newPacks) packs.push({ id: p.id, blobs: p.blobs });
  const byId = (a: { id: Id }, b: { id: Id }): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return { packs: packs.sort(byId), marks: marks.sort(byId) };
}

/** writeIndexFiles writes packs and marks in files of at most restic's blob limit, each superseding `supersedes`. */
async function writeIndexFiles(repo: Repository, packs: readonly IndexPack[], marks: readonly IndexPackToDelete[], supersedes: readonly Id[]): Promise<Id[]> {
  const limit = maxBlobsPerIndex(repo.version);
  const written: Id[] = [];
  let file: IndexFile = { packs: [] };
  let blobs = 0;
  const flush = async (): Promise<void> => {
    if (file.packs.length === 0 && (file.packs_to_delete ?? []).length === 0) return;
    if (supersedes.length > 0) file.supersedes = [...supersedes];
    written.push(await repo.saveJson('index', encodeIndexFile(file)));
    file = { packs: [] };
    blobs = 0;
  };
  const add = async (blobCount: number, put: () => void): Promise<void> => {
    // A pack is never split across files; a file is closed once it reaches the limit.
    if (blobs >= limit) await flush();
    put();
    blobs += Math.max(1, blobCount);
  };
  for (const p of packs) await add(p.blobs.length, () => file.packs.push(p));
  for (const m of marks) await add(m.blobs.length, () => (file.packs_to_delete ??= []).push(m));
  await flush();
  return written;
}

/** readExactly reads the given index files; undefined when any of them is gone. */
async function readExactly(repo: Repository, ids: readonly Id[]): Promise<Map<Id, IndexFile> | undefined> {
  const files = new Map<Id, IndexFile>();
  try {
    for (const id of ids) files.set(id, await loadIndexFile(repo, id));
  } catch (err) {
    if (err instanceof NotFoundError) return undefined;
    throw err;
  }
  return files;
}

/** removeIfPresent deletes a file; false when it was already gone (a retried step). */
async function removeIfPresent(repo: Repository, type: 'index' | 'data', id: Id): Promise<boolean> {
  try {
    await repo.backend.remove(type, id);
    return true;
  } catch (err) {
    if (err instanceof NotFoundError) return false;
    throw err;
  }
}
