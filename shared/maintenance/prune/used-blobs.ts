// Used blobs: everything the snapshots need — every tree reachable from a snapshot's root and every data
// blob a file node lists. Prune keeps exactly these. Trees shared between snapshots (most of them, from one
// backup to the next) are loaded once.
//
// Trees are loaded in rounds of up to CHUNK_TREES pending trees, grouped by pack and read with a few
// coalesced range reads instead of one request per tree: in a local repository the per-request
// open/read/close was most of prune's time, and on S3 it is a round trip each. A round costs at most one
// span per tree pack it touches. Each round takes the newest pending trees (depth first), so the pending
// list follows the hierarchy's depth rather than holding a whole level of a very wide repository.
import { CorruptDataError, type Id } from '../../core/index.js';
import { decodeBlob, readBlob, type BlobLocation, type MasterIndex, type Repository } from '../../repository/index.js';
import { BlobSet } from './blob-set.js';
import { forEach } from './for-each.js';
import { readSpans, type ReadSpan } from '../../repository/index.js';
import { treeRefs } from './tree-refs.js';

/** Range reads in flight: enough to hide storage latency, few enough to bound memory (spans ≤ 8 MiB). */
const PARALLEL_READS = 4;
const MAX_SPAN = 8 << 20;
/** Trees per round: enough for long spans, few enough that a round's bookkeeping stays a few MB. */
const CHUNK_TREES = 32_768;

interface TreePlace {
  readonly id: Id;
  readonly offset: number;
  readonly length: number;
  readonly uncompressedLength: number;
}

/**
 * findUsedBlobs walks every tree below `roots` and returns every tree and data blob found.
 * A tree that cannot be read aborts the walk: prune must not decide on a partial picture. Trees are read
 * from live packs first, then from `marked` ones (two-phase prune: a snapshot may reference a marked pack
 * until a run recovers it); a copy that fails to read or verify is retried from every other copy.
 * `chunkTrees` is the most trees loaded per round (tests lower it).
 */
export async function findUsedBlobs(
  repo: Repository,
  index: MasterIndex,
  roots: readonly Id[],
  progress?: (treesLoaded: number) => void,
  marked?: MasterIndex,
  chunkTrees = CHUNK_TREES,
): Promise<BlobSet> {
  const used = new BlobSet();
  const pending: Id[] = [];
  let loaded = 0;
  const enqueue = (tree: Id): void => {
    if (used.addBlob('tree', tree)) pending.push(tree);
  };
  const visit = (plain: Buffer): void => {
    const refs = treeRefs(plain);
    for (const id of refs.data) used.addBlob('data', id);
    for (const id of refs.subtrees) enqueue(id);
    progress?.(++loaded);
  };
  for (const root of roots) enqueue(root);

  while (pending.length > 0) {
    const reads = planReads(index, marked, pending.splice(Math.max(0, pending.length - chunkTrees)));
    await forEach(reads, async ({ packId, span }) => {
      let bytes: Buffer | undefined;
      try {
        bytes = await repo.backend.read('data', packId, { offset: span.offset, length: span.length });
      } catch {
        bytes = undefined; // each tree below is retried on its own, from every copy
      }
      for (const tree of span.blobs) {
        let plain: Buffer | undefined;
        if (bytes !== undefined) {
          try {
            plain = decodeBlob(repo, tree, tree.id, bytes.subarray(tree.offset - span.offset, tree.offset - span.offset + tree.length));
          } catch {
            plain = undefined;
          }
        }
        visit(plain ?? (await readBlob(repo, index, 'tree', tree.id, marked)));
      }
    }, PARALLEL_READS);
  }
  return used;
}

/** planReads locates each tree of a round (first live copy, else a marked one) and groups them into spans. */
function planReads(index: MasterIndex, marked: MasterIndex | undefined, trees: readonly Id[]): { packId: Id; span: ReadSpan<TreePlace> }[] {
  const byPack = new Map<Id, TreePlace[]>();
  for (const id of trees) {
    const loc: BlobLocation | undefined = index.lookup('tree', id) ?? marked?.lookup('tree', id);
    if (loc === undefined) throw new CorruptDataError(`tree blob ${id.slice(0, 8)} is not in the index: run \`cairn check\``);
    let places = byPack.get(loc.packId);
    if (places === undefined) byPack.set(loc.packId, (places = []));
    places.push({ id, offset: loc.offset, length: loc.length, uncompressedLength: loc.uncompressedLength });
  }
  const reads: { packId: Id; span: ReadSpan<TreePlace> }[] = [];
  for (const [packId, places] of byPack) for (const span of readSpans(places, undefined, MAX_SPAN)) reads.push({ packId, span });
  return reads;
}
