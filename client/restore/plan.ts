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

/** Tree blobs fetched ahead of the depth-first walk; enough to hide a remote store's latency. */
const TREE_PREFETCH = 16;

/**
 * planRestore walks the tree depth-first in name order, as restic restores, and returns the nodes to
 * create. While it works through one directory the subtrees it will enter next are already being read,
 * at most TREE_PREFETCH at once, so the walk waits for storage roughly once per level, not once per tree.
 */
export async function planRestore(repo: Repository, index: MasterIndex, tree: Id, select: RestoreSelector = selectAll): Promise<RestorePlan> {
  const nodes: PlannedNode[] = [];
  // Hard links: restic restores a file with links > 1 once, then links later occurrences of the same inode.
  const firstByInode = new Map<string, string>();
  let bytes = 0;
  let files = 0;
  const trees = new TreeFetcher(repo, index, TREE_PREFETCH);
  const visit = async (treeId: Id, prefix: string): Promise<void> => {
    const children: { node: TreeNode; path: string; enter: boolean; selected: boolean }[] = [];
    for (const node of await trees.take(treeId)) {
      const path = `${prefix}/${node.name}`;
      const isDir = node.type === 'dir';
      const choice = select(path, isDir);
      const enter = isDir && choice.descend && node.subtree !== undefined && node.subtree !== null;
      if (enter) trees.prefetch(node.subtree!);
      if (choice.restore || enter) children.push({ node, path, enter, selected: choice.restore });
    }
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

/** Loads trees ahead of use with bounded concurrency; each prefetched tree is handed out once. */
class TreeFetcher {
  private readonly pending = new Map<Id, Promise<TreeNode[]>>();
  private readonly queue: { id: Id; resolve: (t: Promise<TreeNode[]>) => void }[] = [];
  private active = 0;

  constructor(
    private readonly repo: Repository,
    private readonly index: MasterIndex,
    private readonly limit: number,
  ) {}

  prefetch(id: Id): void {
    if (this.pending.has(id)) return;
    const loaded = new Promise<TreeNode[]>((resolve) => this.queue.push({ id, resolve: (t) => resolve(t) }));
    // A prefetch that fails is reported when (and if) the walk takes it, not here.
    loaded.catch(() => undefined);
    this.pending.set(id, loaded);
    this.pump();
  }

  take(id: Id): Promise<TreeNode[]> {
    const loaded = this.pending.get(id);
    if (loaded === undefined) return loadTree(this.repo, this.index, id);
    this.pending.delete(id);
    // The walk now needs this one: move it to the front if it has not started.
    const queued = this.queue.findIndex((q) => q.id === id);
    if (queued > 0) this.queue.unshift(...this.queue.splice(queued, 1));
    return loaded;
  }

  private pump(): void {
    while (this.active < this.limit && this.queue.length > 0) {
      const { id, resolve } = this.queue.shift()!;
      this.active++;
      const load = loadTree(this.repo, this.index, id);
      load.catch(() => undefined).finally(() => {
        this.active--;
        this.pump();
      });
      resolve(load);
    }
  }
}
