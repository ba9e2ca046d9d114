// Interop: cairn's backups as restic 0.14 sees them. restic checks and restores what cairn wrote; the trees
// cairn writes for a directory are byte-for-byte restic's (same tree IDs), so restic takes a cairn snapshot
// as its parent and finds nothing to read, and cairn finds almost nothing to upload in data restic stored.
// Atimes cannot make trees differ (both record the mtime as atime), but an absolute target's snapshot also
// records /tmp on the way, whose mtime other processes change at any moment: the tests compare the
// target's own subtree for absolute targets, and use relative targets where a whole snapshot must repeat.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { cairnOk } from '../../support/cli.js';
import { RESTIC_PASSWORD, cheapenKeys, createResticRepo, runRestic } from '../../support/restic.js';
import { compareTrees } from '../../support/tree-compare.js';
import { tempDir } from '../../support/tmp.js';
import { cairnEnv, files, makeCorpus, snapshots, summary } from '../../client/backup/helpers.js';

const FILES = 8; // regular files in makeCorpus (a hard link counts as a file, as in restic's summary)
const work = tempDir('cairn-backup-interop-');
const src = join(work, 'src');
let corpusBytes = 0;

before(() => {
  mkdirSync(src);
  corpusBytes = makeCorpus(src);
});

/** subtree follows names from a tree through `restic cat blob` and returns the tree ID at the end. */
function subtree(repo: string, tree: string, names: string[]): string {
  let id = tree;
  for (const name of names) {
    const { nodes } = JSON.parse(runRestic(repo, ['cat', 'blob', id])) as { nodes: { name: string; subtree?: string }[] };
    const next = nodes.find((n) => n.name === name)?.subtree;
    assert.ok(next, `no directory ${name} in tree ${id}`);
    id = next;
  }
  return id;
}

/** restic run in a working directory (for relative targets). */
function resticIn(cwd: string, repo: string, args: string[]): string {
  return execFileSync('restic', ['-r', repo, '--no-cache', ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: work, RESTIC_PASSWORD, TZ: 'UTC' },
    encoding: 'utf8',
  });
}

test('restic checks (--read-data) and restores a cairn-initialized, cairn-written repository exactly', async () => {
  const repo = join(work, 'cairn-repo');
  await cairnOk(['init'], { env: cairnEnv(repo) });
  cheapenKeys(repo);
  const out = summary(await cairnOk(['backup', '--json', src], { env: cairnEnv(repo) }));
  assert.equal(out.files_new, FILES);
  assert.equal(out.total_files_processed, FILES);

  runRestic(repo, ['check', '--read-data']);
  const target = join(work, 'restored');
  runRestic(repo, ['restore', 'latest', '--target', target]);
  assert.deepEqual(compareTrees(src, join(target, src)), []);
});

test('cairn writes the same tree IDs as restic for the same targets (absolute, relative, nested)', async () => {
  const r = createResticRepo();
  try {
    const cases: { args: string[]; cwd: string }[] = [
      { args: [src], cwd: work },
      { args: ['src/docs', 'src/bin/tool', 'src/docs/link-relative/'], cwd: work }, // a symlink target stays a symlink
      { args: ['.'], cwd: src },
      { args: [join(src, 'docs'), join(src, 'docs/deep')], cwd: work },
      { args: ['../docs', 'tool', '../big.bin', '../../src/docs/deep'], cwd: join(src, 'bin') },
    ];
    for (const { args, cwd } of cases) {
      resticIn(cwd, r.repo, ['backup', '-q', ...args]);
      await cairnOk(['backup', '-q', '--force', ...args], { env: cairnEnv(r.repo), cwd });
      const [ours, theirs] = snapshots(r.repo).slice(-2).reverse();
      const way = args[0]!.startsWith('/') ? args[0]!.split('/').filter((c) => c !== '').slice(0, -1) : [];
      assert.equal(subtree(r.repo, ours!.tree, way), subtree(r.repo, theirs!.tree, way), `tree for backup ${args.join(' ')} in ${cwd}`);
      assert.deepEqual(ours!.paths, theirs!.paths);
    }
    r.run(['check']);
  } finally {
    r.cleanup();
  }
});

test('data restic stored costs cairn < 2 % new data; an unchanged cairn re-run adds only a snapshot', async () => {
  const r = createResticRepo();
  try {
    resticIn(work, r.repo, ['backup', '-q', 'src']);
    const dataBefore = files(r.repo, 'data');
    const first = summary(await cairnOk(['backup', '--json', '--force', 'src'], { env: cairnEnv(r.repo), cwd: work }));
    assert.equal(first.files_new, FILES);
    assert.ok(Number(first.data_added) < 0.02 * corpusBytes, `data_added ${first.data_added} of ${corpusBytes}`);
    assert.equal(first.data_blobs, 0);
    assert.deepEqual(files(r.repo, 'data'), dataBefore);

    const indexBefore = files(r.repo, 'index');
    const snapsBefore = files(r.repo, 'snapshots');
    const again = summary(await cairnOk(['backup', '--json', 'src'], { env: cairnEnv(r.repo), cwd: work }));
    assert.equal(again.files_unmodified, FILES);
    assert.equal(Number(again.files_new) + Number(again.files_changed), 0);
    assert.equal(again.data_added, 0);
    assert.deepEqual(files(r.repo, 'data'), dataBefore);
    assert.ok(files(r.repo, 'index').length <= indexBefore.length + 1);
    assert.equal(files(r.repo, 'snapshots').length, snapsBefore.length + 1);
    r.run(['check', '--read-data']);
  } finally {
    r.cleanup();
  }
});

test("restic's next backup takes cairn's snapshot as parent and finds every file unmodified", async () => {
  const r = createResticRepo();
  try {
    await cairnOk(['backup', '-q', 'src'], { env: cairnEnv(r.repo), cwd: work });
    const cairnSnap = snapshots(r.repo)[0]!;
    const out = summary(resticIn(work, r.repo, ['backup', '--json', 'src']));
    assert.equal(out.files_unmodified, FILES);
    assert.equal(out.files_new, 0);
    assert.equal(out.files_changed, 0);
    assert.equal(out.dirs_changed, 0);
    assert.equal(out.data_added, 0);
    const resticSnap = snapshots(r.repo)[1]!;
    assert.equal(resticSnap.parent, cairnSnap.id);
    assert.equal(resticSnap.tree, cairnSnap.tree);
  } finally {
    r.cleanup();
  }
});
