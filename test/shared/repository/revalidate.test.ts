// Rule (4) of two-phase prune, backup side, in one process: a backup whose lock may have looked stale
// re-validates its snapshot against a fresh index before writing it. A fake lock plays the stale lock, and
// its refresh() plays the prune that ran meanwhile (everything it does lands before the backup lists data/
// and loads the index, as a real prune's deletions land within the window the backup waits out).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  classifyBlobs,
  loadIndex,
  readableIndex,
  readBlob,
  type Repository,
  snapshotBlobs,
  SnapshotInvalidatedError,
  walkTree,
  type StaleWatch,
} from '../../../shared/repository/index.js';
import { runBackup } from '../../../client/backup/run-backup.js';
import { indexedPacks, initRepo, markAllIndexed, options, sources } from '../../support/backup-engine.js';
import { tempDir } from '../../support/tmp.js';

/** A lock that looks stale until refreshed; its refresh runs `prune` first (the prune that ran meanwhile). */
function staleLock(prune: () => Promise<void>): StaleWatch & { refreshes: number } {
  let stale = true;
  const lock = {
    refreshes: 0,
    mayHaveGoneStale: () => stale,
    acknowledgeStale: () => void (stale = false),
    refresh: async () => {
      if (lock.refreshes++ === 0) await prune();
    },
  };
  return lock;
}

/** The snapshot's files as restored through a readable index (live, then marked packs). */
async function restoredFiles(repo: Repository, tree: string): Promise<Map<string, Buffer>> {
  const index = readableIndex(await loadIndex(repo));
  const out = new Map<string, Buffer>();
  for await (const { path, node } of walkTree(repo, index, tree)) {
    if (node.type !== 'file') continue;
    out.set(path, Buffer.concat(await Promise.all((node.content ?? []).map((id) => readBlob(repo, index, 'data', id)))));
  }
  return out;
}

describe('backup re-validation after a stale lock', () => {
  test('copies blobs found only in marked packs into new packs; the snapshot depends on live packs only', async () => {
    const dir = tempDir();
    const repo = await initRepo(join(dir, 'repo'));
    const src = sources(dir);
    await runBackup(repo, options([src.shared]));

    let marked: string[] = [];
    const lock = staleLock(async () => void (marked = await markAllIndexed(repo)));
    const result = await runBackup(repo, options([src.shared, src.own], lock));

    assert.ok(marked.length > 0);
    assert.equal(result.revalidation?.rounds, 1);
    assert.ok((result.revalidation?.copied ?? 0) >= 2, 'the shared file and tree were copied');
    assert.ok(result.snapshotId);
    const fresh = await loadIndex(repo);
    const stored = new Set(await repo.listIds('data'));
    const verdict = await classifyBlobs(snapshotBlobs(repo, result.snapshot.tree, fresh, (id) => stored.has(id)), fresh, (id) => stored.has(id));
    assert.deepEqual({ marked: verdict.markedOnly, gone: verdict.gone }, { marked: [], gone: [] });
    const files = await restoredFiles(repo, result.snapshot.tree);
    for (const path of [join(src.shared, 'big.bin'), join(src.shared, 'sub', 'note.txt'), join(src.own, 'new.bin')]) {
      assert.deepEqual(files.get(path), readFileSync(path), path);
    }
  });

  test('aborts without a snapshot when a deduplicated blob was deleted', async () => {
    const dir = tempDir();
    const repo = await initRepo(join(dir, 'repo'));
    const src = sources(dir);
    const first = await runBackup(repo, options([src.shared]));
    const lock = staleLock(async () => {
      // The first snapshot was forgotten, and two prunes marked and then deleted its packs.
      await repo.backend.remove('snapshots', first.snapshotId!);
      for (const id of await markAllIndexed(repo)) await repo.backend.remove('data', id);
    });

    await assert.rejects(runBackup(repo, options([src.shared, src.own], lock)), SnapshotInvalidatedError);
    assert.deepEqual(await repo.listIds('snapshots'), []);
  });

  test('leaves a deleted unindexed pack of its own out of the index, and aborts', async () => {
    const dir = tempDir();
    const repo = await initRepo(join(dir, 'repo'));
    const src = sources(dir);
    const lock = staleLock(async () => {
      // A prune marked the backup's uploaded but unindexed packs, and a later one deleted them.
      const indexed = new Set((await indexedPacks(repo)).map((p) => p.id));
      for (const id of await repo.listIds('data')) if (!indexed.has(id)) await repo.backend.remove('data', id);
    });

    await assert.rejects(runBackup(repo, options([src.shared, src.own], lock)), SnapshotInvalidatedError);
    assert.deepEqual(await repo.listIds('snapshots'), []);
    const stored = new Set(await repo.listIds('data'));
    for (const p of await indexedPacks(repo)) assert.ok(stored.has(p.id), `index names missing pack ${p.id}`);
  });

  test('a lock that stayed fresh costs nothing: no round, no copy', async () => {
    const dir = tempDir();
    const repo = await initRepo(join(dir, 'repo'));
    const src = sources(dir);
    const fresh: StaleWatch = { mayHaveGoneStale: () => false, acknowledgeStale: () => undefined, refresh: () => assert.fail('no refresh expected') };
    const result = await runBackup(repo, options([src.shared], fresh));
    assert.deepEqual(result.revalidation, { rounds: 0, copied: 0, droppedPacks: 0 });
    assert.ok(result.snapshotId);
  });
});
