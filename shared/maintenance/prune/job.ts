// The prune job, in two modes. Two-phase (the default; the caller holds the maintenance lease and backups
// go on): plan = planTwoPhasePrune (marks instead of deletions, earlier marks deleted or recovered by the
// protocol's rules), finalize = commitTwoPhase. --instant-delete (restic 0.14's prune; the caller holds the
// exclusive lock for the whole run): plan = load the index and the snapshots, find the used blobs, list the
// packs and decide (planPrune), finalize = commitPrune. Work items are repack batches in both.
import type { Id } from '../../core/index.js';
import { DEFAULT_PACK_SIZE, loadIndex, loadSnapshots, type MasterIndex, type Repository } from '../../repository/index.js';
import type { Job, JobContext, JobPlan } from '../job.js';
import { DEFAULT_BATCH_BYTES, repackBatches, type RepackBatch } from './batches.js';
import { commitPrune, type PruneOutcome } from './commit.js';
import type { PruneOptions } from './options.js';
import { planPrune, type PrunePlan } from './plan.js';
import { repackBatch, type RepackResult } from './repack.js';
import { findUsedBlobs } from './used-blobs.js';
import { listPacks, planTwoPhasePrune, type TwoPhaseLoaded } from './two-phase-plan.js';
import { commitTwoPhase } from './two-phase-commit.js';
import type { TwoPhaseOptions } from '../two-phase/index.js';

export interface PruneJobOptions extends PruneOptions {
  /** Snapshots to treat as gone (forget --dry-run --prune: they are not deleted, but prune ignores them). */
  readonly ignoreSnapshots?: readonly Id[];
  /** Bytes of old packs per work item (default 256 MiB). */
  readonly batchBytes?: number;
  /** Two-phase settings; absent or `instantDelete` means restic's prune under the exclusive lock. */
  readonly twoPhase?: TwoPhaseOptions;
}

/** isTwoPhase tells which mode (and so which lock: lease or exclusive) a prune with these options needs. */
export function isTwoPhase(options: { readonly twoPhase?: TwoPhaseOptions }): boolean {
  return options.twoPhase !== undefined && !options.twoPhase.instantDelete;
}

/** The index a local run loaded while planning, reused by finalize when the index files are unchanged. */
const loadedIndexes = new WeakMap<PrunePlan, { index: MasterIndex; files: Id[] }>();
/** The index files a local two-phase run read while planning, reused by its finalize. */
const loadedFiles = new WeakMap<PrunePlan, TwoPhaseLoaded>();

/**
 * loadPrunePlan reads what prune decides on and plans. The index is loaded before the snapshots: that is
 * safe only because the exclusive lock keeps backups from adding snapshots (and their packs) meanwhile.
 */
export async function loadPrunePlan(ctx: JobContext, options: PruneJobOptions): Promise<PrunePlan> {
  const { repo, reporter } = ctx;
  reporter.log('info', 'loading indexes...');
  const { index, marked, markedPacks, files } = await loadIndex(repo);
  // Under the exclusive lock nothing else runs: packs marked by two-phase runs are judged like any other
  // (kept if used, deleted if not), and the new index carries no marks.
  for (const id of markedPacks.keys()) if (!index.hasPack(id)) index.addPack(id, marked.packBlobs(id));
  reporter.log('info', 'loading all snapshots...');
  const ignore = new Set(options.ignoreSnapshots ?? []);
  const snapshots = (await loadSnapshots(repo)).filter((s) => !ignore.has(s.id));
  reporter.log('info', `finding data that is still in use for ${snapshots.length} snapshots`);
  const used = await findUsedBlobs(repo, index, snapshots.map((s) => s.snapshot.tree), (n) => reporter.progress?.('trees', n));
  reporter.log('info', 'searching used packs...');
  const listing = await listPacks(repo);
  const plan = planPrune(
    { repoVersion: repo.version, packSize: DEFAULT_PACK_SIZE, index, indexFiles: files, used, listing },
    stripJobOptions(options),
    ctx.now,
  );
  loadedIndexes.set(plan, { index, files: [...files].sort() });
  return plan;
}

export const pruneJob: Job<PruneJobOptions, PrunePlan, RepackBatch, RepackResult, PruneOutcome> = {
  name: 'prune',

  async plan(ctx: JobContext, options: PruneJobOptions): Promise<JobPlan<PrunePlan, RepackBatch>> {
    let plan: PrunePlan;
    if (isTwoPhase(options)) {
      const planned = await planTwoPhasePrune(ctx, stripJobOptions(options), options.twoPhase!, options.ignoreSnapshots ?? []);
      plan = planned.plan;
      loadedFiles.set(plan, planned.loaded);
    } else {
      plan = await loadPrunePlan(ctx, options);
    }
    const items = options.dryRun ? [] : repackBatches(plan.repack, options.batchBytes ?? DEFAULT_BATCH_BYTES);
    if (items.length > 0) ctx.reporter.log('info', `repacking ${plan.repack.length} packs`);
    return { plan, items };
  },

  async work(ctx: JobContext, plan: PrunePlan, item: RepackBatch): Promise<RepackResult> {
    return repackBatch(ctx.repo, item, plan.packSize, ctx.reporter);
  },

  async finalize(ctx: JobContext, plan: PrunePlan, results: RepackResult[]): Promise<PruneOutcome> {
    if (plan.options.dryRun) return { packsWritten: 0, packsDeleted: 0, bytesDeleted: 0, indexFilesWritten: 0, indexFilesDeleted: 0 };
    if (plan.twoPhase !== undefined) {
      const loaded = loadedFiles.get(plan);
      loadedFiles.delete(plan);
      const outcome = await commitTwoPhase(
        {
          repo: ctx.repo, clock: ctx.clock ?? (() => new Date()), hostname: ctx.identity.hostname,
          ...(ctx.lease ? { lease: ctx.lease } : {}), reporter: ctx.reporter, ...(loaded ? { loaded } : {}),
        },
        plan,
        results,
      );
      ctx.reporter.log('info', 'done');
      return outcome;
    }
    const { index, files } = await indexFor(ctx.repo, plan);
    const outcome = await commitPrune(ctx.repo, plan, index, files, results, ctx.reporter);
    ctx.reporter.log('info', 'done');
    return outcome;
  },
};

/**
 * indexFor returns the index to commit against: the one loaded while planning if no index file came or went
 * since (always so in-process under the lock), else a fresh load (another process, or a retried finalize
 * after a partial commit: then the files written by the first attempt are superseded too).
 */
async function indexFor(repo: Repository, plan: PrunePlan): Promise<{ index: MasterIndex; files: Id[] }> {
  const cached = loadedIndexes.get(plan);
  loadedIndexes.delete(plan);
  const now = (await repo.listIds('index')).sort();
  if (cached !== undefined && now.length === cached.files.length && now.every((id, i) => id === cached.files[i])) return cached;
  const { index, files } = await loadIndex(repo);
  return { index, files };
}


function stripJobOptions(o: PruneJobOptions): PruneOptions {
  return {
    maxUnused: o.maxUnused,
    maxRepackBytes: o.maxRepackBytes,
    repackCacheableOnly: o.repackCacheableOnly,
    repackSmall: o.repackSmall,
    repackUncompressed: o.repackUncompressed,
    dryRun: o.dryRun,
  };
}
