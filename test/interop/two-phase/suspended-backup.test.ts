// A cairn backup suspended past its lock's staleness while prune marks (and deletes) the packs it
// deduplicated against: the real process, SIGSTOP/SIGCONT, with the lock timing shrunk through the CLI's
// test knobs. Its lock file is removed while it sleeps: to prune a stale lock and a missing one are the
// same (neither blocks a deletion). On SIGCONT the backup sees the refresh gap, re-validates, and either
// copies what is only in marked packs and writes a snapshot that restores bit-identical, or aborts with
// one clear line and no snapshot. restic 0.14 check --read-data is green either way.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cairnOk } from '../../support/cli.js';
import { createResticRepo, type ResticRepo } from '../../support/restic.js';
import { compareTrees } from '../../support/tree-compare.js';
import { CAIRN_ENV, cairnPrune, spawnCairn, waitFor } from './support.js';

/** The knobs: a refresh every 200 ms, a gap of 1 s means "may have gone stale", a 300 ms deletion window. */
const STALE_KNOBS = { CAIRN_TEST_LOCK_REFRESH_MS: '200', CAIRN_TEST_LOCK_SAFE_GAP_MS: '1000', CAIRN_TEST_DELETE_WINDOW_MS: '300' };

function snapshotIds(r: ResticRepo): string[] {
  return (JSON.parse(r.run(['snapshots', '--json'])) as { id: string }[]).map((s) => s.id);
}

function resticFails(r: ResticRepo, args: string[]): string {
  try {
    r.run(args);
  } catch (err) {
    return String((err as { stderr?: string }).stderr ?? err);
  }
  throw new Error(`restic ${args.join(' ')} succeeded`);
}

/**
 * suspendedBackup backs up `shared` (snapshot S0), starts a backup of shared + own, stops it once its index
 * is loaded (shared's packs live in it; `-v` shows re-validation, `--json` keeps errors to one line), forgets S0, makes the lock vanish, runs `prunes` prunes with
 * --keep-delete 0s, resumes the backup and returns its result.
 */
async function suspendedBackup(r: ResticRepo, prunes: number, output: '-v' | '--json'): Promise<{ code: number | null; stderr: string; src: string; before: string[] }> {
  const src = join(r.dir, 'src');
  mkdirSync(join(src, 'shared'), { recursive: true });
  mkdirSync(join(src, 'own'));
  for (let i = 0; i < 4; i++) writeFileSync(join(src, 'shared', `s${i}.bin`), randomBytes(2_000_000));
  // Many small files: the archive takes seconds after the index is loaded, so the stop lands inside it.
  for (let d = 0; d < 50; d++) {
    mkdirSync(join(src, 'own', `d${d}`));
    for (let i = 0; i < 100; i++) writeFileSync(join(src, 'own', `d${d}`, `f${i}`), randomBytes(12_000));
  }
  await cairnOk(['-r', r.repo, 'backup', '-q', join(src, 'shared')], { env: CAIRN_ENV });
  const before = snapshotIds(r);

  const backup = spawnCairn(['-r', r.repo, output, 'backup', join(src, 'shared'), join(src, 'own')], STALE_KNOBS);
  // -v says so; with --json the first status line comes right after the index is loaded.
  await waitFor(() => /loaded index|"message_type":"status"/.test(backup.output()), 'the backup to load its index');
  backup.child.kill('SIGSTOP');
  try {
    const locks = readdirSync(join(r.repo, 'locks'));
    assert.equal(locks.length, 1, 'the suspended backup holds its lock');
    // restic's prune (exclusive) refuses while a cairn backup holds a lock.
    assert.match(resticFails(r, ['prune']), /locked/);
    // S0 is forgotten; the backup's lock looks stale (gone) to the prunes that follow.
    rmSync(join(r.repo, 'snapshots', before[0]!));
    for (const l of locks) rmSync(join(r.repo, 'locks', l));
    for (let i = 0; i < prunes; i++) await cairnPrune(r.repo, ['--keep-delete', '0s']);
  } finally {
    backup.child.kill('SIGCONT');
  }
  const { code, stderr } = await backup.done;
  return { code, stderr, src, before };
}

describe('a backup suspended past its lock staleness', () => {
  test('packs it deduplicated against were marked: it copies the blobs and its snapshot restores bit-identical', async () => {
    const r = createResticRepo();
    try {
      const { code, stderr, src } = await suspendedBackup(r, 1, '-v');
      assert.equal(code, 0, stderr);
      assert.match(stderr, /re-validating/);
      const [snap, ...rest] = snapshotIds(r);
      assert.equal(rest.length, 0);
      // Two more prunes delete the marked packs; the snapshot depends on none of them.
      await cairnPrune(r.repo, ['--keep-delete', '0s']);
      await cairnPrune(r.repo, ['--keep-delete', '0s']);
      r.run(['check', '--read-data']);
      const target = join(r.dir, 'restored');
      await cairnOk(['-r', r.repo, 'restore', snap!, '--target', target], { env: CAIRN_ENV });
      assert.deepEqual(compareTrees(join(src, 'shared'), join(target, src, 'shared')), []);
      assert.deepEqual(compareTrees(join(src, 'own'), join(target, src, 'own')), []);
    } finally {
      r.cleanup();
    }
  });

  test('packs it deduplicated against were deleted: it aborts with one line and writes no snapshot', async () => {
    const r = createResticRepo();
    try {
      const { code, stderr, src } = await suspendedBackup(r, 2, '--json');
      if (code === 0) {
        // Legitimate only if nothing it relied on was gone (e.g. it had not deduplicated yet): then it restores.
        const [snap] = snapshotIds(r);
        const target = join(r.dir, 'restored');
        await cairnOk(['-r', r.repo, 'restore', snap!, '--target', target], { env: CAIRN_ENV });
        assert.deepEqual(compareTrees(src, join(target, src)), []);
      } else {
        assert.equal(code, 1, stderr);
        const errors = stderr.split('\n').filter((l) => /no snapshot was written/.test(l));
        assert.equal(errors.length, 1, stderr);
        assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
        assert.deepEqual(snapshotIds(r), []);
      }
      r.run(['check', '--read-data']);
    } finally {
      r.cleanup();
    }
  });
});
