// ParentTrees reads the parent snapshot's trees ahead of the walk. Whatever order the walk asks in, each
// answer must be exactly the tree a single read gives; asked in pre-order, the trees arrive in a few reads.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Id } from '../../../shared/core/index.js';
import type { TreeNode } from '../../../shared/format/index.js';
import { loadIndex, loadTree, Repository, type MasterIndex } from '../../../shared/repository/index.js';
import { LocalBackend, type Backend, type ByteRange, type FileType } from '../../../shared/storage/index.js';
import { ParentTrees, type ReadAheadLimits } from '../../../client/backup/parent.js';
import { TreeBatchReader } from '../../../shared/repository/index.js';
import { runBackup } from '../../../client/backup/run-backup.js';
import { initRepo, options } from '../../support/backup-engine.js';
import { RESTIC_PASSWORD } from '../../support/restic.js';
import { tempDir } from '../../support/tmp.js';

const SMALL: ReadAheadLimits = { trees: 6, bytes: 1 << 20, batch: 4, batches: 2 };

const work = tempDir('cairn-parent-trees-');
const repoDir = join(work, 'repo');
let root: Id;
/** The tree of the backed-up directory (root holds the path leading to it). */
let srcTree: Id;
let index: MasterIndex;
let plain: Repository;

/** Three levels of three directories, a file in each, and two empty directories (the same tree twice). */
function makeTree(dir: string, depth: number): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'file.txt'), `${dir}\n`);
  if (depth === 0) return;
  for (const name of ['a', 'b', 'c']) makeTree(join(dir, name), depth - 1);
  mkdirSync(join(dir, 'empty-1'));
  mkdirSync(join(dir, 'empty-2'));
}

before(async () => {
  const src = join(work, 'src');
  makeTree(src, 3);
  plain = await initRepo(repoDir);
  const result = await runBackup(plain, options([src]));
  root = result.snapshot.tree;
  index = (await loadIndex(plain)).index;
  srcTree = root;
  for (const name of src.split('/').filter((c) => c !== '')) srcTree = (await loadTree(plain, index, srcTree)).find((n) => n.name === name)!.subtree!;
});

/** A repository whose backend counts pack reads and can refuse reads longer than `maxRead`. */
async function countingRepo(maxRead = Infinity): Promise<{ repo: Repository; reads: ByteRange[] }> {
  const inner = new LocalBackend(repoDir);
  const reads: ByteRange[] = [];
  const backend: Backend = {
    location: inner.location,
    list: (type) => inner.list(type),
    stat: (type, name) => inner.stat(type, name),
    read: async (type: FileType, name: string, range?: ByteRange) => {
      if (type === 'data' && range) {
        reads.push(range);
        if (range.length > maxRead) throw new Error('read refused');
      }
      return inner.read(type, name, range);
    },
    write: (...args: Parameters<Backend['write']>) => inner.write(...args),
    remove: (type, name) => inner.remove(type, name),
    create: () => inner.create(),
    close: () => inner.close(),
  };
  return { repo: await Repository.open(backend, RESTIC_PASSWORD), reads };
}

const byName = (nodes: TreeNode[]): Map<string, TreeNode> => new Map(nodes.map((n) => [n.name, n]));

/** walk asks for every tree below `id` in pre-order, checking each answer against a single read. */
async function walk(trees: ParentTrees, id: Id, skip = new Set<string>()): Promise<number> {
  const got = await trees.children(id);
  assert.deepEqual(got, byName(await loadTree(plain, index, id)));
  let count = 1;
  for (const node of got!.values()) if (node.type === 'dir' && !skip.has(node.name)) count += await walk(trees, node.subtree!, skip);
  return count;
}

test('a pre-order walk gets exactly the trees single reads give, in far fewer reads than trees', async () => {
  const { repo, reads } = await countingRepo();
  const trees = new ParentTrees(repo, index);
  const count = await walk(trees, root);
  trees.close();
  // Above the source, one tree per path component; in it, a tree per directory (66: see makeTree).
  assert.equal(count, work.split('/').filter((c) => c !== '').length + 1 + 66);
  assert.ok(reads.length * 4 <= count, `${reads.length} reads for ${count} trees`);
});

test('with a small window, skipped directories, repeats and requests out of order still get the right trees', async () => {
  const { repo } = await countingRepo();
  const trees = new ParentTrees(repo, index, SMALL);
  await walk(trees, root, new Set(['a']));
  const top = await trees.children(srcTree);
  await walk(trees, top!.get('a')!.subtree!);
  await walk(trees, top!.get('c')!.subtree!);
  await walk(trees, top!.get('b')!.subtree!);
  trees.close();
});

test('a tree whose shared read fails is read again on its own; an unknown tree is undefined', async () => {
  const largest = Math.max(...[...index.packBlobs(index.lookup('tree', root)!.packId)].map((b) => b.length));
  const { repo, reads } = await countingRepo(largest);
  const trees = new ParentTrees(repo, index);
  await walk(trees, root);
  assert.ok(reads.some((r) => r.length > largest), 'no shared read was tried');
  assert.equal(await trees.children('0'.repeat(64) as Id), undefined);
  assert.equal(await trees.children(undefined), undefined);
  trees.close();
});

test('trees inside a span read for an earlier batch are not read again', async () => {
  const { repo, reads } = await countingRepo();
  const reader = new TreeBatchReader(repo, index);
  const trees = index.packBlobs(index.lookup('tree', srcTree)!.packId).filter((b) => b.type === 'tree').map((b) => b.id);
  // The first and the last tree of the pack: one read spans everything between them.
  const ends = [trees[0]!, trees[trees.length - 1]!];
  await Promise.all(reader.load(ends).values());
  assert.equal(reads.length, 1);
  const loaded = reader.load(trees);
  for (const id of trees) assert.deepEqual(await loaded.get(id), await loadTree(plain, index, id));
  assert.equal(reads.length, 1);
});
