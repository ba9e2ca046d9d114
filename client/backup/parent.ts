// The parent snapshot: the previous backup of the same paths. Its trees tell, per directory, what each file
// looked like last time, so unchanged files are recorded again without being read.
import type { Id } from '../../shared/core/index.js';
import type { TreeNode } from '../../shared/format/index.js';
import { loadTree, type MasterIndex, type Repository } from '../../shared/repository/index.js';

export class ParentTrees {
  constructor(
    private readonly repo: Repository,
    private readonly index: MasterIndex,
  ) {}

  /** children returns a directory's nodes by name, or undefined when there is no such tree. */
  async children(tree: Id | undefined | null): Promise<Map<string, TreeNode> | undefined> {
    if (tree == null) return undefined;
    try {
      return new Map((await loadTree(this.repo, this.index, tree)).map((n) => [n.name, n]));
    } catch {
      // A damaged or missing parent tree only costs re-reading the files below it.
      return undefined;
    }
  }
}
