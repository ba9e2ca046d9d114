// Used blobs: everything the snapshots need — every tree reachable from a snapshot's root and every data
// blob a file node lists. Prune keeps exactly these. Trees shared between snapshots (most of them, from one
// backup to the next) are loaded once.
import type { Id } from '../../core/index.js';
import { decodeTree } from '../../format/index.js';
import { readBlob, type MasterIndex, type Repository } from '../../repository/index.js';
import { blobKey } from './pack-usage.js';

/** Trees loaded at once: enough to hide storage latency, few enough to bound memory. */
const PARALLEL_TREES = 16;

/**
 * findUsedBlobs walks every tree below `roots` and returns the blobKey of each tree and data blob found.
 * A tree that cannot be read aborts the walk: prune must not decide on a partial picture. Trees are read
 * from live packs first, then from `marked` ones (two-phase prune: a snapshot may reference a marked pack
 * until a run recovers it).
 */
export async function findUsedBlobs(
  repo: Repository,
  index: MasterIndex,
  roots: readonly Id[],
  progress?: (treesLoaded: number) => void,
  marked?: MasterIndex,
): Promise<Set<string>> {
  const used = new Set<string>();
  const queue: Id[] = [];
  for (const root of roots) enqueue(root);
  let loaded = 0;

  function enqueue(tree: Id): void {
    const key = blobKey('tree', tree);
    if (used.has(key)) return;
    used.add(key);
    queue.push(tree);
  }

  // Workers share one queue; each tree adds its subtrees. A worker that finds the queue empty while others
  // are still loading waits for them, since their trees may add more work.
  let active = 0;
  let waiting: (() => void)[] = [];
  const worker = async (): Promise<void> => {
    for (;;) {
      const tree = queue.pop();
      if (tree === undefined) {
        if (active === 0) return;
        await new Promise<void>((r) => waiting.push(r));
        continue;
      }
      active++;
      try {
        const nodes = decodeTree(await readBlob(repo, index, 'tree', tree, marked));
        for (const node of nodes) {
          if (node.type === 'file') for (const id of node.content ?? []) used.add(blobKey('data', id));
          else if (node.type === 'dir' && node.subtree) enqueue(node.subtree);
        }
        progress?.(++loaded);
      } finally {
        active--;
        const wake = waiting;
        waiting = [];
        for (const w of wake) w();
      }
    }
  };
  await Promise.all(Array.from({ length: PARALLEL_TREES }, worker));
  return used;
}
