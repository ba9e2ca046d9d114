// The check job (restic 0.14's `check`, DESIGN §7) in the job model: plan runs the structure checks and
// picks the packs to read; each work item downloads and verifies a batch of packs; finalize merges the
// findings into one CheckResult and names the snapshots that damaged blobs belong to.
//
// Check only reads. It runs under a shared lock (the runner's business), so backups may add packs, index
// files and snapshots meanwhile; the order of listing below makes that safe (see plan).
import { availableParallelism } from 'node:os';
import type { Id } from '../../core/index.js';
import { expectedPackSize } from '../../format/index.js';
import type { Repository } from '../../repository/index.js';
import type { Job, JobContext } from '../job.js';
import { loadCheckedIndex, type CheckedIndex } from './load-index.js';
import { checkPackStructure, packEntries } from './pack-structure.js';
import { includeMarkedPacks, packBlobsForRead } from './marked-packs.js';
import { ByteBudget } from './byte-budget.js';
import { PackVerifier } from './pack-verifier.js';
import { readPack, type PackReading } from './read-pack.js';
import { PackReadAhead } from './read-ahead.js';
import { batchPacks, selectPacks } from './select-packs.js';
import { checkStructure, type StructureResult } from './structure.js';
import type { CheckItem, CheckItemResult, CheckOptions, CheckPlan, CheckResult, Finding, PackToRead } from './types.js';

/**
 * Packs of one item in progress at once (reading, waiting for a worker, being verified); the byte budget,
 * not this, bounds the memory they hold.
 */
const PARALLEL_PACKS = 8;
/**
 * One slot of the bound on pack bytes held at once: a 16 MiB pack (restic's default size). The bound has two
 * slots per worker thread (one pack being verified, one waiting) plus three for the calling thread (one
 * being verified, one read and waiting, one being read): with only two, the calling thread sat idle for
 * each read (profiled: busy 55-75 % of the time, 80-100 % with three).
 */
const BUDGET_BYTES_PER_SLOT = 16 * 1024 * 1024;
/** At most this many verification threads: beyond it the reads, not the CPUs, are the limit. */
const MAX_VERIFY_THREADS = 8;
/** The default worker count: one fewer than the CPUs, as the calling thread verifies too (see pack-verifier.ts). */
const DEFAULT_VERIFY_THREADS = Math.min(availableParallelism() - 1, MAX_VERIFY_THREADS);

export type CheckJob = Job<CheckOptions, CheckPlan, CheckItem, CheckItemResult, CheckResult> & {
  /**
   * startBeforeLock begins, while the caller takes its lock, the work that only reads immutable files: it
   * loads the index and (with readAheadInPlan, for --read-data and a n/t subset) starts reading and
   * verifying the packs that index lists. Taking a lock costs a deliberate 200 ms pause (the re-check
   * restic also makes); this puts it to use. Nothing read early is trusted on its own: plan lists index/
   * under the lock and keeps the early index, and the packs verified against it, only when it names exactly
   * the same files (index files are immutable and named by their hash, so the same names mean the same
   * contents); otherwise it starts over. Returns a function that stops what is still running, for a
   * caller whose lock or command failed (harmless after finalize).
   */
  startBeforeLock(repo: Repository, options: CheckOptions): () => Promise<void>;
};

/** What startBeforeLock began for one Repository. */
type EarlyStart = {
  /** The index as listed before the lock; undefined when loading it failed (plan then loads it again). */
  readonly index: Promise<CheckedIndex | undefined>;
  /** The reads of the packs that index lists, when the options allow choosing them this early. */
  readonly reads: Promise<PackReadAhead | undefined>;
  stopped: boolean;
};

export type CheckJobDependencies = {
  /** Random numbers in [0, 1) for `--read-data-subset x%|size` (Math.random in the runners, seeded in tests). */
  readonly random: () => number;
  /**
   * Start reading the packs to verify during plan, while the trees are walked (see read-ahead.ts). Only
   * for a runner that runs plan and work items in this process on the same Repository (the CLI's
   * runJobLocally); elsewhere the reads would be wasted.
   */
  readonly readAheadInPlan?: boolean;
  /**
   * Worker threads that verify the packs read, besides the calling thread; 0 verifies on the calling thread
   * only. Default: one fewer than the CPUs (at most 8); without a worker script (a single-file bundle), none.
   */
  readonly verifyThreads?: number;
};

/**
 * createCheckJob returns the check job. The job keeps the index it loaded per Repository object, so that
 * when plan, work and finalize run in one process (runJobLocally) the index is read once; a runner that
 * gives each step a fresh Repository (a Lambda per item) loads it again, which is equivalent.
 */
