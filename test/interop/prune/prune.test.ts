// cairn forget --prune on a repository restic wrote, with restic 0.14 as the oracle: restic check
// --read-data passes afterwards, every kept snapshot restores exactly as before, the data kept is within
// 5 % of what restic's own prune keeps on an identical copy, and a second prune has nothing left to do.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { cairnOk } from '../../support/cli.js';
import { createResticRepo, runRestic, RESTIC_PASSWORD, type ResticRepo } from '../../support/restic.js';
import { compareTrees } from '../../support/tree-compare.js';
import { buildHistory, copyRepo, type History } from './fixture.js';

let restic: ResticRepo;
let history: History;
let copy: string;
const env = { CAIRN_PASSWORD: RESTIC_PASSWORD };

before(() => {
  restic = createResticRepo();
  history = buildHistory(restic, 6, 8);
  copy = join(restic.dir, 'copy');
  copyRepo(restic.repo, copy);
});

after(() => restic?.cleanup());

function dataBytes(repo: string): number {
  let total = 0;
  for (const sub of readdirSync(join(repo, 'data'))) for (const f of readdirSync(join(repo, 'data', sub))) total += statSync(join(repo, 'data', sub, f)).size;
  return total;
}

test('forget --dry-run --json prints what restic forget --dry-run --json prints', async () => {
  const ours = await cairnOk(['-r', restic.repo, 'forget', '--dry-run', '--json', '--keep-last', '2', '--keep-daily', '1'], { env });
  const theirs = restic.run(['forget', '--dry-run', '--json', '--keep-last', '2', '--keep-daily', '1']);
  assert.deepEqual(JSON.parse(ours), JSON.parse(theirs));
});

test('forget --prune: restic check --read-data passes, kept snapshots restore identically, data within 5% of restic prune', async (t) => {
  const kept = history.ids.slice(-2);
  // What the kept snapshots hold, restored by restic before anything changes.
  for (const id of kept) restic.run(['restore', id, '--target', join(restic.dir, 'before', id)]);

  await cairnOk(['-r', restic.repo, 'forget', '--keep-last', '2', '--prune', '--instant-delete'], { env });
  runRestic(copy, ['forget', '--keep-last', '2', '--prune']);

  restic.run(['check', '--read-data']);
  assert.deepEqual(JSON.parse(restic.run(['snapshots', '--json'])).map((s: { id: string }) => s.id).sort(), [...kept].sort());
  for (const id of kept) {
    restic.run(['restore', id, '--target', join(restic.dir, 'after', id)]);
    assert.deepEqual(compareTrees(join(restic.dir, 'before', id), join(restic.dir, 'after', id)), []);
  }

  const ours = dataBytes(restic.repo);
  const theirs = dataBytes(copy);
  t.diagnostic(`packs kept: cairn ${ours} bytes, restic ${theirs} bytes`);
  assert.ok(Math.abs(ours - theirs) <= 0.05 * theirs, `cairn keeps ${ours} bytes of packs, restic ${theirs}`);
  const before = history.ids.length; // the history really had something to prune
  assert.ok(before > kept.length);

  // Nothing left to do: a second prune plans no repack and no deletion.
  const json = await cairnOk(['-r', restic.repo, '--json', 'prune', '--dry-run', '--instant-delete'], { env });
  const summary = JSON.parse(json.trim().split('\n').pop()!) as { stats: { packs: { repack: number; remove: number; unref: number } } };
  assert.deepEqual({ repack: summary.stats.packs.repack, remove: summary.stats.packs.remove, unref: summary.stats.packs.unref }, { repack: 0, remove: 0, unref: 0 });
});
