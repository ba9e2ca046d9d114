// `cairn restore` beyond the whole-snapshot case: --include/--exclude must pick exactly the files restic
// 0.14 picks (restic's restore of the same snapshot is the oracle), --verify reads everything back,
// restoring over an earlier restore replaces what is there, and owners come back when run as root.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chownSync, lchownSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createResticRepo, RESTIC_PASSWORD, type ResticRepo } from '../../support/restic.js';
import { runCairn } from '../../support/cli.js';
import { compareTrees } from '../../support/tree-compare.js';
import { makeSourceTree } from '../../interop/repository/source-tree.js';

const asRoot = process.getuid?.() === 0;

describe('cairn restore', () => {
  let restic: ResticRepo;
  let source: string;
  let n = 0;
  const fresh = (): string => join(restic.dir, `out-${n++}`);

  before(() => {
    restic = createResticRepo();
    source = join(restic.dir, 'src');
    makeSourceTree(source);
    if (asRoot) {
      // Owners other than root, so restoring them is visible.
      chownSync(join(source, 'secret.txt'), 1234, 5678);
      lchownSync(join(source, 'link to deep'), 4321, 8765);
    }
    restic.run(['backup', '-q', source]);
  });
  after(() => restic.cleanup());

  const restore = async (args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> =>
    runCairn(['-r', restic.repo, 'restore', 'latest', ...args], { env: { CAIRN_PASSWORD: RESTIC_PASSWORD } });

  test('--include and --exclude restore the same files as restic', async () => {
    const cases = [
      ['--exclude', '*.txt'],
      ['--exclude', 'a'],
      ['--include', '*.txt'],
      ['--include', `${source}/a/b`],
      ['--include', 'deep.txt', '--include', 'big.bin'],
      ['--iexclude', 'BIG.BIN'],
    ];
    for (const flags of cases) {
      const mine = fresh();
      const r = await restore([...flags, '--target', mine]);
      assert.equal(r.code, 0, `${flags.join(' ')}: ${r.stderr}`);
      const theirs = fresh();
      restic.run(['restore', 'latest', ...flags, '--target', theirs]);
      assert.deepEqual(compareTrees(theirs, mine), [], `restore ${flags.join(' ')}`);
    }
  });

  test('--verify reads the restored files back; restoring again over them replaces what is there', async () => {
    const target = fresh();
    const first = await restore(['--target', target, '--verify']);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /verified \(0 errors\)/);

    // Spoil the first restore: changed content, a symlink where a file was, a file where a directory was.
    const root = join(target, source);
    writeFileSync(join(root, 'big.bin'), 'short');
    rmSync(join(root, 'secret.txt'));
    symlinkSync('/etc/passwd', join(root, 'secret.txt'));
    rmSync(join(root, 'private'), { recursive: true });
    writeFileSync(join(root, 'private'), 'not a directory');
    const second = await restore(['--target', target, '--verify']);
    assert.equal(second.code, 0, second.stderr);
    assert.deepEqual(compareTrees(source, root, { owners: asRoot }), []);
    assert.ok(readdirSync(join(root, 'private')).includes('notes.md'));
  });

  test('owners, modes and times come back exactly (owners when run as root)', async (t) => {
    if (!asRoot) t.skip('restoring owners needs root');
    const target = fresh();
    const r = await restore(['--target', target]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(compareTrees(source, join(target, source), { owners: true }), []);
  });
});
