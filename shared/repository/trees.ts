// Trees: a directory listing stored as a tree blob. Loading one means reading the blob and decoding restic's
// JSON; walking visits a snapshot's whole hierarchy depth-first in name order.
import type { Id } from '../core/index.js';
import { decodeTree, type TreeNode } from '../format/index.js';
import { readBlob } from './blob-reader.js';
import type { MasterIndex } from './master-index.js';
import type { Repository } from './repository.js';

export async function loadTree(repo: Repository, index: MasterIndex, id: Id): Promise<TreeNode[]> {
  return decodeTree(await readBlob(repo, index, 'tree', id));
}

export interface WalkEntry {
  /** Absolute path inside the snapshot, `/`-separated, starting with `/`. */
  readonly path: string;
  readonly node: TreeNode;
}

/** walkTree yields every node below a tree, parents before children, siblings in name order. */
export async function* walkTree(repo: Repository, index: MasterIndex, treeId: Id, prefix = ''): AsyncGenerator<WalkEntry> {
  for (const node of await loadTree(repo, index, treeId)) {
    const path = `${prefix}/${node.name}`;
    yield { path, node };
    if (node.type === 'dir' && node.subtree) yield* walkTree(repo, index, node.subtree, path);
  }
}
