// check --read-data verifies packs in worker threads when it can, on the calling thread otherwise. Both
// paths must find the same damage with the same findings (messages, blobs, snapshots, figures): a flipped
// byte in a blob, a flipped byte in a pack header, a truncated pack.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, readdirSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { silentReporter, type Id } from '../../../../shared/core/index.js';
import { createCheckJob, runJobLocally, type CheckResult } from '../../../../shared/maintenance/index.js';
import { PackVerifier } from '../../../../shared/maintenance/check/pack-verifier.js';
import type { IndexBlob } from '../../../../shared/format/index.js';
import { verifyPack } from '../../../../shared/repository/pack-verify.js';
import { Repository } from '../../../../shared/repository/index.js';
import { LocalBackend } from '../../../../shared/storage/index.js';
import { IDENTITY, indexedPacks } from '../../../support/backup-engine.js';
import { createResticRepo, RESTIC_PASSWORD, type ResticRepo } from '../../../support/restic.js';

const packPath = (repo: string, id: Id): string => join(repo, 'data', id.slice(0, 2), id);

const repos: ResticRepo[] = [];
after(() => repos.forEach((r) => r.cleanup()));

/**
 * A repository restic wrote with one backup (random files and compressible text, so blobs of both kinds);
 * returns its folder, a scratch folder beside it, and its largest pack (a data pack).
 */
function backedUp(): { dir: string; repoDir: string; pack: Id } {
  const restic = createResticRepo();
  repos.push(restic);
  const src = join(restic.dir, 'src');
  mkdirSync(src);
  writeFileSync(join(src, 'a.bin'), randomBytes(2_500_000));
  writeFileSync(join(src, 'b.txt'), 'a line of text that compresses well\n'.repeat(30_000));
  restic.run(['backup', '-q', src]);
  const repoDir = restic.repo;
  const packs = readdirSync(join(repoDir, 'data')).flatMap((d) => readdirSync(join(repoDir, 'data', d)));
  const pack = packs.reduce((a, b) => (statSync(packPath(repoDir, a)).size >= statSync(packPath(repoDir, b)).size ? a : b));
  return { dir: restic.dir, repoDir, pack };
}

/** A damaged copy: `damage` gets the copy's path of `pack`. */
function damagedCopy(from: string, to: string, pack: Id, damage: (file: string) => void): string {
  cpSync(from, to, { recursive: true });
  damage(packPath(to, pack));
  return to;
}

function flipByte(file: string, at: number): void {
  const bytes = readFileSync(file);
  bytes[at < 0 ? bytes.length + at : at]! ^= 0x40;
  writeFileSync(file, bytes);
}

/** Runs check --read-data; `packReads` (when given) counts the reads of each pack. */
async function check(repoDir: string, verifyThreads: number, readAheadInPlan = false, packReads?: Map<Id, number>): Promise<CheckResult> {
  const backend = new LocalBackend(repoDir);
  if (packReads !== undefined) {
    const read = backend.read.bind(backend);
    backend.read = (type, name, range) => {
      if (type === 'data' && range === undefined) packReads.set(name, (packReads.get(name) ?? 0) + 1);
      return read(type, name, range);
    };
  }
  try {
    const repo = await Repository.open(backend, RESTIC_PASSWORD);
    const ctx = { repo, reporter: silentReporter, now: new Date(), identity: IDENTITY };
    return (await runJobLocally(createCheckJob({ random: () => 0.5, verifyThreads, readAheadInPlan }), ctx, { readData: true })).outcome;
  } finally {
    await backend.close();
  }
}

/**
 * One pack of a fresh repository as the verifier sees it: the open repository, the pack's index entries and
 * three versions of its bytes (intact, a flipped blob byte, the last 100 bytes cut off).
 */
async function packVersions(): Promise<{ backend: LocalBackend; repo: Repository; pack: Id; indexed: IndexBlob[]; good: Buffer; flipped: Buffer; truncated: Buffer }> {
  const { repoDir, pack } = backedUp();
  const backend = new LocalBackend(repoDir);
  const repo = await Repository.open(backend, RESTIC_PASSWORD);
  const indexed = (await indexedPacks(repo)).find((p) => p.id === pack)!.blobs;
  const good = readFileSync(packPath(repoDir, pack));
  const flipped = Buffer.from(good);
  flipped[100]! ^= 0x40;
  return { backend, repo, pack, indexed, good, flipped, truncated: good.subarray(0, good.length - 100) };
}

