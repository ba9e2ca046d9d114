// The forget job on a restic-written repository: deletes exactly the policy's removals, nothing in a dry
// run, refuses (naming the group) when the delete-share guard trips, removes explicit IDs; options parsing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { silentReporter } from '../../../../shared/core/index.js';
import { openBackend } from '../../../../shared/storage/index.js';
import { Repository } from '../../../../shared/repository/index.js';
import {
  forgetJob, parseForgetJobOptions, parseForgetPruneOptions, runJobLocally, DeleteShareExceededError, type JobContext,
} from '../../../../shared/maintenance/index.js';
import { createResticRepo, RESTIC_PASSWORD, type ResticRepo } from '../../../support/restic.js';

let restic: ResticRepo;
let ctx: JobContext;
const NOW = new Date('2024-02-01T00:00:00Z');

before(async () => {
  restic = createResticRepo();
  const src = join(restic.dir, 'src');
  mkdirSync(src);
  // Six daily snapshots of host a, two of host b.
  for (let day = 1; day <= 6; day++) {
    writeFileSync(join(src, 'f'), `day ${day}`);
    restic.run(['backup', '-q', '--host', 'a', '--time', `2024-01-0${day} 10:00:00`, src]);
  }
  for (let day = 1; day <= 2; day++) restic.run(['backup', '-q', '--host', 'b', '--time', `2024-01-0${day} 11:00:00`, src]);
  const repo = await Repository.open(await openBackend(restic.repo), RESTIC_PASSWORD);
  ctx = { repo, reporter: silentReporter, now: NOW, identity: { hostname: 'test', username: 'test' } };
});

after(async () => {
  await ctx?.repo.backend.close();
  restic?.cleanup();
});

const snapshotCount = async (): Promise<number> => (await ctx.repo.listIds('snapshots')).length;

test('a dry run reports the removals and deletes nothing', async () => {
  const { plan, outcome } = await runJobLocally(forgetJob, ctx, parseForgetJobOptions({ keepLast: 2, dryRun: true }));
  assert.equal(plan.remove.length, 4, 'host a: 6 − 2; host b keeps both');
  assert.deepEqual(outcome.removed, []);
  assert.equal(await snapshotCount(), 8);
});

test('the delete-share guard refuses, naming the group, and deletes nothing', async () => {
  await assert.rejects(
    runJobLocally(forgetJob, ctx, parseForgetJobOptions({ keepLast: 2, maxDeleteShare: '50%' })),
    (err: unknown) => err instanceof DeleteShareExceededError && /4 of 6 snapshots of group host \[a\]/.test(err.message) && err.code === 'DELETE_SHARE_EXCEEDED',
  );
  assert.equal(await snapshotCount(), 8);
});

test('forget deletes exactly the snapshot files the policy removes, matching restic forget --dry-run', async () => {
  const expected = JSON.parse(restic.run(['forget', '--dry-run', '--json', '--keep-last', '3'])) as { remove: { id: string }[] | null }[];
  const expectedRemove = expected.flatMap((g) => (g.remove ?? []).map((s) => s.id)).sort();
  const { outcome } = await runJobLocally(forgetJob, ctx, parseForgetJobOptions({ keepLast: '3', maxDeleteShare: 0.5 }));
  assert.deepEqual([...outcome.removed].sort(), expectedRemove);
  assert.equal(await snapshotCount(), 5);
  assert.equal(JSON.parse(restic.run(['snapshots', '--json'])).length, 5);
});

test('explicit snapshot IDs (short ones too) are removed whatever the policy', async () => {
  const ids = await ctx.repo.listIds('snapshots');
  const { outcome } = await runJobLocally(forgetJob, ctx, parseForgetJobOptions({ snapshotIds: [ids[0]!.slice(0, 8)] }));
  assert.deepEqual(outcome.removed, [ids[0]]);
  assert.equal(await snapshotCount(), 4);
});

test('options: job keys, flat forget+prune objects, and errors that name the flag', () => {
  const o = parseForgetJobOptions({ keepDaily: 7, prune: 'true', maxDeleteShare: 0.25, host: ['a'] });
  assert.equal(o.keepDaily, 7);
  assert.equal(o.prune, true);
  assert.equal(o.maxDeleteShare, 0.25);
  assert.deepEqual(o.hosts, ['a']);
  const both = parseForgetPruneOptions({ keepDaily: 7, keepWeekly: 5, keepMonthly: 12, keepYearly: 3, prune: true, maxUnused: '10%' });
  assert.equal(both.forget.keepYearly, 3);
  assert.deepEqual(both.prune.maxUnused, { kind: 'percent', percent: 10 });
  assert.throws(() => parseForgetJobOptions({ maxDeleteShare: '1.5' }), /--max-delete-share/);
  assert.throws(() => parseForgetJobOptions({ prune: 'maybe' }), /--prune/);
  assert.throws(() => parseForgetPruneOptions({ keepDaily: 'x' }), /--keep-daily/);
  assert.throws(() => parseForgetPruneOptions({ maxUnused: '200%' }), /--max-unused/);
});
