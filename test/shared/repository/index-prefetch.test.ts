// Index files read while the lock is being taken: loadIndex must give exactly what it gives without the
// early read, read no file twice, and behave as before when index files change meanwhile (a prune adding
// and removing them) or one is damaged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { CorruptDataError, randomId, type Id } from '../../../shared/core/index.js';
import { encodeIndexFile } from '../../../shared/format/index.js';
import { loadIndex, type Repository } from '../../../shared/repository/index.js';
import { initRepo } from '../../support/backup-engine.js';
import { tempDir } from '../../support/tmp.js';

/** saveIndexFile writes an index file of `packs` packs with 3 data blobs each; returns its ID and the blob IDs. */
async function saveIndexFile(repo: Repository, packs: number): Promise<{ id: Id; blobs: Id[] }> {
  const blobs: Id[] = [];
  const file = {
    packs: Array.from({ length: packs }, () => ({
      id: randomId(),
      blobs: Array.from({ length: 3 }, (_, i) => {
        const id = randomId();
        blobs.push(id);
        return { id, type: 'data' as const, offset: i * 100, length: 100 };
      }),
    })),
  };
  return { id: await repo.saveJson('index', encodeIndexFile(file)), blobs };
}

/** Counts reads of index files through the repository's backend. */
function countIndexReads(repo: Repository): Map<Id, number> {
  const reads = new Map<Id, number>();
  const backend = repo.backend;
  const read = backend.read.bind(backend);
  backend.read = (type, name, range) => {
    if (type === 'index') reads.set(name, (reads.get(name) ?? 0) + 1);
    return read(type, name, range);
  };
  return reads;
}

test('files read early are used once, and the index is the same as without the early read', async () => {
  const repo = await initRepo(tempDir());
  const saved = await Promise.all(Array.from({ length: 6 }, (_, i) => saveIndexFile(repo, 5 + i)));
  const reads = countIndexReads(repo);
  const stop = repo.prefetchIndex();
  await new Promise((r) => setTimeout(r, 100));
  stop();
  assert.equal(reads.size, 6, 'all six files read during the wait');
  const loaded = await loadIndex(repo);
  assert.deepEqual([...reads.values()], [1, 1, 1, 1, 1, 1], 'no file read twice');
  assert.deepEqual(new Set(loaded.files), new Set(saved.map((s) => s.id)));
  for (const s of saved) for (const blob of s.blobs) assert.ok(loaded.index.has('data', blob));
  assert.equal(loaded.index.blobCount, saved.reduce((n, s) => n + s.blobs.length, 0));
});

test('an index file removed after the early read is not used, and one added is read', async () => {
  const repo = await initRepo(tempDir());
  const kept = await saveIndexFile(repo, 2);
  const removed = await saveIndexFile(repo, 2);
  const stop = repo.prefetchIndex();
  await new Promise((r) => setTimeout(r, 100));
  stop();
  // What a prune does between the early read and the listing under the lock.
  await repo.backend.remove('index', removed.id);
  const added = await saveIndexFile(repo, 2);
  const loaded = await loadIndex(repo);
  assert.deepEqual(new Set(loaded.files), new Set([kept.id, added.id]));
  for (const blob of removed.blobs) assert.equal(loaded.index.has('data', blob), false);
  for (const blob of added.blobs) assert.equal(loaded.index.has('data', blob), true);
});

test('a damaged index file fails the load as it does without the early read', async () => {
  const dir = tempDir();
  const repo = await initRepo(dir);
  await saveIndexFile(repo, 2);
  const damaged = await saveIndexFile(repo, 2);
  const path = join(dir, 'index', damaged.id);
  chmodSync(path, 0o600);
  appendFileSync(path, 'x');
  const stop = repo.prefetchIndex();
  await new Promise((r) => setTimeout(r, 100));
  stop();
  await assert.rejects(loadIndex(repo), (err: unknown) => err instanceof CorruptDataError && err.message.includes(damaged.id.slice(0, 8)));
});
