// Files that cannot be read do not stop a backup: each is named on stderr, the snapshot is written without
// it, and the exit code is 3 (restic's "incomplete snapshot"). Root reads anything, so the backup runs as
// `nobody` through setpriv. A file that grows while it is read is reported as changed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { cliCommand } from '../../support/cli.js';
import { createResticRepo, runRestic } from '../../support/restic.js';
import { tempDir } from '../../support/tmp.js';
import { cairnEnv, snapshots } from './helpers.js';

const hasSetpriv = spawnSync('setpriv', ['--version']).status === 0 && process.getuid?.() === 0;

test('unreadable files and directories: warned by path, backup goes on, exit 3, snapshot written', { skip: !hasSetpriv && 'needs root and setpriv' }, () => {
  const r = createResticRepo();
  const work = tempDir('cairn-read-errors-');
  try {
    chmodSync(work, 0o755);
    const src = join(work, 'src');
    mkdirSync(join(src, 'no-search'), { recursive: true });
    mkdirSync(join(src, 'closed'));
    writeFileSync(join(src, 'ok.txt'), 'fine');
    writeFileSync(join(src, 'locked.txt'), 'secret');
    writeFileSync(join(src, 'no-search/inner.txt'), 'cannot lstat me');
    chmodSync(join(src, 'locked.txt'), 0o000); // open fails
    chmodSync(join(src, 'no-search'), 0o644); // readdir works, lstat of entries fails
    chmodSync(join(src, 'closed'), 0o000); // readdir fails
    chmodSync(r.dir, 0o755);
    spawnSync('chmod', ['-R', 'a+rwX', r.repo]);

    const [exe, ...pre] = cliCommand();
    const res = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', exe!, ...pre, 'backup', src], {
      env: { PATH: process.env.PATH, ...cairnEnv(r.repo) },
      encoding: 'utf8',
    });
    assert.equal(res.status, 3, res.stderr);
    assert.match(res.stderr, new RegExp(`${src}/locked.txt: EACCES`));
    assert.match(res.stderr, new RegExp(`${src}/no-search/inner.txt: EACCES`));
    assert.match(res.stderr, new RegExp(`${src}/closed: EACCES`));
    assert.match(res.stderr, /snapshot [0-9a-f]{8} saved, but 3 files could not be read/);
    const [snap] = snapshots(r.repo);
    assert.ok(snap);
    const listed = runRestic(r.repo, ['ls', snap.id]).split('\n');
    assert.ok(listed.includes(`${src}/ok.txt`));
    assert.ok(!listed.includes(`${src}/locked.txt`));
    r.run(['check']);
  } finally {
    spawnSync('chmod', ['-R', 'u+rwX', work]);
    r.cleanup();
  }
});

test('a file that grows while it is read is reported as changed; the backup still succeeds', async () => {
  const r = createResticRepo();
  const work = tempDir('cairn-changing-');
  try {
    const src = join(work, 'src');
    mkdirSync(src);
    const growing = join(src, 'growing.log');
    writeFileSync(growing, randomBytes(48 * 1024 * 1024));
    const [exe, ...pre] = cliCommand();
    const child = spawn(exe!, [...pre, 'backup', src], { env: { ...process.env, ...cairnEnv(r.repo) }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    // Append for as long as cairn runs, so whenever it reads the file, the file changes under it.
    const writer = setInterval(() => appendFileSync(growing, 'more\n'), 2);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearInterval(writer);
    assert.equal(code, 0, stderr);
    assert.match(stderr, new RegExp(`warning: ${growing} changed while it was being read`));
    assert.equal(snapshots(r.repo).length, 1);
    r.run(['check', '--read-data']);
  } finally {
    r.cleanup();
  }
});

test('a name that is not valid UTF-8 is reported and left out (a documented limitation); the rest is stored', async () => {
  const r = createResticRepo();
  const work = tempDir('cairn-latin1-');
  try {
    const src = join(work, 'src');
    mkdirSync(src);
    writeFileSync(join(src, 'ok.txt'), 'fine');
    writeFileSync(Buffer.concat([Buffer.from(src + '/caf'), Buffer.from([0xe9]), Buffer.from('.txt')]), 'latin-1 name');
    const [exe, ...pre] = cliCommand();
    const res = spawnSync(exe!, [...pre, 'backup', '--json', src], { env: { ...process.env, ...cairnEnv(r.repo) }, encoding: 'utf8' });
    assert.equal(res.status, 3, res.stderr);
    const error = JSON.parse(res.stderr.split('\n').find((l) => l.includes('"message_type":"error"'))!) as { item: string; error: { message: string } };
    assert.equal(error.item, `${src}/caf\ufffd.txt`);
    assert.match(error.error.message, /not valid UTF-8/);
    const listed = runRestic(r.repo, ['ls', 'latest']).split('\n');
    assert.ok(listed.includes(`${src}/ok.txt`));
    r.run(['check']);
  } finally {
    r.cleanup();
  }
});
