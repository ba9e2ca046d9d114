// check and two-phase prune's marks: a snapshot that uses a blob found only in a marked pack is intact
// (restore reads marked packs; the next prune recovers the pack), so check reads marked packs too and
// reports them as hints with their age. A marked pack that is gone while a snapshot still uses it is not.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { silentReporter } from '../../../../shared/core/index.js';
import { createCheckJob, runJobLocally, type CheckOptions, type CheckResult } from '../../../../shared/maintenance/index.js';
import type { Repository } from '../../../../shared/repository/index.js';
import { runBackup } from '../../../../client/backup/run-backup.js';
import { formatAge } from '../../../../shared/maintenance/check/marked-packs.js';
import { IDENTITY, initRepo, markAllIndexed, options, sources } from '../../../support/backup-engine.js';
import { tempDir } from '../../../support/tmp.js';

async function check(repo: Repository, opts: CheckOptions = { readData: true }): Promise<CheckResult> {
  const ctx = { repo, reporter: silentReporter, now: new Date(), identity: IDENTITY };
  return (await runJobLocally(createCheckJob({ random: () => 0.5 }), ctx, opts)).outcome;
}

describe('check with marked packs', () => {
  test('a snapshot using blobs only in marked packs checks green (with --read-data); each marked pack is a hint with its age', async () => {
    const dir = tempDir();
    const repo = await initRepo(join(dir, 'repo'));
    await runBackup(repo, options([sources(dir).shared]));
    const marked = await markAllIndexed(repo);

    const result = await check(repo);

    assert.deepEqual(result.errors, []);
    const hints = result.hints.filter((h) => h.kind === 'pack-marked');
    assert.deepEqual(hints.map((h) => h.pack).sort(), [...marked].sort());
    assert.match(hints[0]!.message, /marked for deletion since .* \(\d+s ago\)/);
    assert.equal(result.stats.packsRead, marked.length, '--read-data reads the marked packs too');
    assert.equal(result.hints.filter((h) => h.kind === 'pack-unreferenced').length, 0);
  });

  test('a marked pack already deleted is no error unless a snapshot still uses it', async () => {
    const dir = tempDir();
    const repo = await initRepo(join(dir, 'repo'));
    const first = await runBackup(repo, options([sources(dir).shared]));
    const marked = await markAllIndexed(repo);
    await repo.backend.remove('data', marked[0]!);

    const used = await check(repo, { readData: false });
    assert.ok(used.errors.some((e) => e.kind === 'blob-missing' || e.kind === 'tree-unreadable'), JSON.stringify(used.errors));

    await repo.backend.remove('snapshots', first.snapshotId!);
    for (const id of marked.slice(1)) await repo.backend.remove('data', id);
    assert.deepEqual((await check(repo, { readData: false })).errors, []);
  });

  test('formatAge', () => {
    assert.deepEqual([formatAge(-5), formatAge(42_000), formatAge(125_000), formatAge(2 * 3600_000 + 5 * 60_000), formatAge(3 * 86_400_000 + 4 * 3600_000)], ['0s', '42s', '2m5s', '2h5m', '3d4h']);
  });
});
