// Two-phase prune end to end on local repositories, with restic 0.14 as the oracle: the first run only
// marks, a run before --keep-delete deletes nothing, a later run deletes, a marked pack that a new snapshot
// needs is recovered, and the adversarial cases of the protocol (a backup that loaded the index before the
// mark; a pack uploaded but not yet indexed). restic check --read-data passes after every step.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadIndex, loadSnapshots, RepositoryLock, saveSnapshot } from '../../../shared/repository/index.js';
import { cairnOk } from '../../support/cli.js';
import { createResticRepo, type ResticRepo } from '../../support/restic.js';
import { compareTrees } from '../../support/tree-compare.js';
import { CAIRN_ENV, cairnPrune, MAINTAINER, packsOnDisk, pruneInProcess, withEngine } from './support.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function checkReadData(r: ResticRepo): void {
  // Throws (non-zero exit) on any error; unreferenced marked packs are only a hint.
  r.run(['check', '--read-data']);
}

function snapshotIds(r: ResticRepo): string[] {
  return (JSON.parse(r.run(['snapshots', '--json'])) as { id: string }[]).map((s) => s.id);
}

async function restoresIdentically(r: ResticRepo, snapshot: string, source: string): Promise<void> {
  const target = join(r.dir, `restore-${snapshot.slice(0, 8)}-${Date.now()}`);
  await cairnOk(['-r', r.repo, 'restore', snapshot, '--target', target], { env: CAIRN_ENV });
  assert.deepEqual(compareTrees(source, join(target, source)), []);
}

