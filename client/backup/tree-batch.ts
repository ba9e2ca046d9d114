// Reading many tree blobs at once: the trees are located in the index, neighbours in a pack are fetched
// with one ranged read (pack-spans.ts), and each tree is verified and decoded as soon as its span arrives.
import type { Id } from '../../shared/core/index.js';
import { decodeTree, type TreeNode } from '../../shared/format/index.js';
import { decodeBlob, loadTree, type BlobLocation, type MasterIndex, type Repository } from '../../shared/repository/index.js';
import { planSpans, type SpanLimits } from './pack-spans.js';

/** Parent trees are small (a few KiB) and written next to each other; these limits read a pack's worth in a few requests. */
export const TREE_SPAN_LIMITS: SpanLimits = { maxGap: 128 * 1024, maxSpan: 4 * 1024 * 1024 };

/** A tree's nodes, or undefined when it cannot be read (a damaged parent costs only re-reading its files). */
export type LoadedTree = Promise<TreeNode[] | undefined>;

interface LocatedTree extends BlobLocation {
  readonly id: Id;
}

/**
 * loadTrees starts reading the trees `ids` and returns one promise per distinct ID; none rejects. A tree
 * whose span cannot be read or does not verify is read again the ordinary way (every indexed location), as
 * is one the index does not know (so the error is the same as for a single read).
 */
export function loadTrees(repo: Repository, index: MasterIndex, ids: Iterable<Id>, limits: SpanLimits = TREE_SPAN_LIMITS): Map<Id, LoadedTree> {
  const fallback = (id: Id): LoadedTree => loadTree(repo, index, id).catch(() => undefined);
  const loaded = new Map<Id, LoadedTree>();
  const located: LocatedTree[] = [];
  const seen = new Set<Id>();
  for (const id of ids) {
    if (seen.has(id)) continue;
    seen.add(id);
    const location = index.lookup('tree', id);
    if (location === undefined) loaded.set(id, fallback(id));
    else located.push({ ...location, id });
  }
  for (const span of planSpans(located, limits)) {
    const bytes = repo.backend.read('data', span.packId, { offset: span.offset, length: span.length });
    for (const tree of span.blobs) {
      const start = tree.offset - span.offset;
      const nodes = bytes.then((buf) => decodeTree(decodeBlob(repo, tree, tree.id, buf.subarray(start, start + tree.length))));
      loaded.set(tree.id, nodes.catch(() => fallback(tree.id)));
    }
  }
  return loaded;
}
