// The archiver turns backup targets into a snapshot's root tree, as restic 0.14's archiver does. The target
// tree (targets.ts) says which names the snapshot has; each directory is walked in restic's order (names
// sorted as bytes), every entry becomes a node, file content goes through the chunker and the blob writer
// (several files at once, to overlap reading with hashing and uploading), and each directory is stored as a
// tree blob once its entries are done. Files unchanged since the parent snapshot are not read again.
//
// Limitation: an entry whose name is not valid UTF-8 is reported as an error and left out. Node's file
// system API decodes names as UTF-8 and cannot round-trip them (restic 0.14 stores such files under a name
// with U+FFFD in place of the bad bytes, so neither tool can restore the original name).
import { lstatSync, readlinkSync, statSync, type BigIntStats } from 'node:fs';
import { resolve } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { CairnError, UsageError, hashId, type Id } from '../../shared/core/index.js';
import { Chunker } from '../../shared/chunker/index.js';
import { encodeTree, type TreeNode } from '../../shared/format/index.js';
import type { BlobWriter } from '../../shared/repository/index.js';
import { nodeFromStat, fileChanged } from './node-from-stat.js';
import { OwnerNames } from './owner-names.js';
import { saveFileContent } from './file-content.js';
import { Limiter } from './limiter.js';
import type { ParentTrees } from './parent.js';
import { BackupCounters } from './counters.js';
import { buildTargetTree, type TargetNode } from './targets.js';
import { readDirNames } from './dir-names.js';

/** What the archiver asks before it records a path; see client/filter. Paths are absolute. */
export interface PathFilter {
  excludeByPath(path: string): boolean;
  excludeByStat(path: string, st: { isDirectory: boolean; size: number; dev: number }, parentDev?: number): boolean;
  excludeDirByContents(path: string): Promise<boolean>;
}

export interface ArchiverOptions {
  readonly filter?: PathFilter;
  readonly parent?: { trees: ParentTrees; tree: Id };
  /** A path that could not be read or recorded; the backup goes on without it. */
  readonly onError: (path: string, err: unknown) => void;
  /** A file that changed while it was read: its content may mix old and new bytes. */
  readonly onChanged: (path: string) => void;
  /** How many files are read at once. */
  readonly fileConcurrency?: number;
  /** Stops the walk: pending work rejects with the signal's reason (which is never reported per path). */
  readonly signal?: AbortSignal;
}

/** Thrown when every target was excluded or unreadable; restic refuses such a snapshot too. */
export class EmptySnapshotError extends CairnError {
  constructor() {
    super('EMPTY_SNAPSHOT', 'snapshot is empty: every target was excluded or could not be read; nothing was saved');
  }
}

/**
 * A started entry; boxed so that awaiting the start does not also wait for the entry to finish. `done` is
 * the node itself when it was known at once, undefined when the entry is left out.
 */
interface Started {
  readonly done: TreeNode | undefined | Promise<TreeNode | undefined>;
}

const SKIPPED: Started = { done: undefined };

/** How many entries the walk starts between looks at the clock (see maybeYield). */
const YIELD_CHECK_EVERY = 64;

export class Archiver {
  readonly counters = new BackupCounters();
  private readonly owners = new OwnerNames();
  private readonly files: Limiter;
  private lastYield = Date.now();
  private sinceYield = 0;

  constructor(
    private readonly writer: BlobWriter,
    private readonly polynomial: bigint,
    private readonly opts: ArchiverOptions,
  ) {
    this.files = new Limiter(opts.fileConcurrency ?? 4);
  }

  /** archive backs up the targets (as given: relative ones are stored relative) and returns the root tree's ID. */
  async archive(targets: readonly string[]): Promise<Id> {
    const top = buildTargetTree(targets);
    this.registerListedTargets(top);
    try {
      const parentRoot = await this.opts.parent?.trees.children(this.opts.parent.tree);
      const nodes = await this.saveTargetTree(top, parentRoot);
      if (nodes.length === 0) throw new EmptySnapshotError();
      return await this.saveTree(nodes);
    } finally {
      this.opts.parent?.trees.close();
    }
  }

