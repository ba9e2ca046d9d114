// The structure check: every snapshot loads, every tree reachable from a snapshot loads (found in the
// index, MAC verified, decrypted, decompressed, hashed to its ID, decoded), every file's content blobs are
// indexed as data blobs and every directory has a subtree — restic 0.14's checks, each tree visited once.
// Along the way it notes which trees use blobs that the pack checks found at risk, so that every error can
// name the snapshots it affects.
import { CorruptDataError, type BlobType, type Id } from '../../core/index.js';
import { loadSnapshot, TreeBatchReader, type MasterIndex, type Repository } from '../../repository/index.js';
import type { TreeNode } from '../../format/index.js';
import { TreeGraph } from './tree-graph.js';
import type { Finding } from './types.js';

/** Blobs whose storage is known to be damaged: every blob in `packs`, and the listed `blobs`. */
export type AtRisk = {
  readonly packs: ReadonlySet<Id>;
  readonly blobs: ReadonlySet<Id>;
};

export type StructureResult = {
  readonly snapshots: number;
  readonly errors: Finding[];
  readonly graph: TreeGraph;
  /** For each at-risk pack, and each at-risk blob, the trees that use it (a tree blob uses itself). */
  readonly packUsers: Map<Id, Set<Id>>;
  readonly blobUsers: Map<Id, Set<Id>>;
};

/** Snapshots loaded at once: enough to hide a remote store's latency, few enough to stay gentle. */
const PARALLEL_SNAPSHOTS = 16;
/**
 * Trees asked for in one round. A round's trees are read together, neighbours in a pack with one ranged
 * read (TreeBatchReader), instead of one request per tree; a snapshot's trees sit next to each other.
 */
const ROUND_TREES = 1024;

/**
 * checkStructure loads the given snapshots and walks every tree, returning findings (`snapshot-unreadable`,
 * `tree-unreadable`, `node-invalid`, `blob-missing`) with `snapshots` filled in. Storage failures other
 * than missing or damaged objects throw: they say nothing about the repository.
 */
export async function checkStructure(repo: Repository, index: MasterIndex, snapshotIds: readonly Id[], atRisk: AtRisk): Promise<StructureResult> {
  const graph = new TreeGraph();
  const errors: Finding[] = [];
  const packUsers = new Map<Id, Set<Id>>();
  const blobUsers = new Map<Id, Set<Id>>();
  const queue: Id[] = [];

  const ids = snapshotIds;
  for (let i = 0; i < ids.length; i += PARALLEL_SNAPSHOTS) {
    await Promise.all(ids.slice(i, i + PARALLEL_SNAPSHOTS).map(async (id) => {
      try {
        const snapshot = await loadSnapshot(repo, id);
        if (graph.addRoot(id, snapshot.tree)) queue.push(snapshot.tree);
      } catch (err) {
        if (!isDamage(err)) throw err;
        errors.push({ kind: 'snapshot-unreadable', snapshot: id, snapshots: [id], message: `snapshot ${id.slice(0, 8)} cannot be loaded: ${(err as Error).message}` });
      }
    }));
  }

  const checkRisk = atRisk.packs.size > 0 || atRisk.blobs.size > 0;
  const noteUse = (type: BlobType, blob: Id, tree: Id): void => {
    if (atRisk.blobs.has(blob)) addTo(blobUsers, blob, tree);
    if (atRisk.packs.size === 0) return;
    // A blob is lost only if every copy is in a damaged pack; each such pack is then charged with it.
    const locations = index.lookupAll(type, blob);
    if (locations.length > 0 && locations.every((l) => atRisk.packs.has(l.packId))) {
      for (const l of locations) addTo(packUsers, l.packId, tree);
    }
  };

  const visit = async (treeId: Id, loading: Promise<TreeNode[]>): Promise<void> => {
    const short = treeId.slice(0, 8);
    if (checkRisk) noteUse('tree', treeId, treeId);
    let nodes;
    try {
      nodes = await loading;
    } catch (err) {
      if (!isDamage(err)) throw err;
      errors.push({ kind: 'tree-unreadable', tree: treeId, message: `tree ${short} cannot be loaded: ${(err as Error).message}` });
      return;
    }
    for (const node of nodes) {
      if (node.type === 'file') {
        if (node.content === null) {
          errors.push({ kind: 'node-invalid', tree: treeId, message: `tree ${short}: file ${JSON.stringify(node.name)} has no content list` });
          continue;
        }
        for (const blob of node.content) {
          if (!index.has('data', blob)) {
            errors.push({
              kind: 'blob-missing',
              tree: treeId,
              blob,
              blobType: 'data',
              message: `tree ${short}: file ${JSON.stringify(node.name)} uses data blob ${blob.slice(0, 8)}, which is not in the index`,
            });
          } else if (checkRisk) {
            noteUse('data', blob, treeId);
          }
        }
      } else if (node.type === 'dir') {
        if (node.subtree === undefined) {
          errors.push({ kind: 'node-invalid', tree: treeId, message: `tree ${short}: directory ${JSON.stringify(node.name)} has no subtree` });
        } else if (graph.addSubtree(treeId, node.subtree)) {
          queue.push(node.subtree);
        }
      }
    }
  };

  // Breadth first, a round at a time: each round's subtrees are queued for the next.
  const reader = new TreeBatchReader(repo, index);
  while (queue.length > 0) {
    const round = queue.splice(0, ROUND_TREES);
    const loaded = reader.load(round);
    for (const treeId of round) await visit(treeId, loaded.get(treeId)!);
  }
  for (const f of errors) if (f.tree !== undefined) f.snapshots = graph.snapshotsReaching([f.tree]);
  return { snapshots: ids.length, errors, graph, packUsers, blobUsers };
}

/** Damage is a finding; anything else (the storage failing, a bug) ends the check. */
function isDamage(err: unknown): boolean {
  return err instanceof CorruptDataError || (err instanceof Error && (err as { code?: string }).code === 'NOT_FOUND');
}

function addTo(map: Map<Id, Set<Id>>, key: Id, value: Id): void {
  const set = map.get(key);
  if (set) set.add(value);
  else map.set(key, new Set([value]));
}
