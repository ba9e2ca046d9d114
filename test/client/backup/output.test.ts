// What `cairn backup` tells its user and what its flags record: a status line on a terminal, nothing with
// -q, restic-shaped JSON lines with --json, nothing written with --dry-run, and --tag/--host/--time/
// --parent/--force in the snapshot. Plus the password-file permission warning.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { cairnOk, cliCommand, runCairn } from '../../support/cli.js';
import { RESTIC_PASSWORD, createResticRepo } from '../../support/restic.js';
import { tempDir } from '../../support/tmp.js';
import { cairnEnv, jsonLines, snapshots, summary } from './helpers.js';

const work = tempDir('cairn-backup-output-');
const src = join(work, 'src');
mkdirSync(join(src, 'sub'), { recursive: true });
writeFileSync(join(src, 'a.txt'), 'alpha\n');
writeFileSync(join(src, 'sub/b.txt'), 'beta\n'.repeat(1000));

/** Every file below a directory, as relative paths. */
function tree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((p) => relative(dir, join(dir, p)))
    .sort();
}

test('-q prints nothing; --json prints only restic-shaped JSON lines ending in the summary', async () => {
  const r = createResticRepo();
  try {
    const quiet = await runCairn(['backup', '-q', src], { env: cairnEnv(r.repo) });
    assert.equal(quiet.code, 0);
    assert.equal(quiet.stdout + quiet.stderr, '');

    writeFileSync(join(src, 'new.txt'), 'new');
    const json = await runCairn(['backup', '--json', src], { env: cairnEnv(r.repo) });
    assert.equal(json.code, 0, json.stderr);
    const lines = json.stdout.trim().split('\n');
    assert.equal(jsonLines(json.stdout).length, lines.length, 'every stdout line is JSON');
    assert.ok(jsonLines(json.stdout).some((l) => l.message_type === 'status'));
    const s = summary(json.stdout);
    for (const key of ['files_new', 'files_changed', 'files_unmodified', 'dirs_new', 'dirs_changed', 'dirs_unmodified', 'data_blobs', 'tree_blobs', 'data_added', 'total_files_processed', 'total_bytes_processed', 'total_duration', 'snapshot_id']) {
      assert.ok(key in s, `summary has ${key}`);
    }
    assert.equal(s.files_new, 1);
    assert.equal(s.files_unmodified, 2);
    assert.equal(s.total_files_processed, 3);
    assert.equal(snapshots(r.repo)[1]!.short_id, s.snapshot_id);
  } finally {
    r.cleanup();
  }
});

test('on a terminal a status line is drawn (script -qc gives the process a TTY)', { skip: spawnSync('script', ['--version']).status !== 0 && 'script(1) missing' }, () => {
  const r = createResticRepo();
  try {
    const cmd = [...cliCommand(), 'backup', src].map((a) => `'${a}'`).join(' ');
    const res = spawnSync('script', ['-qec', cmd, '/dev/null'], { env: { ...process.env, ...cairnEnv(r.repo) }, encoding: 'utf8' });
    assert.equal(res.status, 0, res.stdout);
    // eslint-disable-next-line no-control-regex -- the terminal's erase-line sequence is the point
    assert.match(res.stdout, /\r\x1b\[K\[0:\d\d\] \d+ files/);
    assert.match(res.stdout, /snapshot [0-9a-f]{8} saved/);
  } finally {
    r.cleanup();
  }
});

test('--dry-run writes nothing and reports what would be added', async () => {
  const r = createResticRepo();
  try {
    const before = tree(r.repo);
    const s = summary(await cairnOk(['backup', '--json', '--dry-run', src], { env: cairnEnv(r.repo) }));
    assert.deepEqual(tree(r.repo), before);
    assert.ok(Number(s.data_added) > 0);
    assert.equal(s.snapshot_id, undefined);
    assert.equal(s.dry_run, true);
  } finally {
    r.cleanup();
  }
});

test('--tag, --host, --time, --parent and --force are recorded as restic records them', async () => {
  const r = createResticRepo();
  try {
    const env = cairnEnv(r.repo);
    await cairnOk(['backup', '-q', '--tag', 'a,b', '--tag', 'c', '--host', 'nas', '--time', '2024-05-01 14:30:00', src], { env });
    const [first] = snapshots(r.repo);
    assert.deepEqual(first!.tags, ['a', 'b', 'c']);
    assert.equal(first!.hostname, 'nas');
    assert.equal(first!.time, '2024-05-01T14:30:00Z');

    // Same host and paths: the first is the parent by default; a run dated before it finds none.
    const second = summary(await cairnOk(['backup', '--json', '--host', 'nas', src], { env }));
    assert.equal(second.files_new, 0);
    const early = summary(await cairnOk(['backup', '--json', '--host', 'nas', '--time', '2020-01-01 00:00:00', src], { env }));
    assert.equal(early.files_new, 3);
    const forced = summary(await cairnOk(['backup', '--json', '--host', 'nas', '--force', src], { env }));
    assert.equal(forced.files_new, 3);
    await cairnOk(['backup', '-q', '--parent', first!.short_id, src], { env });
    const all = snapshots(r.repo);
    assert.equal(all.find((s) => s.short_id === second.snapshot_id)!.parent, first!.id);
    assert.equal(all.find((s) => s.short_id === forced.snapshot_id)!.parent, undefined);
    assert.equal(all.at(-1)!.parent, first!.id);
  } finally {
    r.cleanup();
  }
});

test('a password file that group or others can read gets a warning naming the fix', async () => {
  const r = createResticRepo();
  try {
    const file = join(work, 'password');
    writeFileSync(file, RESTIC_PASSWORD + '\n');
    chmodSync(file, 0o644);
    const loose = await runCairn(['-r', r.repo, '--password-file', file, 'backup', '-q', src]);
    assert.equal(loose.code, 0, loose.stderr);
    assert.equal(loose.stderr, `warning: password file ${file} is readable by group or others: chmod 600 ${file}\n`);
    chmodSync(file, 0o600);
    const tight = await runCairn(['-r', r.repo, '--password-file', file, 'backup', '-q', src]);
    assert.equal(tight.stderr, '');
  } finally {
    r.cleanup();
  }
});
