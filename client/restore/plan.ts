// Restore, step one: walk the snapshot and decide what to create where. The result is a flat plan: the
// directories, the files with their content blobs, the links and special files, in tree order.
import type { Id } from '../../shared/core/index.js';
import type { TreeNode } from '../../shared/format/index.js';
import { loadTree, TreeBatchReader, type LoadedTree, type MasterIndex, type Repository } from '../../shared/repository/index.js';

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

/**
 * planRestore walks the tree depth-first in name order, as restic restores, and returns the nodes to
 * create. When it enters a directory, the trees of all the subdirectories it will visit are requested at
 * once through a TreeBatchReader (neighbours in a pack come in one ranged read), so the walk waits for
 * storage roughly once per directory with subdirectories, not once per tree, and rarely at all.
 */
export async function planRestore(repo: Repository, index: MasterIndex, tree: Id, select: RestoreSelector = selectAll): Promise<RestorePlan> {
  const nodes: PlannedNode[] = [];
  // Hard links: restic restores a file with links > 1 once, then links later occurrences of the same inode.
  const firstByInode = new Map<string, string>();
  let bytes = 0;
  let files = 0;
  const batches = new TreeBatchReader(repo, index);
  const requested = new Map<Id, LoadedTree>();
  // A tree requested with its siblings is handed out once; one asked for twice (a subtree shared by two
  // directories) is read again.
  const take = (id: Id): LoadedTree => {
    const tree = requested.get(id);
    if (tree === undefined) return loadTree(repo, index, id);
    requested.delete(id);
    return tree;
  };
  const visit = async (treeId: Id, prefix: string): Promise<void> => {
    const children: { node: TreeNode; path: string; enter: boolean; selected: boolean }[] = [];
    const subtrees: Id[] = [];
    for (const node of await take(treeId)) {
      const path = `${prefix}/${node.name}`;
      const isDir = node.type === 'dir';
      const choice = select(path, isDir);
      const enter = isDir && choice.descend && node.subtree !== undefined && node.subtree !== null;
      if (enter) subtrees.push(node.subtree!);
      if (choice.restore || enter) children.push({ node, path, enter, selected: choice.restore });
    }
    for (const [id, tree] of batches.load(subtrees.filter((id) => !requested.has(id)))) requested.set(id, tree);
    for (const { node, path, enter, selected } of children) {
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
      if (enter) {
        const at = nodes.length;
        await visit(node.subtree!, path);
        // restic's rule: a directory only passed through is restored only if something below it was.
        if (!selected && nodes.length === at) nodes.pop();
      }
    }
  };
  await visit(tree, '');
  return { nodes, bytes, files };
}
