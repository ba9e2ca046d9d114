// Backups and two-phase prune at the same time, for real: three `cairn backup` processes in a loop (each
// backs up a shared directory plus its own changing files) while `cairn forget --keep-last 2 --prune
// --keep-delete 1s` runs again and again. Every snapshot's source state is recorded; afterwards one more
// prune, then every remaining snapshot restores bit-identical and restic 0.14 check --read-data is green.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cairnOk } from '../../support/cli.js';
import { createResticRepo, type ResticRepo } from '../../support/restic.js';
import { backupOnce, CAIRN_ENV, hashTree, pruneLoop, writeShared } from './support.js';

function snapshotIds(r: ResticRepo): string[] {
  return (JSON.parse(r.run(['snapshots', '--json'])) as { id: string }[]).map((s) => s.id);
}


describe('backups while prune runs', () => {
  test('three backup loops and a prune loop for 30 s: every snapshot restores bit-identical, restic check --read-data green', async () => {
    const r = createResticRepo();
    try {
      const src = join(r.dir, 'src');
      const shared = writeShared(src);
      const states = new Map<string, { own: string; shared: Map<string, string>; ownState: Map<string, string> }>();
      const sharedState = hashTree(shared);
      const deadline = Date.now() + 30_000;
      const loop = async (n: number): Promise<number> => {
        const own = join(src, `own${n}`);
        mkdirSync(own);
        let k = 0;
        for (; Date.now() < deadline; k++) {
          // New data each round, and the oldest file dropped: forgotten snapshots leave unused packs behind.
          writeFileSync(join(own, `f${k}.bin`), randomBytes(400_000 + n * 1000));
          if (k >= 3) rmSync(join(own, `f${k - 3}.bin`));
          const ownState = hashTree(own);
          const id = await backupOnce(r.repo, [shared, own]);
          states.set(id, { own, shared: sharedState, ownState });
        }
        return k;
      };
      const [prunes, ...rounds] = await Promise.all([pruneLoop(r.repo, () => Date.now() > deadline), loop(0), loop(1), loop(2)]);
      const last = await pruneLoop(r.repo, (runs) => runs >= 1);
      console.log(
        `concurrency: ${prunes.runs} prune runs deleting ${prunes.packsDeleted} packs during the loops (+${last.packsDeleted} after), ` +
          `backups per loop ${rounds.join('/')}, ${states.size} snapshots written`,
      );

      r.run(['check', '--read-data']);
      const remaining = snapshotIds(r);
      assert.ok(remaining.length >= 6, `${remaining.length} snapshots remain`);
      for (const id of remaining) {
        const state = states.get(id);
        assert.ok(state, `snapshot ${id.slice(0, 8)} was written by a loop`);
        const target = join(r.dir, `restore-${id.slice(0, 8)}`);
        await cairnOk(['-r', r.repo, 'restore', id, '--target', target], { env: CAIRN_ENV });
        assert.deepEqual(hashTree(join(target, shared)), state.shared, `shared in ${id.slice(0, 8)}`);
        assert.deepEqual(hashTree(join(target, state.own)), state.ownState, `own in ${id.slice(0, 8)}`);
        rmSync(target, { recursive: true });
      }
      assert.ok(prunes.runs >= 2);
      assert.ok(prunes.packsDeleted + last.packsDeleted > 0, 'prune deleted packs');
    } finally {
      r.cleanup();
    }
  });
});
