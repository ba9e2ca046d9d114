// The index writer's contract: every pack handed to it ends up in exactly one index file, even when packs
// arrive while a file is being written; and a long job writes index files early, by pack count or by age,
// so an interrupted job leaves its uploads reusable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { IndexWriter, Repository } from '../../../shared/repository/index.js';
import { openBackend } from '../../../shared/storage/index.js';
import { RESTIC_PASSWORD, createResticRepo } from '../../support/restic.js';

const randomId = (): string => randomBytes(32).toString('hex');
const blobs = () => [{ type: 'data' as const, id: randomId(), offset: 0, length: 100 }];

async function withRepo(work: (repo: Repository, dir: string) => Promise<void>): Promise<void> {
  const r = createResticRepo();
  const backend = await openBackend(r.repo, {});
  try {
    await work(await Repository.open(backend, RESTIC_PASSWORD), r.repo);
  } finally {
    await backend.close();
    r.cleanup();
  }
}

/** Pack IDs named by each of the written index files. */
async function indexedPacks(repo: Repository, files: readonly string[]): Promise<string[]> {
  const all: string[] = [];
  for (const id of files) {
    const { packs } = JSON.parse((await repo.loadJson('index', id)).toString('utf8')) as { packs: { id: string }[] };
    all.push(...packs.map((p) => p.id));
  }
  return all.sort();
}

test('writes an index file every maxPacks packs', async () => {
  await withRepo(async (repo) => {
    const writer = new IndexWriter(repo, { maxPacks: 2 });
    const ids = [randomId(), randomId(), randomId()];
    for (const id of ids) await writer.addPack(id, blobs());
    assert.equal(writer.files.length, 1);
    assert.equal(writer.pendingPacks, 1);
    await writer.flush();
    assert.deepEqual(await indexedPacks(repo, writer.files), [...ids].sort());
  });
});

test('writes an index file once the oldest pending pack is maxAgeMs old', async () => {
  await withRepo(async (repo) => {
    let now = 1_000;
    const writer = new IndexWriter(repo, { maxAgeMs: 60_000, now: () => now });
    await writer.addPack(randomId(), blobs());
    now += 30_000;
    await writer.addPack(randomId(), blobs());
    assert.equal(writer.files.length, 0);
    now += 30_000;
    await writer.addPack(randomId(), blobs());
    assert.equal(writer.files.length, 1);
    assert.equal(writer.pendingPacks, 0);
  });
});

test('a pack added while an index file is being written goes into the next file, not lost', async () => {
  await withRepo(async (repo) => {
    const writer = new IndexWriter(repo);
    const first = randomId();
    const second = randomId();
    await writer.addPack(first, blobs());
    const flushing = writer.flush();
    await writer.addPack(second, blobs()); // arrives while the first file is on its way
    await flushing;
    await writer.flush();
    assert.equal(writer.files.length, 2);
    assert.deepEqual(await indexedPacks(repo, writer.files), [first, second].sort());
  });
});
