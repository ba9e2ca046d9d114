// The copy job on real repositories: restic 0.14 writes the source, cairn or restic initializes the target
// (other master key, other chunker polynomial, v2 or v1), restic checks and restores the result.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createResticRepo, runRestic, cheapenKeys, type ResticRepo, RESTIC_PASSWORD } from '../../../support/restic.js';
import { compareTrees } from '../../../support/tree-compare.js';
import { tempDir } from '../../../support/tmp.js';
import { loadIndex, type Repository } from '../../../../shared/repository/index.js';
import { copyLocally, copyOptions, copyStepwise, initRepo, listRepoFiles, openRepo, writeTree } from './fixtures.js';

const TARGET_PASSWORD = 'target-secret';

interface SnapshotJson {
  id: string;
  short_id: string;
  time: string;
  tree: string;
  paths: string[];
  tags?: string[];
  parent?: string;
  original?: string;
}

const snapshotsOf = (repo: string, password: string): SnapshotJson[] => JSON.parse(runRestic(repo, ['snapshots', '--json'], password)) as SnapshotJson[];

function restoresEqual(sourceRepo: string, sourceId: string, targetRepo: string, targetId: string, password: string): string[] {
  const base = tempDir();
  runRestic(sourceRepo, ['restore', sourceId, '--target', join(base, 'from-source')]);
  runRestic(targetRepo, ['restore', targetId, '--target', join(base, 'from-target')], password);
  return compareTrees(join(base, 'from-source'), join(base, 'from-target'));
}

describe('copy job', () => {
  let source: ResticRepo;
  let sourceRepo: Repository;
  let first: string;
  let second: string;

  before(async () => {
    source = createResticRepo();
    const src = join(source.dir, 'src');
    mkdirSync(src);
    writeTree(src, 0);
    source.run(['backup', '-q', '--host', 'alpha', src]);
    writeFileSync(join(src, 'docs', 'deep', 'b.txt'), 'changed\n');
    writeFileSync(join(src, 'big-1.bin'), randomBytes(900 * 1024));
    source.run(['backup', '-q', '--host', 'alpha', '--tag', 'daily', src]);
    [first, second] = snapshotsOf(source.repo, RESTIC_PASSWORD).map((s) => s.id) as [string, string];
    sourceRepo = await openRepo(source.repo, RESTIC_PASSWORD);
  });
  after(() => source.cleanup());

  it('copies restic snapshots into a cairn repository with other keys and polynomial, and they restore identically', async () => {
    const dir = join(tempDir(), 'target');
    const target = await initRepo(dir, TARGET_PASSWORD);
    assert.notEqual(target.config.chunker_polynomial, sourceRepo.config.chunker_polynomial);

    const { plan, outcome } = await copyLocally(sourceRepo, target);

    assert.deepEqual(outcome.copied.map((c) => c.source), [first, second]);
    assert.ok(plan.stats.dataBlobs > 0 && plan.stats.treeBlobs > 0);
    assert.equal(outcome.blobs, plan.stats.dataBlobs + plan.stats.treeBlobs);
    runRestic(dir, ['check', '--read-data'], TARGET_PASSWORD);
    const copies = snapshotsOf(dir, TARGET_PASSWORD);
    const sources = snapshotsOf(source.repo, RESTIC_PASSWORD);
    assert.equal(copies.length, 2);
    for (const [i, copy] of copies.entries()) {
      const orig = sources[i]!;
      assert.equal(copy.original, orig.id, 'original names the source snapshot');
      assert.equal(copy.parent, undefined, 'the source parent means nothing in the target');
      assert.deepEqual([copy.time, copy.tree, copy.paths, copy.tags], [orig.time, orig.tree, orig.paths, orig.tags]);
      assert.deepEqual(restoresEqual(source.repo, orig.id, dir, copy.id, TARGET_PASSWORD), []);
    }

    // Dedup within one run: every blob was stored once.
    const { index } = await loadIndex(target);
    assert.equal(index.entryCount, index.blobCount);

    const before = listRepoFiles(dir);
    const again = await copyLocally(sourceRepo, target);
    assert.deepEqual(again.outcome.copied, []);
    assert.deepEqual(again.outcome.skipped.map((s) => s.source), [first, second]);
    assert.deepEqual(listRepoFiles(dir), before, 'a second run writes nothing');
  });

  it('runs step by step through JSON into a restic v1 repository, many small items', async () => {
    const target = createResticRepo({ version: 1 });
    after(() => target.cleanup());
    cheapenKeys(target.repo, RESTIC_PASSWORD);
    const targetRepo = await openRepo(target.repo, RESTIC_PASSWORD);

    const { plan, items, outcome } = await copyStepwise(sourceRepo, targetRepo, copyOptions({ snapshots: [second.slice(0, 8)], itemBytes: 64 * 1024 }));

    assert.ok(plan.stats.packs > 1 && items === plan.stats.packs, `expected one item per source pack, got ${items} for ${plan.stats.packs}`);
    assert.ok(outcome.packs > items, 'small target packs: more packs than items');
    assert.deepEqual(outcome.copied.map((c) => c.source), [second]);
    target.run(['check', '--read-data']);
    const [copy] = snapshotsOf(target.repo, RESTIC_PASSWORD);
    assert.deepEqual(restoresEqual(source.repo, second, target.repo, copy!.id, RESTIC_PASSWORD), []);
  });

  it('copies only what the target lacks, and copies a snapshot again after its tags changed', async () => {
    const dir = join(tempDir(), 'target');
    const target = await initRepo(dir, TARGET_PASSWORD);
    const one = await copyLocally(sourceRepo, target, copyOptions({ snapshots: [first] }));
    assert.deepEqual(one.outcome.copied.map((c) => c.source), [first]);

    const rest = await copyLocally(sourceRepo, target);
    assert.deepEqual(rest.outcome.copied.map((c) => c.source), [second]);
    assert.deepEqual(rest.outcome.skipped.map((s) => s.source), [first]);
    assert.ok(rest.plan.stats.dataBlobs < one.plan.stats.dataBlobs, 'unchanged files are not copied twice');
    const { index } = await loadIndex(target);
    assert.equal(index.entryCount, index.blobCount, 'no blob stored twice across runs');

    // restic's rule: a re-tagged source snapshot (new ID, `original` = old ID) is no longer similar to its copy.
    runRestic(source.repo, ['tag', '--add', 'kept', first]);
    const fresh = await openRepo(source.repo, RESTIC_PASSWORD);
    const retagged = await copyLocally(fresh, target);
    assert.equal(retagged.outcome.copied.length, 1);
    assert.equal(retagged.plan.stats.dataBlobs + retagged.plan.stats.treeBlobs, 0, 'the data is all there already');
    const copies = snapshotsOf(dir, TARGET_PASSWORD);
    assert.equal(copies.filter((c) => c.original === first).length, 2);
    assert.deepEqual((await copyLocally(fresh, target)).outcome.copied, []);
    runRestic(dir, ['check', '--read-data'], TARGET_PASSWORD);
  });
});
