// Oracle: real restic 0.14 backs up a small tree with every exclusion flag at once, and the set of paths it
// stored must be exactly the set our excluder keeps when a walker asks it in restic's order (by path, then
// lstat and by stat, then the directory's contents, never entering what was left out).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CACHEDIR_SIGNATURE, createExcluder, type Excluder } from '../../../client/filter/index.js';

const RESTIC = '/usr/bin/restic';

async function walk(ex: Excluder, path: string, parentDev: number | undefined, kept: Set<string>): Promise<void> {
  if (ex.excludeByPath(path)) return;
  const st = lstatSync(path);
  if (ex.excludeByStat(path, { isDirectory: st.isDirectory(), size: st.size, dev: st.dev }, parentDev)) return;
  kept.add(path);
  if (!st.isDirectory() || (await ex.excludeDirByContents(path))) return;
  for (const name of readdirSync(path)) await walk(ex, join(path, name), st.dev, kept);
}

test('our exclusions select exactly what restic 0.14 stores', { skip: !existsSync(RESTIC) && 'restic 0.14 not installed' }, async () => {
  const work = realpathSync(mkdtempSync(join(tmpdir(), 'cairn-filter-oracle-')));
  try {
    const root = join(work, 'tree');
    const files: Record<string, string | number> = {
      'a.go': 'package a',
      'b.c': 'int x;',
      'notes.TXT': 'n',
      'Notes.md': 'n',
      'small.bin': 1024, // at the limit: kept
      'big.bin': 2000, // above --exclude-larger-than 1k
      'bigdir/inner.txt': 'i', // directories are never too large
      'logs/app.log': 'l',
      'logs/keep.log': 'k', // re-included by "!keep.log" in the exclude file
      'logs/sub/x.log': 'x', // logs/sub is excluded, so nothing below it is seen
      'secret/ok': 'o', // "!secret/ok" cannot rescue it: secret itself is excluded
      'secret/other': 'o',
      'cache/CACHEDIR.TAG': CACHEDIR_SIGNATURE + '\nmade by a test\n',
      'cache/data': 'd',
      'cache/sub/deep': 'd',
      'fakecache/CACHEDIR.TAG': 'Signature: not the real one',
      'fakecache/data': 'd',
      'Upper/FOO.TMP': 't',
      'Upper/bar.tmp': 't',
      'Upper/baz.txt': 't',
      'deep/a/b/c/node_modules/m.js': 'm',
      'deep/a/b/c/keep.js': 'k',
      'weird/[x]': 'w',
      'weird/$dollar': 'd',
    };
    for (const [rel, content] of Object.entries(files)) {
      const path = join(root, rel);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, typeof content === 'number' ? Buffer.alloc(content, 0x61) : content);
    }
    mkdirSync(join(root, 'empty'));
    symlinkSync('a.go', join(root, 'link'));

    const excludeFile = join(work, 'exclude.txt');
    writeFileSync(excludeFile, ['# patterns for the oracle', '', '  $ROOT/logs/*  ', '!keep.log', '**/node_modules', 'weird/\\[x]', '*$$dollar', ''].join('\n'));
    const iexcludeFile = join(work, 'iexclude.txt');
    writeFileSync(iexcludeFile, 'NOTES.txt\n');
    const flags = {
      excludes: ['*.c', 'secret', '!secret/ok'],
      iexcludes: ['*.tmp', 'notes.MD'],
      excludeFiles: [excludeFile],
      iexcludeFiles: [iexcludeFile],
    };

    const env = { ...process.env, RESTIC_PASSWORD: 'oracle', RESTIC_REPOSITORY: join(work, 'repo'), ROOT: root };
    const restic = (...args: string[]) => execFileSync(RESTIC, ['--no-cache', '-q', ...args], { env, encoding: 'utf8' });
    restic('init');
    restic(
      'backup',
      ...flags.excludes.flatMap((p) => ['--exclude', p]),
      ...flags.iexcludes.flatMap((p) => ['--iexclude', p]),
      '--exclude-file', excludeFile,
      '--iexclude-file', iexcludeFile,
      '--exclude-caches',
      '--exclude-larger-than', '1k',
      '--one-file-system',
      root,
    );
    const stored = new Set<string>();
    for (const line of restic('ls', '--json', 'latest').split('\n')) {
      if (line.trim() === '') continue;
      const entry = JSON.parse(line) as { struct_type?: string; path?: string };
      if (entry.struct_type === 'node' && entry.path !== undefined && (entry.path === root || entry.path.startsWith(root + '/'))) stored.add(entry.path);
    }

    const ex = createExcluder({ ...flags, excludeCaches: true, excludeLargerThan: 1024, oneFileSystem: true, env });
    const kept = new Set<string>();
    await walk(ex, root, undefined, kept);

    const rel = (s: Set<string>) => [...s].map((p) => p.slice(root.length) || '/').sort();
    assert.deepEqual(rel(kept), rel(stored));
    // Guard against a vacuous pass: the rules really did leave things out, and kept what they should.
    assert.ok(!stored.has(join(root, 'secret/ok')) && !stored.has(join(root, 'cache/data')) && !stored.has(join(root, 'big.bin')));
    assert.ok(stored.has(join(root, 'logs/keep.log')) && stored.has(join(root, 'cache/CACHEDIR.TAG')) && stored.has(join(root, 'fakecache/data')));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
