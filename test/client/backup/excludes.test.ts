// Exclusion flags end to end, with restic 0.14 as the oracle: both back up the same tree with the same flags
// (every exclusion flag at once, targets from --files-from, a tmpfs mounted inside for --one-file-system),
// and the trees must be identical — same tree ID — as must the snapshots' `excludes` fields.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliCommand } from '../../support/cli.js';
import { RESTIC_PASSWORD, createResticRepo, runRestic } from '../../support/restic.js';
import { tempDir } from '../../support/tmp.js';
import { cairnEnv, snapshots } from './helpers.js';

const canMount = process.getuid?.() === 0 && spawnSync('unshare', ['-m', 'true']).status === 0;

test('every exclusion flag stores exactly what restic stores, and the same `excludes`', { skip: !canMount && 'needs root and unshare -m' }, () => {
  const r = createResticRepo();
  const work = tempDir('cairn-backup-excludes-');
  try {
    const files: Record<string, string> = {
      'src/main.go': 'package main',
      'src/lib.c': 'int x;',
      'src/README.TXT': 'read me',
      'src/notes.md': 'notes',
      'src/big.bin': 'x'.repeat(2000),
      'src/small.bin': 'x'.repeat(1000),
      'src/logs/app.log': 'log',
      'src/logs/keep.log': 'kept by !keep.log',
      'src/cache/CACHEDIR.TAG': 'Signature: 8a477f597d28d172789f06886806bc55\n',
      'src/cache/blob': 'cached',
      'src/mnt/.keep': '',
      'other/x.md': 'second target',
    };
    for (const [rel, text] of Object.entries(files)) {
      mkdirSync(join(work, rel, '..'), { recursive: true });
      writeFileSync(join(work, rel), text);
    }
    writeFileSync(join(work, 'excludes'), '# logs\n*.log\n!keep.log\n');
    writeFileSync(join(work, 'targets'), '# what to back up\nsr[c]\n  other  \nmissing-*\n');
    const flags = ['--exclude', '*.go', '--exclude', 'lib.c', '--iexclude', '*.txt', '--exclude-file', 'excludes', '--exclude-caches', '--exclude-larger-than', '1k', '--one-file-system', '--files-from', 'targets'];
    const quote = (args: string[]): string => args.map((a) => `'${a}'`).join(' ');
    const script = [
      'set -e',
      'mount -t tmpfs none src/mnt',
      'echo inside > src/mnt/on-tmpfs',
      `restic -r '${r.repo}' --no-cache backup -q ${quote(flags)}`,
      `${quote(cliCommand())} backup -q ${quote(flags)}`,
    ].join('\n');
    const res = spawnSync('unshare', ['-m', 'sh', '-c', script], {
      cwd: work,
      env: { PATH: process.env.PATH, HOME: work, RESTIC_PASSWORD, ...cairnEnv(r.repo) },
      encoding: 'utf8',
    });
    assert.equal(res.status, 0, res.stderr);
    assert.match(res.stderr, /warning: pattern "missing-\*" does not match any files, skipping/);

    const [theirs, ours] = snapshots(r.repo);
    assert.equal(ours!.tree, theirs!.tree);
    assert.deepEqual(ours!.excludes, theirs!.excludes);
    assert.deepEqual(ours!.excludes, ['*.go', 'lib.c']);
    // In the stored order (`restic snapshots` shows paths sorted): files-from order, as restic keeps it.
    const rawPaths = (id: string): string[] => (JSON.parse(runRestic(r.repo, ['cat', 'snapshot', id])) as { paths: string[] }).paths;
    assert.deepEqual(rawPaths(ours!.id), rawPaths(theirs!.id));
    assert.deepEqual(rawPaths(ours!.id), [join(work, 'src'), join(work, 'other')]);
    const listed = runRestic(r.repo, ['ls', ours!.id]).trim().split('\n').slice(1);
    assert.deepEqual(listed.sort(), [
      '/other',
      '/other/x.md',
      '/src',
      '/src/cache',
      '/src/cache/CACHEDIR.TAG',
      '/src/logs',
      '/src/logs/keep.log',
      '/src/mnt',
      '/src/notes.md',
      '/src/small.bin',
    ]);
  } finally {
    r.cleanup();
  }
});
