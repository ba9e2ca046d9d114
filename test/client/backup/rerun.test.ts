// A re-run against a parent snapshot must store exactly what a run without one stores: the parent only
// spares reading unchanged files. Pinned on a tree where directories went away, appeared, and changed type,
// so the parent's trees are asked for out of step with how they were read ahead.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Id } from '../../../shared/core/index.js';
import { loadIndex, loadTree, type Repository } from '../../../shared/repository/index.js';
import { runBackup } from '../../../client/backup/run-backup.js';
import { initRepo, options } from '../../support/backup-engine.js';
import { tempDir } from '../../support/tmp.js';

/** Directories `name/{a,b,c}` `depth` levels deep, two files in each. */
function makeTree(dir: string, depth: number): number {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'one.txt'), `${dir}\n`);
  writeFileSync(join(dir, 'two.bin'), Buffer.alloc(3000, dir));
  let files = 2;
  if (depth > 0) for (const name of ['a', 'b', 'c']) files += makeTree(join(dir, name), depth - 1);
  return files;
}

/** sourceTree follows the absolute path `dir` down from a snapshot's root tree. */
async function sourceTree(repo: Repository, root: Id, dir: string): Promise<Id> {
  const { index } = await loadIndex(repo);
  let id = root;
  for (const name of dir.split('/').filter((c) => c !== '')) id = (await loadTree(repo, index, id)).find((n) => n.name === name)!.subtree!;
  return id;
}

test('a re-run with a parent stores the same tree as a run without one, reading only what changed', async () => {
  const work = tempDir('cairn-rerun-');
  const src = join(work, 'src');
  const total = makeTree(src, 3);
  const repo = await initRepo(join(work, 'repo'));
  await runBackup(repo, options([src]));

  rmSync(join(src, 'a', 'b'), { recursive: true }); // a directory gone (8 files)
  makeTree(join(src, 'b', 'new'), 1); // a new one (8 files)
  appendFileSync(join(src, 'c', 'c', 'c', 'one.txt'), 'more\n'); // a changed file, deep down
  rmSync(join(src, 'c', 'a'), { recursive: true }); // a directory (8 files) replaced by a file
  writeFileSync(join(src, 'c', 'a'), 'now a file\n');
  renameSync(join(src, 'a', 'c'), join(src, 'a', 'd')); // moved: the same 8 files under a new path

  const withParent = await runBackup(repo, { ...options([src]), parent: undefined });
  const without = await runBackup(repo, options([src]));
  assert.ok(withParent.parent !== undefined, 'the first snapshot was not taken as parent');
  // Compared below the path to the source: /tmp on the way changes whenever another process writes there.
  assert.equal(await sourceTree(repo, withParent.snapshot.tree, src), await sourceTree(repo, without.snapshot.tree, src));
  assert.equal(without.writer.stats.dataBlobs, 0);

  const c = withParent.counters;
  assert.equal(c.filesNew + c.filesChanged + c.filesUnmodified, total - 8 + 8 - 8 + 1);
  // New: b/new's 8 and a/d's 8 (new paths, though their content is stored). Changed: c/c/c/one.txt, and
  // c/a (the parent had a directory of that name).
  assert.deepEqual([c.filesNew, c.filesChanged], [8 + 8, 2]);
});

test('with several targets (directories on the way to them recorded too), a re-run also stores what a run without a parent stores', async () => {
  const work = tempDir('cairn-rerun-');
  const src = join(work, 'src');
  makeTree(src, 3);
  const targets = [join(src, 'c', 'b'), join(src, 'a'), join(src, 'c', 'a', 'two.bin')];
  const repo = await initRepo(join(work, 'repo'));
  await runBackup(repo, options(targets));
  appendFileSync(join(src, 'a', 'b', 'one.txt'), 'more\n');
  rmSync(join(src, 'c', 'b', 'a'), { recursive: true });

  const withParent = await runBackup(repo, { ...options(targets), parent: undefined });
  const without = await runBackup(repo, options(targets));
  assert.ok(withParent.parent !== undefined, 'the first snapshot was not taken as parent');
  assert.equal(await sourceTree(repo, withParent.snapshot.tree, src), await sourceTree(repo, without.snapshot.tree, src));
  const c = withParent.counters;
  // c/b: 8 files less c/b/a's 2; a: 26; c/a/two.bin: 1. One of them changed.
  assert.deepEqual([c.filesNew, c.filesChanged, c.filesUnmodified], [0, 1, 8 - 2 + 26 + 1 - 1]);
});