  /**
   * Targets such as `/` are replaced by their entries; tell the filter about the listed directory first so
   * that --one-file-system measures those entries against its device, not each entry's own.
   */
  private registerListedTargets(top: TargetNode): void {
    const listed = new Set<string>();
    for (const child of top.children.values()) if (child.listedIn !== undefined) listed.add(child.listedIn);
    for (const dir of listed) {
      const abs = resolve(dir);
      const st = statSync(abs);
      this.opts.filter?.excludeByStat(abs, { isDirectory: true, size: 0, dev: st.dev });
    }
  }

  /** The entries of one level of the target tree, in name order. */
  private async saveTargetTree(dir: TargetNode, parent: Map<string, TreeNode> | undefined): Promise<TreeNode[]> {
    const pending: (TreeNode | undefined | Promise<TreeNode | undefined>)[] = [];
    for (const name of [...dir.children.keys()].sort(byBytes)) {
      const child = dir.children.get(name)!;
      this.throwIfAborted();
      const previous = parent?.get(name);
      if (child.path !== undefined) {
        const listedDev = child.listedIn === undefined ? undefined : Number(statSync(resolve(child.listedIn)).dev);
        pending.push((await this.startEntry(resolve(child.path), name, previous, listedDev)).done);
        continue;
      }
      // An intermediate directory: restic follows symlinks here (stat, not lstat) and insists on a directory.
      const infoPath = resolve(child.fileInfoPath!);
      const st = statSync(infoPath, { bigint: true, throwIfNoEntry: false });
      if (!st?.isDirectory()) throw new UsageError(`${infoPath} is on the way to a backup target but is not a directory`);
      const node = nodeFromStat(name, st, this.owners);
      const previousChildren = previous?.type === 'dir' ? await this.opts.parent?.trees.children(previous.subtree) : undefined;
      node.subtree = await this.saveTree(await this.saveTargetTree(child, previousChildren));
      this.countDir(node, previous);
      pending.push(node);
    }
    return (await Promise.all(pending)).filter((n): n is TreeNode => n !== undefined);
  }

  /**
   * startEntry records one path of any type. It returns once the entry's work has started (for a
   * directory: once every entry below it has started), so the walk advances only as fast as files get a
   * reading slot and the tree is never expanded all at once (that cost ~250 MB of heap for 54k files).
   * `done` settles with the node, or undefined when the path is excluded or unreadable. Entries that need
   * no waiting (unchanged files, links, devices) are answered synchronously: on an unchanged re-run that is
   * nearly every entry, and a promise or two per entry was a measurable share of the walk.
   */
  private startEntry(path: string, name: string, previous: TreeNode | undefined, parentDev: number | undefined): Started | Promise<Started> {
    this.throwIfAborted();
    const filter = this.opts.filter;
    if (filter?.excludeByPath(path)) return SKIPPED;
    let st: BigIntStats;
    try {
      st = lstatSync(path, { bigint: true });
    } catch (err) {
      this.opts.onError(path, err);
      return SKIPPED;
    }
    if (filter?.excludeByStat(path, { isDirectory: st.isDirectory(), size: Number(st.size), dev: Number(st.dev) }, parentDev)) return SKIPPED;
    // restic 0.14 leaves sockets out of snapshots; doing the same keeps trees identical to restic's.
    if (st.isSocket()) return SKIPPED;
    let node: TreeNode;
    try {
      node = nodeFromStat(name, st, this.owners, st.isSymbolicLink() ? readlinkSync(path) : undefined);
      if (node.type === 'file' && this.reuseContent(node, previous)) return { done: node };
    } catch (err) {
      if (this.opts.signal?.aborted) throw err;
      this.opts.onError(path, err);
      return SKIPPED;
    }
    if (node.type === 'dir') return this.startDirEntry(path, node, previous, Number(st.dev));
    if (node.type === 'file') return this.startFileEntry(path, node, previous, st);
    this.counters.otherItem();
    return { done: node };
  }

  private async startDirEntry(path: string, node: TreeNode, previous: TreeNode | undefined, dev: number): Promise<Started> {
    try {
      if (this.opts.filter && (await this.opts.filter.excludeDirByContents(path))) return SKIPPED;
      return this.settled(path, await this.startDir(path, node, previous, dev));
    } catch (err) {
      if (this.opts.signal?.aborted) throw err;
      this.opts.onError(path, err);
      return SKIPPED;
    }
  }

