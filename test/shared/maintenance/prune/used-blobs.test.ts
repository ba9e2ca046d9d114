// findUsedBlobs on trees written by restic 0.14: the level-by-level walk with coalesced reads finds exactly
// what a plain per-tree walk finds, with far fewer storage requests than trees, and still reads every tree
// (one request each, from every copy) when a coalesced read fails.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { CorruptDataError } from '../../../../shared/core/index.js';
import { blobKey, findUsedBlobs } from '../../../../shared/maintenance/prune/index.js';
import { loadIndex, loadSnapshots, Repository, walkTree, type MasterIndex } from '../../../../shared/repository/index.js';
import { LocalBackend, type ByteRange, type FileType } from '../../../../shared/storage/index.js';
import { createResticRepo, RESTIC_PASSWORD, type ResticRepo } from '../../../support/restic.js';

let restic: ResticRepo;
let repo: Repository;
let index: MasterIndex;
let roots: string[];

/** A backend that counts data reads and fails the ones `fail` picks. */
class CountingBackend extends LocalBackend {
  reads = 0;
  fail: (range: ByteRange | undefined) => boolean = () => false;
  override async read(type: FileType, name: string, range?: ByteRange): Promise<Buffer> {
    if (type === 'data') {
      this.reads++;
      if (this.fail(range)) throw new Error('injected read failure');
    }
    return super.read(type, name, range);
  }
}

before(async () => {
  restic = createResticRepo();
  const src = join(restic.dir, 'src');
  for (let d = 0; d < 12; d++) {
    for (let s = 0; s < 5; s++) {
      mkdirSync(join(src, `d${d}`, `s${s}`), { recursive: true });
      writeFileSync(join(src, `d${d}`, `s${s}`, 'f'), randomBytes(700));
    }
  }
  restic.run(['backup', '-q', src]);
  writeFileSync(join(src, 'd3', 's1', 'f'), randomBytes(700));
  restic.run(['backup', '-q', src]);
  repo = await Repository.open(new LocalBackend(restic.repo), RESTIC_PASSWORD);
  index = (await loadIndex(repo)).index;
  roots = (await loadSnapshots(repo)).map((s) => s.snapshot.tree);
});
after(() => restic.cleanup());

/** The oracle: every tree and data blob a plain recursive walk of each snapshot meets. */
async function walkedBlobs(): Promise<Set<string>> {
  const keys = new Set<string>(roots.map((r) => blobKey('tree', r)));
  for (const root of roots) {
    for await (const { node } of walkTree(repo, index, root)) {
      if (node.type === 'dir' && node.subtree) keys.add(blobKey('tree', node.subtree));
      for (const id of node.content ?? []) keys.add(blobKey('data', id));
    }
  }
  return keys;
}

async function walkWith(backend: CountingBackend, chunkTrees?: number): Promise<ReadonlySet<string>> {
  const counted = await Repository.open(backend, RESTIC_PASSWORD);
  return findUsedBlobs(counted, index, roots, undefined, undefined, chunkTrees);
}

test('finds exactly the blobs a per-tree walk finds, reading far fewer times than there are trees', async () => {
  const expected = await walkedBlobs();
  const backend = new CountingBackend(restic.repo);
  const used = await walkWith(backend);
  assert.deepEqual([...used].sort(), [...expected].sort());
  const trees = [...used].filter((k) => k.startsWith('t')).length;
  assert.ok(trees > 70, `${trees} trees`);
  // One read per tree pack per level of the hierarchy (restic stores the source's absolute path: ~7 levels).
  assert.ok(backend.reads * 4 < trees, `${backend.reads} reads for ${trees} trees`);
});

test('in rounds of a few trees (depth first) the walk finds the same blobs', async () => {
  const backend = new CountingBackend(restic.repo);
  const used = await walkWith(backend, 5);
  assert.deepEqual([...used].sort(), [...(await walkedBlobs())].sort());
  assert.ok(backend.reads >= 82 / 5, `${backend.reads} reads`);
});

test('when a coalesced read fails, each of its trees is read on its own', async () => {
  const backend = new CountingBackend(restic.repo);
  // Fail every read that spans more than one small tree; single-tree reads succeed.
  backend.fail = (range) => (range?.length ?? 0) > 4096;
  const used = await walkWith(backend);
  assert.deepEqual([...used].sort(), [...(await walkedBlobs())].sort());
});

test('a tree that no index lists stops the walk with CorruptDataError', async () => {
  const missing = 'ab'.repeat(32);
  await assert.rejects(findUsedBlobs(repo, index, [...roots, missing]), (e: unknown) => e instanceof CorruptDataError && /not in the index/.test(e.message));
});
