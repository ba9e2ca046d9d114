// Reading many tree blobs at once: the trees are located in the index, neighbours in a pack are fetched
// with one ranged read (read-spans.ts), and each tree is verified and decoded as soon as its span arrives.
// The last few spans are kept: a batch taken in a walk's order often wants trees that the previous batch's
// span already covered, since a snapshot's trees were written next to each other. Backup reads its parent
// snapshot's trees this way, and check walks every snapshot's trees this way.
import type { Id } from '../core/index.js';
import { decodeTree, type TreeNode } from '../format/index.js';
import { decodeBlob } from './blob-reader.js';
import type { BlobLocation, MasterIndex } from './master-index.js';
import type { Repository } from './repository.js';
import { planSpans, type SpanLimits } from './read-spans.js';
import { loadTree } from './trees.js';

/** Trees are small (a few KiB) and written next to each other; these limits read a pack's worth in a few requests. */
export const TREE_SPAN_LIMITS: SpanLimits = { maxGap: 128 * 1024, maxSpan: 4 * 1024 * 1024 };
/** Bytes of recent spans kept for later batches. */
export const RECENT_SPAN_BYTES = 8 * 1024 * 1024;

/** A tree's nodes; rejects with the error loadTree gives for it when it cannot be read. */
export type LoadedTree = Promise<TreeNode[]>;

interface LocatedTree extends BlobLocation {
  readonly id: Id;
}

/** A span read (or being read); `bytes` rejects when the read failed. */
interface RecentSpan {
  readonly packId: Id;
  readonly offset: number;
  readonly length: number;
  readonly bytes: Promise<Buffer>;
}

export class TreeBatchReader {
  /** Oldest first. */
  private recent: RecentSpan[] = [];
  private recentBytes = 0;

  constructor(
    private readonly repo: Repository,
    private readonly index: MasterIndex,
    private readonly limits: SpanLimits = TREE_SPAN_LIMITS,
    private readonly keepBytes = RECENT_SPAN_BYTES,
  ) {}

  /**
   * load starts reading the trees `ids` and returns one promise per distinct ID. A tree whose span cannot be
   * read or does not verify is read again the ordinary way (every indexed location), as is one the index
   * does not know, so a tree fails exactly as loadTree fails for it. Each promise has a handler attached:
   * one the caller never awaits is no unhandled rejection.
   */
  load(ids: Iterable<Id>): Map<Id, LoadedTree> {
    const loaded = new Map<Id, LoadedTree>();
    const toRead: LocatedTree[] = [];
    const seen = new Set<Id>();
    for (const id of ids) {
      if (seen.has(id)) continue;
      seen.add(id);
      const location = this.index.lookup('tree', id);
      if (location === undefined) {
        loaded.set(id, this.fallback(id));
        continue;
      }
      const tree = { ...location, id };
      const span = this.recent.find((s) => s.packId === tree.packId && s.offset <= tree.offset && tree.offset + tree.length <= s.offset + s.length);
      if (span === undefined) toRead.push(tree);
      else loaded.set(id, this.decode(tree, span));
    }
    for (const planned of planSpans(toRead, this.limits)) {
      const span = { ...planned, bytes: this.repo.backend.read('data', planned.packId, { offset: planned.offset, length: planned.length }) };
      this.keep(span);
      for (const tree of planned.blobs) loaded.set(tree.id, this.decode(tree, span));
    }
    for (const tree of loaded.values()) tree.catch(() => undefined);
    return loaded;
  }

  private decode(tree: LocatedTree, span: RecentSpan): LoadedTree {
    const start = tree.offset - span.offset;
    return span.bytes
      .then((buf) => decodeTree(decodeBlob(this.repo, tree, tree.id, buf.subarray(start, start + tree.length))))
      .catch(() => this.fallback(tree.id));
  }

  private fallback(id: Id): LoadedTree {
    return loadTree(this.repo, this.index, id);
  }

  private keep(span: RecentSpan): void {
    this.recent.push(span);
    this.recentBytes += span.length;
    while (this.recentBytes > this.keepBytes && this.recent.length > 1) this.recentBytes -= this.recent.shift()!.length;
    // A failed read is not kept: the next batch reads those bytes again.
    span.bytes.catch(() => {
      const at = this.recent.indexOf(span);
      if (at < 0) return;
      this.recent.splice(at, 1);
      this.recentBytes -= span.length;
    });
  }
}