  private async startFileEntry(path: string, node: TreeNode, previous: TreeNode | undefined, before: BigIntStats): Promise<Started> {
    try {
      return this.settled(path, await this.startFile(path, node, previous, before));
    } catch (err) {
      if (this.opts.signal?.aborted) throw err;
      this.opts.onError(path, err);
      return SKIPPED;
    }
  }

  /**
   * settled reports a failure of a started entry and drops the entry; an abort passes through. The result
   * is marked handled at once: it is awaited only after the siblings have started, and an abort rejecting
   * it earlier must not count as an unhandled rejection.
   */
  private settled(path: string, started: { done: Promise<TreeNode> }): Started {
    const done = started.done.catch((err: unknown) => {
      if (this.opts.signal?.aborted) throw err;
      this.opts.onError(path, err);
      return undefined;
    });
    done.catch(() => undefined);
    return { done };
  }

  /** The parent snapshot's trees are asked for in pre-order, which ParentTrees reads ahead of the walk. */
  private async startDir(path: string, node: TreeNode, previous: TreeNode | undefined, dev: number): Promise<{ done: Promise<TreeNode> }> {
    const prefix = path === '/' ? '' : path;
    const names = readDirNames(path, (name) =>
      this.opts.onError(`${prefix}/${name}`, new Error('the name is not valid UTF-8, which cairn cannot back up; rename the file')),
    );
    const parentChildren = previous?.type === 'dir' ? await this.opts.parent?.trees.children(previous.subtree) : undefined;
    const pending: (TreeNode | undefined | Promise<TreeNode | undefined>)[] = [];
    for (const name of names) {
      const started = this.startEntry(`${prefix}/${name}`, name, parentChildren?.get(name), dev);
      pending.push(started instanceof Promise ? (await started).done : started.done);
      // Synchronous entries never return to the event loop by themselves; progress and signals need a turn.
      if (++this.sinceYield >= YIELD_CHECK_EVERY) await this.maybeYield();
    }
    const done = Promise.all(pending).then(async (children) => {
      node.subtree = await this.saveTree(children.filter((n): n is TreeNode => n !== undefined));
      this.countDir(node, previous);
      return node;
    });
    return { done };
  }

  /**
   * reuseContent records a file unchanged since the parent snapshot with the parent's content. restic
   * reuses the parent's content list only when every blob of it is still in the index.
   */
  private reuseContent(node: TreeNode, previous: TreeNode | undefined): boolean {
    if (fileChanged(node, previous)) return false;
    const reusable = previous!.content ?? [];
    for (const id of reusable) if (!this.writer.has('data', id)) return false;
    node.content = reusable;
    this.counters.file('unmodified', node.size ?? 0);
    return true;
  }

  /** startFile returns once the file holds a reading slot. */
  private async startFile(path: string, node: TreeNode, previous: TreeNode | undefined, before: BigIntStats): Promise<{ done: Promise<TreeNode> }> {
    await this.files.acquire();
    const done = (async (): Promise<TreeNode> => {
      try {
        this.throwIfAborted();
        const saved = await saveFileContent(path, Number(before.size), new Chunker(this.polynomial), this.writer);
        node.content = saved.content;
        if (saved.size !== node.size) node.size = saved.size;
        const after = lstatSync(path, { bigint: true, throwIfNoEntry: false });
        if (after === undefined || after.mtimeNs !== before.mtimeNs || after.size !== before.size) this.opts.onChanged(path);
        this.counters.file(previous === undefined ? 'new' : 'changed', saved.size);
        await this.maybeYield();
        return node;
      } finally {
        this.files.release();
      }
    })();
    return { done };
  }

  private countDir(node: TreeNode, previous: TreeNode | undefined): void {
    this.counters.dir(previous?.type !== 'dir' ? 'new' : previous.subtree === node.subtree ? 'unmodified' : 'changed');
  }

  private async saveTree(nodes: TreeNode[]): Promise<Id> {
    const bytes = encodeTree(nodes);
    const id = hashId(bytes);
    await this.writer.save('tree', id, bytes);
    return id;
  }

  private throwIfAborted(): void {
    this.opts.signal?.throwIfAborted();
  }

  /** Synchronous reads starve the event loop; give uploads, timers and signals a turn now and then. */
  private async maybeYield(): Promise<void> {
    this.sinceYield = 0;
    const now = Date.now();
    if (now - this.lastYield > 20) {
      this.lastYield = now;
      await yieldToLoop();
    }
  }
}

const byBytes = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));
