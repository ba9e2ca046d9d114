// The parent snapshot: the previous backup of the same paths. Its trees tell, per directory, what each file
// looked like last time, so unchanged files are recorded again without being read.
//
// The walk asks for the parent's trees one at a time and waits for each, in pre-order: a directory before
// its entries, entries by name (the order trees list their nodes in). Reading each tree only when asked
// left the walk waiting on one small read after another, so the parent's hierarchy is read ahead in that
// same order, a bounded window in front of the walk, with trees that sit together in a pack fetched in one
// read (tree-batch.ts). The queue of trees ahead is a linked list in pre-order: when a tree arrives, its
// subdirectories' trees are queued right behind it, before its later siblings.
import type { Id } from '../../shared/core/index.js';
import type { TreeNode } from '../../shared/format/index.js';
import type { MasterIndex, Repository } from '../../shared/repository/index.js';
import { TreeBatchReader } from '../../shared/repository/index.js';

/** A parent tree's nodes, or undefined when it cannot be read (a damaged parent costs only re-reading its files). */
type LoadedTree = Promise<TreeNode[] | undefined>;

export interface ReadAheadLimits {
  /** Trees read (or being read) ahead of the walk and not yet asked for. */
  readonly trees: number;
  /** Their plaintext bytes, as the index gives them; bounds memory when directories are large. */
  readonly bytes: number;
  /** Trees per batch of reads, and how many batches run at once. */
  readonly batch: number;
  readonly batches: number;
}

export const DEFAULT_READ_AHEAD: ReadAheadLimits = { trees: 1024, bytes: 8 * 1024 * 1024, batch: 128, batches: 2 };

/** A parent tree the walk is expected to ask for. */
interface Slot {
  readonly id: Id;
  next: Slot | undefined;
  /** Set once a read has started. */
  nodes: LoadedTree | undefined;
  /** Plaintext size by the index, counted against the window while the slot is read ahead. */
  weight: number;
  /** queued: in the list; taken: the walk asked for it; dropped: the walk went past it (directory gone). */
  place: 'queued' | 'taken' | 'dropped';
}

export class ParentTrees {
  /** Sentinel: `head.next` is the first queued slot. */
  private readonly head: Slot = { id: '' as Id, next: undefined, nodes: undefined, weight: 0, place: 'queued' };
  /** Queued slots whose read has started, and their weight. */
  private aheadTrees = 0;
  private aheadBytes = 0;
  /** Queued slots not yet being read. */
  private waiting = 0;
  private batchesRunning = 0;
  /** How many queued slots there are per tree ID, so that a request for a tree not queued costs no scan. */
  private readonly queued = new Map<Id, number>();
  private closed = false;
  private readonly reader: TreeBatchReader;

  constructor(
    repo: Repository,
    private readonly index: MasterIndex,
    private readonly limits: ReadAheadLimits = DEFAULT_READ_AHEAD,
  ) {
    this.reader = new TreeBatchReader(repo, index);
  }

  /**
   * children returns a directory's nodes by name, or undefined when there is no such tree or it cannot be
   * read; it never rejects. Asking in pre-order makes the read-ahead pay; any other order is still correct.
   */
  async children(tree: Id | undefined | null): Promise<Map<string, TreeNode> | undefined> {
    if (tree == null) return undefined;
    const nodes = await this.take(tree);
    if (nodes === undefined) return undefined;
    const byName = new Map<string, TreeNode>();
    for (const node of nodes) byName.set(node.name, node);
    return byName;
  }

  /** close stops reading ahead and forgets the queue; reads under way finish unobserved. */
  close(): void {
    this.closed = true;
    for (let s = this.head.next; s !== undefined; s = s.next) s.place = 'dropped';
    this.head.next = undefined;
    this.queued.clear();
  }

