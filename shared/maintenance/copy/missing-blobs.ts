// Finding what the target lacks: walk the trees of the snapshots to copy in the source and collect every
// tree blob and data blob the target's index does not have. Like restic, every tree is walked even when the
// target already holds it: a tree in the target's index says nothing about whether its children made it.
import type { Id } from '../../core/index.js';
import { loadTree, type MasterIndex, type Repository } from '../../repository/index.js';

export interface MissingBlobs {
  /** Tree blobs to copy, in the order they were found (parents before children). */
  readonly trees: Id[];
  /** Data blobs to copy, in the order they were found. */
  readonly data: Id[];
  /** Distinct trees walked. */
  readonly treesWalked: number;
}

export interface FindMissingOptions {
  /** Trees loaded at once (each is one ranged read). Default 8. */
  readonly parallel?: number;
  readonly onProgress?: (treesWalked: number) => void;
}

/**
 * findMissingBlobs walks every tree reachable from `roots` in `source` (each distinct tree once) and returns
 * the blobs that `target` has no copy of, each once. A tree that cannot be read fails the whole walk: copying
 * part of a snapshot would leave the target with a snapshot it cannot restore.
 */
export async function findMissingBlobs(
  source: Repository,
  sourceIndex: MasterIndex,
  target: MasterIndex,
  roots: readonly Id[],
  opts: FindMissingOptions = {},
): Promise<MissingBlobs> {
  const parallel = opts.parallel ?? 8;
  const visited = new Set<Id>();
  const trees: Id[] = [];
  const data: Id[] = [];
  const dataSeen = new Set<Id>();
  // Breadth first, one level at a time, a few reads in flight: simple, and bounded in memory by the
  // widest level of IDs (not of decoded trees).
  let level = roots.filter((id) => !visited.has(id) && visited.add(id));
  while (level.length > 0) {
    const next: Id[] = [];
    let cursor = 0;
    const worker = async (): Promise<void> => {
      while (cursor < level.length) {
        const treeId = level[cursor++]!;
        if (!target.has('tree', treeId)) trees.push(treeId);
        for (const node of await loadTree(source, sourceIndex, treeId)) {
          for (const blob of node.content ?? []) {
            if (dataSeen.has(blob)) continue;
            dataSeen.add(blob);
            if (!target.has('data', blob)) data.push(blob);
          }
          if (node.type === 'dir' && node.subtree && !visited.has(node.subtree)) {
            visited.add(node.subtree);
            next.push(node.subtree);
          }
        }
        opts.onProgress?.(visited.size);
      }
    };
    await Promise.all(Array.from({ length: Math.min(parallel, level.length) }, worker));
    level = next;
  }
  return { trees, data, treesWalked: visited.size };
}