export function createCheckJob(deps: CheckJobDependencies): CheckJob {
  const indexes = new WeakMap<Repository, Promise<CheckedIndex>>();
  const indexOf = (repo: Repository): Promise<CheckedIndex> => {
    let p = indexes.get(repo);
    if (p === undefined) {
      p = loadCheckedIndex(repo);
      indexes.set(repo, p);
    }
    return p;
  };
  const threads = deps.verifyThreads ?? DEFAULT_VERIFY_THREADS;
  const readings = new WeakMap<Repository, PackReading>();
  const readingOf = (repo: Repository): PackReading => {
    let r = readings.get(repo);
    if (r === undefined) {
      r = { verifier: new PackVerifier(repo.key, threads), budget: new ByteBudget((threads * 2 + 3) * BUDGET_BYTES_PER_SLOT) };
      readings.set(repo, r);
    }
    return r;
  };

  const readAheads = new WeakMap<Repository, PackReadAhead>();
  const earlyStarts = new WeakMap<Repository, EarlyStart>();

  /**
   * loadIndexUnderLock returns the index for plan: the one read before the lock when index/ still lists the
   * same files, else a fresh load (and the early pack reads, made against the old index, are dropped).
   */
  const loadIndexUnderLock = async (repo: Repository): Promise<{ checked: CheckedIndex; early?: PackReadAhead }> => {
    const early = earlyStarts.get(repo);
    if (early === undefined) return { checked: await loadCheckedIndex(repo) };
    const [ids, earlyIndex] = await Promise.all([repo.listIds('index'), early.index]);
    const reads = await early.reads;
    if (earlyIndex !== undefined && sameIds(ids, earlyIndex.fileIds)) return { checked: earlyIndex, ...(reads ? { early: reads } : {}) };
    reads?.stop();
    return { checked: await loadCheckedIndex(repo, ids) };
  };

  return {
    name: 'check',

    startBeforeLock(repo: Repository, options: CheckOptions) {
      const index = loadCheckedIndex(repo).catch(() => undefined);
      // Random subsets are drawn from the packs present under the lock; only a full read or a n/t group,
      // which depend on the pack IDs alone, can be chosen before it.
      const chosenByIds = options.readData || options.readDataSubset?.kind === 'group';
      const early: EarlyStart = {
        index,
        stopped: false,
        reads: !(deps.readAheadInPlan && chosenByIds)
          ? Promise.resolve(undefined)
          : index.then((checked) => {
              if (checked === undefined || early.stopped) return undefined;
              const toRead = selectPacks(indexedPacks(checked), options, deps.random);
              if (toRead.length === 0) return undefined;
              const reading = readingOf(repo);
              reading.verifier.start();
              return new PackReadAhead(repo, toRead, (id) => packBlobsForRead(checked, id), reading, PARALLEL_PACKS);
            }),
      };
      earlyStarts.set(repo, early);
      return async () => {
        early.stopped = true;
        (await early.reads)?.stop();
        await readings.get(repo)?.verifier.close();
      };
    },

    async plan(ctx: JobContext, options: CheckOptions) {
      const { repo, reporter } = ctx;
      // The verification threads start while the index loads and the trees are walked.
      if (options.readData || options.readDataSubset !== undefined) readingOf(repo).verifier.start();
      // Order matters while backups run: a backup writes packs, then its index, then its snapshot. Listing
      // snapshots first means every snapshot seen has its index written already (no false "not in the
      // index"); loading the index before listing data/ means every indexed pack is already stored (no false
      // "does not exist"). Packs of a backup still in flight show up only as unreferenced, a hint.
      reporter.log('debug', 'listing snapshots');
      const snapshotIds = await repo.listIds('snapshots');
      reporter.log('debug', 'loading index files');
      const loaded = loadIndexUnderLock(repo);
      indexes.set(repo, loaded.then((l) => l.checked));
      const { checked, early } = await loaded;
      reporter.log('debug', 'checking packs');
      const listing = new Map<Id, number>();
      for await (const f of repo.backend.list('data')) listing.set(f.name, f.size);
      // Stored marked packs are readable (a snapshot may still use one): into the index before any check.
      const markedHints = includeMarkedPacks(checked, listing, ctx.now.getTime());
      const packs = checkPackStructure(checked, listing);
      const toRead = selectPacks(packs.present, options, deps.random);
      if (deps.readAheadInPlan && toRead.length > 0) {
        // The early reads took the same packs in the same order (selectPacks keeps the index's order for a
        // full read and a group); a pack they do not cover (a marked one) is read by its work item.
        readAheads.set(repo, early ?? new PackReadAhead(repo, toRead, (id) => packBlobsForRead(checked, id), readingOf(repo), PARALLEL_PACKS));
      } else {
        early?.stop();
      }
      reporter.log('debug', 'checking snapshots, trees and blobs');
      const structure = await checkStructure(repo, checked.index, snapshotIds, { packs: packs.badPacks, blobs: packs.badBlobs });
      nameSnapshots(packs.errors, structure);

      const plan: CheckPlan = {
        errors: [...checked.errors, ...packs.errors, ...structure.errors],
        hints: [...checked.hints, ...packs.hints, ...markedHints],
        stats: {
          snapshots: snapshotIds.length,
          indexFiles: checked.files,
          packs: checked.index.packCount,
          blobs: checked.index.entryCount,
          trees: structure.graph.size,
          packsToRead: toRead.length,
          bytesToRead: toRead.reduce((n, p) => n + p.size, 0),
          packsRead: 0,
          bytesRead: 0,
          blobsRead: 0,
        },
      };
      return { plan, items: batchPacks(toRead) };
    },

    async work(ctx: JobContext, _plan: CheckPlan, item: CheckItem) {
      const checked = await indexOf(ctx.repo);
      const reading = readingOf(ctx.repo);
      const result: CheckItemResult = { errors: [], packsRead: 0, bytesRead: 0, blobsRead: 0 };
      const reads = new Array<Finding[]>(item.packs.length);
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < item.packs.length) {
          const i = next++;
          const pack = item.packs[i]!;
          // A step run on a fresh load (a Lambda per item) has not merged the marked packs: ask for either.
          const r = await (readAheads.get(ctx.repo)?.take(pack.id) ?? readPack(ctx.repo, pack, packBlobsForRead(checked, pack.id), reading));
          reads[i] = r.errors;
          result.packsRead++;
          result.bytesRead += r.bytes;
          result.blobsRead += r.blobs;
        }
      };
      await Promise.all(Array.from({ length: Math.min(PARALLEL_PACKS, item.packs.length) }, worker));
      // Findings in item order, whatever order the reads finished in, so a retried item reports the same.
      result.errors = reads.flat();
      return result;
    },

    async finalize(ctx: JobContext, plan: CheckPlan, results: CheckItemResult[]) {
      await readings.get(ctx.repo)?.verifier.close();
      const readErrors = results.flatMap((r) => r.errors);
      await nameReadSnapshots(ctx.repo, await indexOf(ctx.repo), readErrors);
      const stats = { ...plan.stats };
      for (const r of results) {
        stats.packsRead += r.packsRead;
        stats.bytesRead += r.bytesRead;
        stats.blobsRead += r.blobsRead;
      }
      return { errors: [...plan.errors, ...readErrors], hints: plan.hints, stats };
    },
  };
}

