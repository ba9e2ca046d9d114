// The archiver turns paths into a snapshot's root tree. It walks each directory in restic's order (names
// sorted as bytes), records every entry as a node, stores file content through the chunker and the blob
// writer (several files at once, to overlap reading with hashing and uploading), and stores each directory
// as a tree blob once its entries are done. Files unchanged since the parent snapshot are not read again.
import { lstatSync, readdirSync, readlinkSync, type BigIntStats } from 'node:fs';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { hashId, type Id } from '../../shared/core/index.js';
import { Chunker } from '../../shared/chunker/index.js';
import { encodeTree, type TreeNode } from '../../shared/format/index.js';
import type { BlobWriter } from '../../shared/repository/index.js';
import { nodeFromStat, fileChanged } from './node-from-stat.js';
import { OwnerNames } from './owner-names.js';
import { saveFileContent } from './file-content.js';
import { Limiter } from './limiter.js';
import type { ParentTrees } from './parent.js';
import { BackupCounters } from './counters.js';
import { buildTargetTree, type TargetDir } from './targets.js';

/** What the archiver asks before it records a path; see client/filter. */
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
}

const byBytes = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

export class Archiver {
  readonly counters = new BackupCounters();
  private readonly owners = new OwnerNames();
  private readonly files: Limiter;
  private lastYield = Date.now();

  constructor(
    private readonly writer: BlobWriter,
    private readonly polynomial: bigint,
    private readonly opts: ArchiverOptions,
  ) {
    this.files = new Limiter(opts.fileConcurrency ?? 4);
  }

  /** archive backs up the given absolute paths and returns the root tree's ID. */
  async archive(paths: readonly string[]): Promise<Id> {
    const root = buildTargetTree(paths);
    if (root.target) {
      // Backing up `/`: the root tree is the file system's root directory itself.
      const node = nodeFromStat('/', lstatSync('/', { bigint: true }), this.owners);
      await this.saveDir('/', node, this.opts.parent ? { ...node, subtree: this.opts.parent.tree } : undefined, Number(lstatSync('/').dev));
      return node.subtree!;
    }
    const parentRoot = await this.opts.parent?.trees.children(this.opts.parent.tree);
    return this.saveTargetDir(root, '', parentRoot);
  }

  /** A directory on the way to a target: its real metadata, but only the targets below it as entries. */
  private async saveTargetDir(dir: TargetDir, path: string, parent: Map<string, TreeNode> | undefined): Promise<Id> {
    const nodes: TreeNode[] = [];
    for (const [name, child] of [...dir.children].sort(([a], [b]) => byBytes(a, b))) {
      const childPath = `${path}/${name}`;
      if (child.target) {
        const node = await this.saveEntry(childPath, name, parent?.get(name), undefined);
        if (node) nodes.push(node);
        continue;
      }
      let st: BigIntStats;
      try {
        st = lstatSync(childPath, { bigint: true });
      } catch (err) {
        this.opts.onError(childPath, err);
        continue;
      }
      const node = nodeFromStat(name, st, this.owners);
      const previous = parent?.get(name);
      node.subtree = await this.saveTargetDir(child, childPath, previous?.type === 'dir' ? await this.opts.parent?.trees.children(previous.subtree) : undefined);
      nodes.push(node);
    }
    return this.saveTree(nodes);
  }

  /** saveEntry records one path of any type; returns undefined when it is excluded or unreadable. */
  private async saveEntry(path: string, name: string, previous: TreeNode | undefined, parentDev: number | undefined): Promise<TreeNode | undefined> {
    const filter = this.opts.filter;
    if (filter?.excludeByPath(path)) return undefined;
    let st: BigIntStats;
    try {
      st = lstatSync(path, { bigint: true });
    } catch (err) {
      this.opts.onError(path, err);
      return undefined;
    }
    if (filter?.excludeByStat(path, { isDirectory: st.isDirectory(), size: Number(st.size), dev: Number(st.dev) }, parentDev)) return undefined;
    // restic 0.14 leaves sockets out of snapshots; doing the same keeps trees identical to restic's.
    if (st.isSocket()) return undefined;
    try {
      const node = nodeFromStat(name, st, this.owners, st.isSymbolicLink() ? readlinkSync(path) : undefined);
      if (node.type === 'dir') {
        if (filter && (await filter.excludeDirByContents(path))) return undefined;
        await this.saveDir(path, node, previous, Number(st.dev));
      } else if (node.type === 'file') {
        await this.saveFile(path, node, previous, st);
      } else {
        this.counters.otherItem();
      }
      return node;
    } catch (err) {
      this.opts.onError(path, err);
      return undefined;
    }
  }

  private async saveDir(path: string, node: TreeNode, previous: TreeNode | undefined, dev: number): Promise<void> {
    const names = readdirSync(path).sort(byBytes);
    const parentChildren = previous?.type === 'dir' ? await this.opts.parent?.trees.children(previous.subtree) : undefined;
    const pending: Promise<TreeNode | undefined>[] = [];
    for (const name of names) pending.push(this.saveEntry(`${path === '/' ? '' : path}/${name}`, name, parentChildren?.get(name), dev));
    const nodes = (await Promise.all(pending)).filter((n): n is TreeNode => n !== undefined);
    node.subtree = await this.saveTree(nodes);
    this.counters.dir(previous?.type !== 'dir' ? 'new' : previous.subtree === node.subtree ? 'unmodified' : 'changed');
  }

  private async saveFile(path: string, node: TreeNode, previous: TreeNode | undefined, before: BigIntStats): Promise<void> {
    if (!fileChanged(node, previous)) {
      node.content = previous!.content;
      this.counters.file('unmodified', node.size ?? 0);
      return;
    }
    await this.files.run(async () => {
      const saved = await saveFileContent(path, Number(before.size), new Chunker(this.polynomial), this.writer);
      node.content = saved.content;
      if (saved.size !== node.size) node.size = saved.size;
      const after = lstatSync(path, { bigint: true, throwIfNoEntry: false });
      if (after === undefined || after.mtimeNs !== before.mtimeNs || after.size !== before.size) this.opts.onChanged(path);
      this.counters.file(previous === undefined ? 'new' : 'changed', saved.size);
      await this.maybeYield();
    });
  }

  private async saveTree(nodes: TreeNode[]): Promise<Id> {
    const bytes = encodeTree(nodes);
    const id = hashId(bytes);
    await this.writer.save('tree', id, bytes);
    return id;
  }

  /** Synchronous reads starve the event loop; give uploads and timers a turn now and then. */
  private async maybeYield(): Promise<void> {
    const now = Date.now();
    if (now - this.lastYield > 20) {
      this.lastYield = now;
      await yieldToLoop();
    }
  }
}
