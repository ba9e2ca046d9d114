// Which snapshots reach a tree. Trees are shared between snapshots (an unchanged directory keeps its tree
// ID), so check loads each tree once and remembers, for every tree, the trees that contain it and, for every
// root tree, the snapshots that start there. Walking those reverse edges up from a damaged tree names every
// snapshot affected, without storing a snapshot list per tree.
import type { Id } from '../../core/index.js';

export class TreeGraph {
  /** tree → the trees that list it as a subtree; [] for a tree only reached as a snapshot's root. */
  private readonly parents = new Map<Id, Id[]>();
  /** root tree → the snapshots whose `tree` it is. */
  private readonly roots = new Map<Id, Id[]>();

  /** Number of distinct trees seen. */
  get size(): number {
    return this.parents.size;
  }

  /** addRoot records a snapshot's root tree; true when the tree is new (so it still needs loading). */
  addRoot(snapshotId: Id, treeId: Id): boolean {
    const snaps = this.roots.get(treeId);
    if (snaps) snaps.push(snapshotId);
    else this.roots.set(treeId, [snapshotId]);
    return this.note(treeId);
  }

  /** addSubtree records that `parent` lists `child`; true when the child is new (so it still needs loading). */
  addSubtree(parent: Id, child: Id): boolean {
    const known = this.parents.get(child);
    if (known === undefined) {
      this.parents.set(child, [parent]);
      return true;
    }
    if (!known.includes(parent)) known.push(parent);
    return false;
  }

  /** snapshotsReaching returns the IDs of the snapshots from which any of the trees is reachable, sorted. */
  snapshotsReaching(trees: Iterable<Id>): Id[] {
    const seen = new Set<Id>();
    const stack = [...trees];
    const found = new Set<Id>();
    while (stack.length > 0) {
      const t = stack.pop()!;
      if (seen.has(t)) continue;
      seen.add(t);
      for (const s of this.roots.get(t) ?? []) found.add(s);
      for (const p of this.parents.get(t) ?? []) stack.push(p);
    }
    return [...found].sort();
  }

  private note(treeId: Id): boolean {
    if (this.parents.has(treeId)) return false;
    this.parents.set(treeId, []);
    return true;
  }
}