  private take(id: Id): LoadedTree {
    // Only a queued tree is looked for; the slots in front of it are then dropped, so scans add up to the queue's length.
    let found = this.queued.has(id) ? this.head.next : undefined;
    while (found !== undefined && found.id !== id) found = found.next;
    let slot: Slot;
    if (found !== undefined) {
      // Everything in front was not asked for: the walk went past those directories.
      for (let s = this.head.next; s !== found; s = s!.next) this.unqueue(s!, 'dropped');
      this.head.next = found.next;
      this.unqueue(found, 'taken');
      slot = found;
    } else {
      // Not read ahead (the first request, or the walk left pre-order): read it now; its subdirectories
      // are then queued at the front, where the walk goes next.
      slot = { id, next: undefined, nodes: undefined, weight: 0, place: 'taken' };
    }
    if (slot.nodes === undefined) this.startBatch([slot, ...this.waitingSlots(this.limits.batch - 1)]);
    this.pump();
    return slot.nodes!;
  }

  private unqueue(slot: Slot, place: 'taken' | 'dropped'): void {
    slot.place = place;
    const left = this.queued.get(slot.id)! - 1;
    if (left === 0) this.queued.delete(slot.id);
    else this.queued.set(slot.id, left);
    if (slot.nodes === undefined) this.waiting--;
    else {
      this.aheadTrees--;
      this.aheadBytes -= slot.weight;
    }
  }

  /** pump starts batches while the window has room for a worthwhile one. */
  private pump(): void {
    while (!this.closed && this.waiting > 0 && this.batchesRunning < this.limits.batches) {
      const room = Math.min(this.limits.batch, this.limits.trees - this.aheadTrees);
      // With a batch under way, wait for room for a full-ish batch rather than reading a few trees at a time.
      if (room <= 0 || this.aheadBytes >= this.limits.bytes || (this.batchesRunning > 0 && room < this.limits.batch / 2)) return;
      const batch = this.waitingSlots(room);
      if (batch.length === 0) return;
      this.startBatch(batch);
    }
  }

  /** The first `max` queued slots not yet being read, in queue order, within the byte budget. */
  private waitingSlots(max: number): Slot[] {
    const found: Slot[] = [];
    let bytes = this.aheadBytes;
    for (let s = this.head.next; s !== undefined && found.length < max && bytes < this.limits.bytes && this.waiting > found.length; s = s.next) {
      if (s.nodes !== undefined) continue;
      s.weight = this.weightOf(s.id);
      bytes += s.weight;
      found.push(s);
    }
    return found;
  }

  private weightOf(id: Id): number {
    const location = this.index.lookup('tree', id);
    return location === undefined ? 0 : location.uncompressedLength || location.length;
  }

  private startBatch(slots: readonly Slot[]): void {
    const loaded = this.reader.load(slots.map((s) => s.id));
    const settled: Promise<unknown>[] = [];
    for (const slot of slots) {
      if (slot.place === 'queued') {
        this.waiting--;
        this.aheadTrees++;
        this.aheadBytes += slot.weight;
      }
      slot.nodes = loaded.get(slot.id)!.then(
        (nodes) => {
          this.queueSubtrees(slot, nodes);
          return nodes;
        },
        () => undefined,
      );
      settled.push(slot.nodes);
    }
    this.batchesRunning++;
    void Promise.all(settled).then(() => {
      this.batchesRunning--;
      this.pump();
    });
  }

  /**
   * queueSubtrees puts a tree's subdirectories behind it: right after it while it waits in the queue, at
   * the front once the walk has taken it (the walk is then inside that directory, waiting for it).
   */
  private queueSubtrees(slot: Slot, nodes: readonly TreeNode[]): void {
    if (this.closed || slot.place === 'dropped') return;
    const after = slot.place === 'queued' ? slot : this.head;
    let last = after;
    const rest = after.next;
    for (const node of nodes) {
      if (node.type !== 'dir' || !node.subtree) continue;
      const child: Slot = { id: node.subtree, next: undefined, nodes: undefined, weight: 0, place: 'queued' };
      last.next = child;
      last = child;
      this.waiting++;
      this.queued.set(child.id, (this.queued.get(child.id) ?? 0) + 1);
    }
    last.next = rest;
  }
}
