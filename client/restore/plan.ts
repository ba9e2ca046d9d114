// Restore, step one: walk the snapshot and decide what to create where. The result is a flat plan: the
// directories, the files with their content blobs, the links and special files, in tree order.
import type { Id } from '../../shared/core/index.js';
import type { TreeNode } from '../../shared/format/index.js';
import { loadTree, type MasterIndex, type Repository } from '../../shared/repository/index.js';

/** Decides per snapshot path whether to restore it, and for directories whether to look inside. */
export type RestoreSelector = (path: string, isDir: boolean) => { restore: boolean; descend: boolean };

export const selectAll: RestoreSelector = () => ({ restore: true, descend: true });

export interface PlannedNode {
  /** Path inside the snapshot, `/`-separated, starting with `/`. */
  readonly path: string;
  readonly node: TreeNode;
  /** For a hard link to a file restored earlier in the plan: that file's snapshot path. */
  readonly linkTo?: string;
}

export interface RestorePlan {
  readonly nodes: PlannedNode[];
  /** Total bytes of file content to write. */
  readonly bytes: number;
  readonly files: number;
}

/** planRestore walks the tree depth-first in name order, as restic restores. */
export async function planRestore(repo: Repository, index: MasterIndex, tree: Id, select: RestoreSelector = selectAll): Promise<RestorePlan> {
  const nodes: PlannedNode[] = [];
  // Hard links: restic restores a file with links > 1 once, then links later occurrences of the same inode.
  const firstByInode = new Map<string, string>();
  let bytes = 0;
  let files = 0;
  const visit = async (treeId: Id, prefix: string): Promise<void> => {
    for (const node of await loadTree(repo, index, treeId)) {
      const path = `${prefix}/${node.name}`;
      const isDir = node.type === 'dir';
      const choice = select(path, isDir);
      if (choice.restore || (isDir && choice.descend)) {
        let linkTo: string | undefined;
        if (node.type === 'file' && (node.links ?? 0) > 1 && node.inode) {
          const key = `${node.device_id ?? 0}:${node.inode}`;
          linkTo = firstByInode.get(key);
          if (linkTo === undefined) firstByInode.set(key, path);
        }
        nodes.push(linkTo === undefined ? { path, node } : { path, node, linkTo });
        if (node.type === 'file' && linkTo === undefined) {
          bytes += node.size ?? 0;
          files++;
        }
      }
      if (isDir && choice.descend && node.subtree) await visit(node.subtree, path);
    }
  };
  await visit(tree, '');
  return { nodes, bytes, files };
}
