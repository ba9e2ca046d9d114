// The maintenance lease against real restic 0.14, and restic's view of a repository with marked packs.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { RepositoryLockedError } from '../../../shared/core/index.js';
import { encodeIndexFile, type IndexFile, type IndexPackToDelete } from '../../../shared/format/index.js';
import { ClockSkewError, RepositoryLock, Repository, acquireLease, loadIndex, loadIndexFile, loadLocks } from '../../../shared/repository/index.js';
import { LocalBackend } from '../../../shared/storage/index.js';
import { createResticRepo, RESTIC_PASSWORD, type ResticRepo } from '../../support/restic.js';

const me = { hostname: 'lease-test', username: 'u', pid: process.pid };

async function withRepo(r: ResticRepo, fn: (repo: Repository) => Promise<void>): Promise<void> {
  const backend = new LocalBackend(r.repo);
  try {
    await fn(await Repository.open(backend, RESTIC_PASSWORD));
  } finally {
    await backend.close();
  }
}

function resticFails(r: ResticRepo, args: string[]): string {
  try {
    r.run(args);
  } catch (err) {
    return String((err as { stderr?: string }).stderr ?? err);
  }
  assert.fail(`restic ${args.join(' ')} succeeded`);
}

describe('maintenance lease', () => {
  test('one maintainer at a time; backups go on; restic prune refuses while it is held', async () => {
    const r = createResticRepo();
    try {
      await withRepo(r, async (repo) => {
        const lease = await acquireLease(repo, me);
        try {
          const [entry] = await loadLocks(repo);
          assert.equal(entry?.lock.cairn_maintainer, true);
          assert.equal(entry?.lock.exclusive, false);
          await assert.rejects(acquireLease(repo, { ...me, pid: me.pid + 1 }), RepositoryLockedError);
          // A cairn backup's shared lock coexists with the lease.
          const backupLock = await RepositoryLock.acquire(repo, { ...me, exclusive: false });
          await backupLock.release();
          // restic sees a shared lock: its backup runs, its prune (exclusive) refuses.
          const src = join(r.dir, 'src');
          mkdirSync(src);
          writeFileSync(join(src, 'f'), randomBytes(1000));
          r.run(['backup', '-q', src]);
          assert.match(resticFails(r, ['prune']), /locked/);
        } finally {
          await lease.lock.release();
        }
        assert.deepEqual(await loadLocks(repo), []);
      });
    } finally {
      r.cleanup();
    }
  });

  test('aborts when this clock is more than 5 minutes off the storage, leaving no lock behind', async () => {
    const r = createResticRepo();
    try {
      await withRepo(r, async (repo) => {
        const ahead = (): Date => new Date(Date.now() + 10 * 60_000);
        await assert.rejects(acquireLease(repo, { ...me, now: ahead }), (err: unknown) => err instanceof ClockSkewError && err.skewMs > 9 * 60_000);
        assert.deepEqual(await loadLocks(repo), []);
        const lease = await acquireLease(repo, { ...me, now: () => new Date(Date.now() + 60_000) });
        assert.ok(Math.abs(lease.skewMs) <= 61_000);
        await lease.lock.release();
      });
    } finally {
      r.cleanup();
    }
  });
});

describe('marked packs', () => {
  test('restic check stays green with marked packs; cairn keeps them out of the live index', async () => {
    const r = createResticRepo();
    try {
      const src = join(r.dir, 'src');
      mkdirSync(src);
      writeFileSync(join(src, 'keep'), randomBytes(200_000));
      r.run(['backup', '-q', src]);
      const firstIndex = new Set(r.run(['list', 'index']).trim().split('\n'));
      writeFileSync(join(src, 'gone'), randomBytes(300_000));
      r.run(['backup', '-q', src]);
      const snaps = JSON.parse(r.run(['snapshots', '--json'])) as { id: string; time: string }[];
      r.run(['forget', '-q', snaps[snaps.length - 1]!.id]);
      const before = r.run(['check']);
      assert.match(before, /no errors were found/);

      await withRepo(r, async (repo) => {
        // Mark the packs only the forgotten snapshot used: write one index superseding all, drop the old ones.
        const files = await repo.listIds('index');
        const all: IndexFile[] = await Promise.all(files.map((id) => loadIndexFile(repo, id)));
        const packs = all.flatMap((f) => f.packs);
        const second = all.filter((_, i) => !firstIndex.has(files[i]!)).flatMap((f) => f.packs);
        const later = second.filter((p) => p.blobs.every((b) => b.type === 'data'));
        assert.ok(later.length > 0, 'the second backup wrote a data pack of its own');
        const time = '2026-01-01T00:00:00Z';
        const marked: IndexPackToDelete[] = later.map((p) => ({ ...p, time }));
        const keep = packs.filter((p) => !later.some((m) => m.id === p.id));
        await repo.saveJson('index', encodeIndexFile({ supersedes: files, packs: keep, packs_to_delete: marked }));
        for (const id of files) await repo.backend.remove('index', id);

        const loaded = await loadIndex(repo);
        for (const p of later) {
          assert.equal(loaded.index.hasPack(p.id), false);
          assert.equal(loaded.marked.hasPack(p.id), true);
          assert.equal(loaded.markedPacks.get(p.id), time);
        }
      });
      assert.match(r.run(['check', '--read-data']), /no errors were found/);
    } finally {
      r.cleanup();
    }
  });
});