describe('check --read-data on worker threads and on the calling thread', () => {
  const cases: [string, (file: string) => void, string[]][] = [
    ['a flipped byte in a blob', (f) => flipByte(f, 100), ['pack-hash', 'blob-damaged']],
    ['a flipped byte in the pack header', (f) => flipByte(f, -10), ['pack-hash', 'pack-header']],
    ['a truncated pack', (f) => truncateSync(f, statSync(f).size - 100), ['pack-size', 'pack-hash', 'pack-header']],
  ];

  test('find the same damage with the same findings', async () => {
    const { dir, repoDir, pack } = backedUp();
    assert.deepEqual((await check(repoDir, 2)).errors, [], 'the undamaged repository checks green on worker threads');
    for (const [i, [what, damage, kinds]] of cases.entries()) {
      const copy = damagedCopy(repoDir, join(dir, `copy-${i}`), pack, damage);
      const inWorkers = await check(copy, 2);
      const inThread = await check(copy, 0);
      assert.deepEqual(inWorkers, inThread, `${what}: both paths report the same`);
      // Reading the packs ahead, during the tree walk (the CLI's way), changes nothing either, and reads each pack once.
      const reads = new Map<Id, number>();
      assert.deepEqual(await check(copy, 2, true, reads), inWorkers, `${what}: read ahead, the same findings`);
      assert.ok(reads.size > 1 && [...reads.values()].every((n) => n === 1), `${what}: each pack read once: ${JSON.stringify([...reads])}`);
      assert.deepEqual([...new Set(inWorkers.errors.map((e) => e.kind))].sort(), [...kinds].sort(), `${what}: ${JSON.stringify(inWorkers.errors)}`);
      for (const e of inWorkers.errors) {
        assert.equal(e.pack, pack, `${what}: every finding names the pack`);
        // A damaged blob, or a pack with the wrong size, names the one snapshot; the pack's hash or header alone names none.
        const named = e.blob !== undefined || e.kind === 'pack-size';
        assert.equal(e.snapshots?.length, named ? 1 : 0, `${what}: ${JSON.stringify(e)}`);
      }
    }
  });

  test('the verifier really uses worker threads, and their verdicts equal the in-thread ones, one at a time or many at once', async () => {
    const { backend, repo, pack, indexed, good, flipped, truncated } = await packVersions();
    const verifier = new PackVerifier(repo.key, 2);
    try {
      for (const bytes of [good, flipped, truncated]) {
        const expected = verifyPack(repo.key, pack, bytes, indexed);
        // The verifier takes the bytes over (transfers them), so it gets a copy.
        assert.deepEqual(await verifier.verify(pack, Buffer.from(bytes), indexed), expected);
      }
      assert.equal(verifier.inWorkers, true, 'a worker script exists under tsx, so the pool is used');
    } finally {
      await verifier.close();
    }
    // Many at once: one worker holds two, the calling thread takes the rest from the queue.
    const shared = new PackVerifier(repo.key, 1);
    try {
      const inputs = [good, flipped, truncated, good, flipped, truncated, good];
      const verdicts = await Promise.all(inputs.map((bytes) => shared.verify(pack, Buffer.from(bytes), indexed)));
      assert.deepEqual(verdicts, inputs.map((bytes) => verifyPack(repo.key, pack, bytes, indexed)));
    } finally {
      await shared.close();
      await backend.close();
    }
    assert.equal(new PackVerifier(repo.key, 0).inWorkers, false);
  });

  test('buffers of verified packs are read into again, and what they held before never leaks into a verdict', async () => {
    // `truncated` is shorter than what the buffer held before: a verdict must see only its own bytes.
    const { backend, repo, pack, indexed, good, flipped, truncated } = await packVersions();
    try {
      for (const threads of [1, 0]) {
        const verifier = new PackVerifier(repo.key, threads);
        try {
          let previous: Uint8Array | undefined;
          for (const bytes of [good, flipped, truncated, good, truncated, flipped, good]) {
            const memory = verifier.allocate(bytes.length);
            // A buffer sent back by a worker is a new object over the same memory: the bytes it still
            // holds show that it is the last pack's buffer, not a fresh (zeroed) one.
            if (previous !== undefined) assert.deepEqual(new Uint8Array(memory, 0, 64), new Uint8Array(previous.subarray(0, 64)), `threads ${threads}: buffer reused`);
            const view = new Uint8Array(memory, 0, bytes.length);
            view.set(bytes);
            assert.deepEqual(await verifier.verify(pack, view, indexed, true), verifyPack(repo.key, pack, bytes, indexed), `threads ${threads}`);
            previous = bytes;
          }
          // Without reuse the buffer is not taken back: the next allocation is a new, zeroed one.
          const memory = verifier.allocate(good.length);
          await verifier.verify(pack, new Uint8Array(memory, 0, good.length).fill(7), indexed, false);
          assert.ok(new Uint8Array(verifier.allocate(good.length), 0, 64).every((b) => b === 0), `threads ${threads}: a new buffer`);
        } finally {
          await verifier.close();
        }
      }
    } finally {
      await backend.close();
    }
  });
});