describe('two-phase prune', () => {
  test('marks first, deletes nothing before --keep-delete, deletes after it; restic check --read-data green throughout', async () => {
    const r = createResticRepo();
    try {
      const src = join(r.dir, 'src');
      mkdirSync(src);
      writeFileSync(join(src, 'gone'), randomBytes(3_000_000));
      writeFileSync(join(src, 'stays'), randomBytes(2_000_000));
      r.run(['backup', '-q', src]);
      rmSync(join(src, 'gone'));
      await cairnOk(['-r', r.repo, 'backup', src], { env: CAIRN_ENV });
      r.run(['forget', '-q', '--keep-last', '1']);
      const [kept] = snapshotIds(r);
      const before = packsOnDisk(r.repo);

      const first = await cairnPrune(r.repo);
      assert.equal(first.mode, 'two-phase');
      assert.ok(first.two_phase!.new_marks.length > 0, 'the first run marks');
      assert.equal(first.outcome!.packsDeleted, 0);
      for (const id of before) assert.ok(packsOnDisk(r.repo).has(id), `pack ${id.slice(0, 8)} still there after the marking run`);
      checkReadData(r);

      const early = await cairnPrune(r.repo, ['--keep-delete', '1h']);
      assert.ok(early.two_phase!.marked.every((m) => m.action === 'keep-marked'));
      assert.equal(early.outcome!.packsDeleted, 0);
      for (const id of before) assert.ok(packsOnDisk(r.repo).has(id));

      const dry = await cairnOk(['-r', r.repo, 'prune', '--dry-run', '--keep-delete', '1ms'], { env: CAIRN_ENV });
      assert.match(dry, /marked:\s+\d+ packs: \d+ to delete/);
      assert.match(dry, /^delete\s+[0-9a-f]{8} marked \d+s ago/m);

      await sleep(1100);
      const late = await cairnPrune(r.repo, ['--keep-delete', '1s']);
      const marked = first.two_phase!.new_marks.map((m) => m.pack).sort();
      assert.deepEqual(late.two_phase!.marked.filter((m) => m.action === 'delete').map((m) => m.pack).sort(), marked);
      assert.equal(late.outcome!.packsDeleted, marked.length);
      for (const id of marked) assert.ok(!packsOnDisk(r.repo).has(id), `marked pack ${id.slice(0, 8)} deleted`);
      checkReadData(r);
      await restoresIdentically(r, kept!, src);

      // The next run forgets the deleted packs' marks and has nothing left to do.
      const tidy = await cairnPrune(r.repo, ['--keep-delete', '1s']);
      assert.ok(tidy.two_phase!.marked.every((m) => m.action === 'drop-missing'));
      const last = await cairnPrune(r.repo, ['--keep-delete', '1s']);
      assert.deepEqual(last.two_phase!.marked, []);
      assert.deepEqual(last.two_phase!.new_marks, []);
      checkReadData(r);
    } finally {
      r.cleanup();
    }
  });

  test('a marked pack that a late snapshot uses is recovered, never deleted', async () => {
    const r = createResticRepo();
    try {
      const src = join(r.dir, 'src');
      mkdirSync(src);
      const content = randomBytes(2_500_000);
      writeFileSync(join(src, 'x'), content);
      r.run(['backup', '-q', src]);
      const [snap] = snapshotIds(r);
      // The snapshot file leaves and comes back after the mark: what a backup that deduplicated against
      // the index before the mark does when it writes its snapshot late.
      const file = readdirSync(join(r.repo, 'snapshots'))[0]!;
      renameSync(join(r.repo, 'snapshots', file), join(r.dir, 'late-snapshot'));
      const marking = await cairnPrune(r.repo);
      assert.ok(marking.two_phase!.new_marks.length > 0);
      renameSync(join(r.dir, 'late-snapshot'), join(r.repo, 'snapshots', file));
      await sleep(1100);
      const next = await cairnPrune(r.repo, ['--keep-delete', '1s']);
      const recovered = next.two_phase!.marked.filter((m) => m.action === 'recover');
      assert.ok(recovered.length > 0, 'a marked pack was recovered');
      assert.equal(next.outcome!.packsDeleted, next.two_phase!.marked.filter((m) => m.action === 'delete').length);
      for (const m of recovered) assert.ok(packsOnDisk(r.repo).has(m.pack));
      checkReadData(r);
      await restoresIdentically(r, snap!, src);
      // Recovered packs are live again: a further run leaves them alone.
      await sleep(1100);
      const after = await cairnPrune(r.repo, ['--keep-delete', '1s']);
      for (const m of recovered) assert.ok(!after.two_phase!.new_marks.some((n) => n.pack === m.pack));
      checkReadData(r);
      await restoresIdentically(r, snap!, src);
    } finally {
      r.cleanup();
    }
  });

  test('a backup that loaded the index before the mark blocks deletion while it runs, and its snapshot recovers the pack', async () => {
    const r = createResticRepo();
    try {
      const src = join(r.dir, 'src');
      mkdirSync(src);
      writeFileSync(join(src, 'y'), randomBytes(2_000_000));
      r.run(['backup', '-q', src]);
      await withEngine(r.repo, async (repo) => {
        const [old] = await loadSnapshots(repo);
        // The backup starts: lock, then the index, in which y's packs are live.
        const backup = await RepositoryLock.acquire(repo, { ...MAINTAINER, hostname: 'laptop', exclusive: false });
        const { index } = await loadIndex(repo);
        assert.ok(index.packCount > 0);
        // Meanwhile the old snapshot is forgotten and prune marks its packs.
        await repo.backend.remove('snapshots', old!.id);
        const marking = await pruneInProcess(repo, 0);
        assert.ok(marking.plan.twoPhase!.newMarks.length > 0);
        // The backup's session started before the mark: no deletion however old the mark.
        await sleep(20);
        const blocked = await pruneInProcess(repo, 0);
        assert.ok(blocked.plan.twoPhase!.marked.every((d) => d.action === 'keep-marked'), JSON.stringify(blocked.plan.twoPhase!.marked));
        assert.equal(blocked.outcome.packsDeleted, 0);
        // The backup deduplicated everything against its index and writes its snapshot.
        await saveSnapshot(repo, { ...old!.snapshot, time: old!.snapshot.time });
        await backup.release();
        const recovering = await pruneInProcess(repo, 0);
        assert.ok(recovering.plan.twoPhase!.marked.some((d) => d.action === 'recover'));
        assert.equal(recovering.outcome.packsDeleted, 0);
      });
      checkReadData(r);
      const [snap] = snapshotIds(r);
      await restoresIdentically(r, snap!, src);
    } finally {
      r.cleanup();
    }
  });

  test('a pack uploaded but not yet indexed is marked, not deleted, and recovered once its index and snapshot arrive', async () => {
    const r = createResticRepo();
    try {
      const src = join(r.dir, 'src');
      mkdirSync(src);
      writeFileSync(join(src, 'z'), randomBytes(1_500_000));
      const indexBefore = new Set(readdirSync(join(r.repo, 'index')));
      r.run(['backup', '-q', src]);
      // Rewind the backup to "packs uploaded, index and snapshot not written yet".
      const parked = join(r.dir, 'parked');
      mkdirSync(parked);
      const indexFiles = readdirSync(join(r.repo, 'index')).filter((f) => !indexBefore.has(f));
      const snapshotFiles = readdirSync(join(r.repo, 'snapshots'));
      for (const f of indexFiles) renameSync(join(r.repo, 'index', f), join(parked, `index-${f}`));
      for (const f of snapshotFiles) renameSync(join(r.repo, 'snapshots', f), join(parked, `snap-${f}`));
      const uploaded = packsOnDisk(r.repo);
      await withEngine(r.repo, async (repo) => {
        // Its lock (taken before the upload) is live throughout.
        const backup = await RepositoryLock.acquire(repo, { ...MAINTAINER, hostname: 'laptop', exclusive: false });
        try {
          const marking = await pruneInProcess(repo, 0);
          assert.deepEqual(marking.plan.twoPhase!.newMarks.map((m) => m.reason).sort(), [...uploaded].map(() => 'unindexed'));
          await sleep(20);
          const again = await pruneInProcess(repo, 0);
          assert.equal(again.outcome.packsDeleted, 0);
          assert.deepEqual(packsOnDisk(r.repo), uploaded);
          // The backup finishes: its index file, then its snapshot.
          for (const f of indexFiles) renameSync(join(parked, `index-${f}`), join(r.repo, 'index', f));
          for (const f of snapshotFiles) renameSync(join(parked, `snap-${f}`), join(r.repo, 'snapshots', f));
        } finally {
          await backup.release();
        }
        const recovering = await pruneInProcess(repo, 0);
        assert.deepEqual(recovering.plan.twoPhase!.marked.filter((d) => d.action === 'recover').map((d) => d.packId).sort(), [...uploaded].sort());
        assert.equal(recovering.outcome.packsDeleted, 0);
      });
      checkReadData(r);
      await restoresIdentically(r, snapshotIds(r)[0]!, src);
    } finally {
      r.cleanup();
    }
  });
});
