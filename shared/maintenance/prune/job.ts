// The prune job (restic 0.14's prune under its exclusive lock): plan = load the index and the snapshots,
// find the used blobs, list the packs and decide (planPrune); work items = repack batches; finalize = commit
// in DESIGN's order. The caller holds the exclusive lock for the whole run; two-phase (lock-free) prune
// will replace the deletions with marking, at the seams noted in decide.ts and commit.ts.
import type { Id } from '../../core/index.js';
import { DEFAULT_PACK_SIZE, loadIndex, loadSnapshots, type MasterIndex, type Repository } from '../../repository/index.js';
import type { Job, JobContext, JobPlan } from '../job.js';
import { DEFAULT_BATCH_BYTES, repackBatches, type RepackBatch } from './batches.js';
import { commitPrune, type PruneOutcome } from './commit.js';
import type { ListedPack } from './decide.js';
import type { PruneOptions } from './options.js';
import { planPrune, type PrunePlan } from './plan.js';
import { repackBatch, type RepackResult } from './repack.js';
import { findUsedBlobs } from './used-blobs.js';

export interface PruneJobOptions extends PruneOptions {
  /** Snapshots to treat as gone (forget --dry-run --prune: they are not deleted, but prune ignores them). */
  readonly ignoreSnapshots?: readonly Id[];
  /** Bytes of old packs per work item (default 256 MiB). */
  readonly batchBytes?: number;
}

/** The index a local run loaded while planning, reused by finalize when the index files are unchanged. */
const loadedIndexes = new WeakMap<PrunePlan, { index: MasterIndex; files: Id[] }>();

/**
 * loadPrunePlan reads what prune decides on and plans. The index is loaded before the snapshots: that is
 * safe only because the exclusive lock keeps backups from adding snapshots (and their packs) meanwhile.
 */
export async function loadPrunePlan(ctx: JobContext, options: PruneJobOptions): Promise<PrunePlan> {
  const { repo, reporter } = ctx;
  reporter.log('info', 'loading indexes...');
  const { index, files } = await loadIndex(repo);
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
    const plan = await loadPrunePlan(ctx, options);
    const items = options.dryRun ? [] : repackBatches(plan.repack, options.batchBytes ?? DEFAULT_BATCH_BYTES);
    if (items.length > 0) ctx.reporter.log('info', `repacking ${plan.repack.length} packs`);
    return { plan, items };
  },

  async work(ctx: JobContext, plan: PrunePlan, item: RepackBatch): Promise<RepackResult> {
    return repackBatch(ctx.repo, item, plan.packSize, ctx.reporter);
  },

  async finalize(ctx: JobContext, plan: PrunePlan, results: RepackResult[]): Promise<PruneOutcome> {
    if (plan.options.dryRun) return { packsWritten: 0, packsDeleted: 0, bytesDeleted: 0, indexFilesWritten: 0, indexFilesDeleted: 0 };
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

async function listPacks(repo: Repository): Promise<ListedPack[]> {
  const packs: ListedPack[] = [];
  for await (const f of repo.backend.list('data')) packs.push({ id: f.name, size: f.size });
  return packs;
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
