// repackBatch on packs written by restic 0.14: with verification on worker threads and on the calling
// thread alike, every kept blob lands in a new pack that decodes to it, and a damaged kept blob stops the
// batch with PackCorruptError naming its pack, before anything could be deleted.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { PackCorruptError } from '../../../../shared/core/index.js';
import { repackBatch, type RepackBatch } from '../../../../shared/maintenance/prune/index.js';
import { DEFAULT_PACK_SIZE, loadIndex, readBlob, MasterIndex, Repository } from '../../../../shared/repository/index.js';
import { LocalBackend, objectPath } from '../../../../shared/storage/index.js';
import { createResticRepo, RESTIC_PASSWORD, type ResticRepo } from '../../../support/restic.js';

let restic: ResticRepo;
let repo: Repository;
let batch: RepackBatch;

before(async () => {
  restic = createResticRepo();
  for (let round = 0; round < 3; round++) {
    const src = join(restic.dir, `src${round}`);
    writeFileSync(src, randomBytes(900_000));
    restic.run(['backup', '-q', src]); // each backup ends its packs: several small ones
  }
  repo = await Repository.open(new LocalBackend(restic.repo), RESTIC_PASSWORD);
  const { index } = await loadIndex(repo);
  batch = { packs: [...index.packIds()].map((packId) => ({ packId, size: 0, keep: index.packBlobs(packId) })) };
  assert.ok(batch.packs.length >= 4, `${batch.packs.length} packs`);
});
after(() => restic.cleanup());

for (const threads of [2, 0]) {
  test(`${threads} verification threads: every kept blob is in a new pack and reads back`, async () => {
    const result = await repackBatch(repo, batch, DEFAULT_PACK_SIZE, undefined, threads);
    const fresh = new MasterIndex();
    for (const p of result.packs) fresh.addPack(p.id, p.blobs);
    const kept = batch.packs.flatMap((p) => p.keep);
    assert.equal(fresh.blobCount, kept.length);
    for (const b of kept) assert.equal((await readBlob(repo, fresh, b.type, b.id)).length > 0, true);
    for (const p of result.packs) await repo.backend.remove('data', p.id);
  });
}

test('a damaged kept blob stops the batch with PackCorruptError naming its pack, with threads or without', async () => {
  const victim = batch.packs[1]!;
  const path = join(restic.repo, objectPath('data', victim.packId));
  const original = readFileSync(path);
  const damaged = Buffer.from(original);
  damaged[victim.keep[0]!.offset + 20]! ^= 0xff;
  chmodSync(path, 0o600);
  writeFileSync(path, damaged);
  try {
    for (const threads of [2, 0]) {
      await assert.rejects(repackBatch(repo, batch, DEFAULT_PACK_SIZE, undefined, threads), (e: unknown) => e instanceof PackCorruptError && e.packId === victim.packId && e.message.includes('cannot be read'));
    }
  } finally {
    writeFileSync(path, original);
  }
});