/** The indexed packs with the sizes their entries imply: what the early reads choose from. */
function indexedPacks(checked: CheckedIndex): PackToRead[] {
  const packs: PackToRead[] = [];
  for (const id of checked.index.packIds()) packs.push({ id, size: expectedPackSize(packEntries(checked.index, id)) });
  return packs;
}

function sameIds(a: readonly Id[], b: readonly Id[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((id) => set.has(id));
}

/** Fills `snapshots` of pack and index-entry findings from the trees the structure walk saw using them. */
function nameSnapshots(findings: Finding[], structure: StructureResult): void {
  for (const f of findings) {
    const users = f.blob !== undefined ? structure.blobUsers.get(f.blob) : f.pack !== undefined ? structure.packUsers.get(f.pack) : undefined;
    f.snapshots = structure.graph.snapshotsReaching(users ?? []);
  }
}

/**
 * nameReadSnapshots names the snapshots behind errors found by reading packs. Which trees use a damaged
 * data blob is only known by walking the trees again, so that walk happens only when a read found a
 * damaged or vanished blob; its own structure findings were reported by plan and are dropped here.
 */
async function nameReadSnapshots(repo: Repository, checked: CheckedIndex, errors: Finding[]): Promise<void> {
  const packs = new Set(errors.filter((f) => f.kind === 'pack-missing' && f.pack !== undefined).map((f) => f.pack!));
  const blobs = new Set(errors.filter((f) => f.blob !== undefined && f.kind !== 'header-not-in-index').map((f) => f.blob!));
  if (packs.size === 0 && blobs.size === 0) {
    for (const f of errors) f.snapshots = [];
    return;
  }
  const snapshotIds = await repo.listIds('snapshots');
  const structure = await checkStructure(repo, checked.index, snapshotIds, { packs, blobs });
  for (const f of errors) {
    const users = f.kind === 'pack-missing' ? structure.packUsers.get(f.pack!) : f.blob !== undefined ? structure.blobUsers.get(f.blob) : undefined;
    f.snapshots = structure.graph.snapshotsReaching(users ?? []);
  }
}
