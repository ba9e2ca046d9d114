// check's startBeforeLock: the index is loaded and packs are verified while the caller takes its lock.
// What it reads early must never change what check reports: the same findings as a check started under
// the lock, each pack read once; an index that changed before plan is read again (a backup that finished
// meanwhile is checked in full, with no false findings); and stopping it stops the reads.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { silentReporter, type Id } from '../../../../shared/core/index.js';
import { createCheckJob, runJobLocally, type CheckOptions, type CheckResult } from '../../../../shared/maintenance/index.js';
import { Repository } from '../../../../shared/repository/index.js';
import { LocalBackend } from '../../../../shared/storage/index.js';
import { IDENTITY } from '../../../support/backup-engine.js';
import { runCairn } from '../../../support/cli.js';
import { createResticRepo, RESTIC_PASSWORD, type ResticRepo } from '../../../support/restic.js';

const repos: ResticRepo[] = [];
after(() => repos.forEach((r) => r.cleanup()));

const packFiles = (repo: string): Id[] => readdirSync(join(repo, 'data')).flatMap((d) => readdirSync(join(repo, 'data', d)));

/** A restic repository with two backups of random and text files (several packs of both kinds). */
function backedUp(): ResticRepo {
  const restic = createResticRepo();
  repos.push(restic);
  for (const round of [1, 2]) {
    const src = join(restic.dir, `src-${round}`);
    mkdirSync(src);
    for (let i = 0; i < 3; i++) writeFileSync(join(src, `r${i}.bin`), randomBytes(1_500_000));
    writeFileSync(join(src, 'b.txt'), `round ${round}: a line of text that compresses well\n`.repeat(20_000));
    restic.run(['backup', '-q', src]);
  }
  return restic;
}

/** A LocalBackend counting full reads of each pack. */
function countingBackend(dir: string, reads: Map<Id, number>): LocalBackend {
  const backend = new LocalBackend(dir);
  const read = backend.read.bind(backend);
  backend.read = (type, name, range) => {
    if (type === 'data' && range === undefined) reads.set(name, (reads.get(name) ?? 0) + 1);
    return read(type, name, range);
  };
  return backend;
}

/**
 * Runs check on `dir`; with `early`, startBeforeLock first and `between` (a stand-in for the lock's pause,
 * during which other processes may change the repository) before plan.
 */
async function check(dir: string, options: CheckOptions, early: boolean, between: () => Promise<void> = async () => undefined): Promise<{ result: CheckResult; reads: Map<Id, number> }> {
  const reads = new Map<Id, number>();
  const backend = countingBackend(dir, reads);
  try {
    const repo = await Repository.open(backend, RESTIC_PASSWORD);
    const job = createCheckJob({ random: () => 0.5, verifyThreads: 1, readAheadInPlan: true });
    const stop = early ? job.startBeforeLock(repo, options) : undefined;
    await between();
    try {
      const ctx = { repo, reporter: silentReporter, now: new Date(), identity: IDENTITY };
      return { result: (await runJobLocally(job, ctx, options)).outcome, reads };
    } finally {
      await stop?.();
    }
  } finally {
    await backend.close();
  }
}

describe('check started before the lock', () => {
  test('reports what a check started under the lock reports, reading each pack once', async () => {
    const restic = backedUp();
    const copy = join(restic.dir, 'damaged');
    cpSync(restic.repo, copy, { recursive: true });
    const victim = packFiles(copy).sort()[0]!;
    const file = join(copy, 'data', victim.slice(0, 2), victim);
    const bytes = readFileSync(file);
    bytes[50]! ^= 0x01;
    writeFileSync(file, bytes);

    for (const dir of [restic.repo, copy]) {
      const plain = await check(dir, { readData: true }, false);
      const early = await check(dir, { readData: true }, true, () => new Promise((r) => setTimeout(r, 100)));
      assert.deepEqual(early.result, plain.result);
      assert.equal(early.result.stats.packsRead, packFiles(dir).length);
      assert.deepEqual([...early.reads.values()].filter((n) => n !== 1), [], 'no pack read twice');
      assert.equal(early.reads.size, packFiles(dir).length);
    }
    const damaged = await check(copy, { readData: true }, true);
    assert.ok(damaged.result.errors.some((e) => e.kind === 'pack-hash' && e.pack === victim), JSON.stringify(damaged.result.errors));
    // A group subset is chosen by pack ID, so it too is read early: the same packs as under the lock.
    for (const n of [1, 2]) {
      const options: CheckOptions = { readData: false, readDataSubset: { kind: 'group', n, t: 2 } };
      const plain = await check(copy, options, false);
      const early = await check(copy, options, true);
      assert.deepEqual(early.result, plain.result);
      assert.deepEqual([...early.reads.keys()].sort(), [...plain.reads.keys()].sort());
    }
  });

  test('an index that changed during the lock is read again: a backup that finished meanwhile is checked in full', async () => {
    const restic = backedUp();
    const before = new Set(packFiles(restic.repo));
    const extra = join(restic.dir, 'src-late');
    const { result, reads } = await check(restic.repo, { readData: true }, true, async () => {
      // Let the early reads start, then write a third snapshot (new packs, a new index file).
      await new Promise((r) => setTimeout(r, 50));
      mkdirSync(extra);
      writeFileSync(join(extra, 'late.bin'), randomBytes(2_000_000));
      restic.run(['backup', '-q', extra]);
    });
    const after = packFiles(restic.repo);
    assert.ok(after.length > before.size, 'the late backup added packs');
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.hints, []);
    assert.equal(result.stats.snapshots, 3);
    assert.equal(result.stats.packsRead, after.length);
    for (const id of after) assert.ok((reads.get(id) ?? 0) >= 1, `pack ${id.slice(0, 8)} was read`);
    // The same holds when a prune removed packs and index files meanwhile.
    const pruned = await check(restic.repo, { readData: true }, true, async () => {
      restic.run(['forget', '-q', '--keep-last', '1', '--group-by', 'host', '--prune']);
    });
    assert.deepEqual(pruned.result.errors, []);
    assert.equal(pruned.result.stats.snapshots, 1);
    assert.equal(pruned.result.stats.packsRead, packFiles(restic.repo).length);
  });

  test('stopping it stops the reads', async () => {
    const restic = backedUp();
    const reads = new Map<Id, number>();
    const backend = countingBackend(restic.repo, reads);
    try {
      const repo = await Repository.open(backend, RESTIC_PASSWORD);
      const job = createCheckJob({ random: () => 0.5, verifyThreads: 1, readAheadInPlan: true });
      const stop = job.startBeforeLock(repo, { readData: true });
      await stop();
      const seen = [...reads.values()].reduce((a, b) => a + b, 0);
      await new Promise((r) => setTimeout(r, 200));
      assert.equal([...reads.values()].reduce((a, b) => a + b, 0), seen, 'no read begins after stop');
      assert.ok(seen < packFiles(restic.repo).length, `stopped before reading every pack (${seen} read)`);
    } finally {
      await backend.close();
    }
  });

  test('the CLI gives up at once when another process holds an exclusive lock, leaving no lock behind', async () => {
    const restic = backedUp();
    const repo = await Repository.open(new LocalBackend(restic.repo), RESTIC_PASSWORD);
    const { encodeLockFile, formatGoTime } = await import('../../../../shared/format/index.js');
    const lock = await repo.saveJson('locks', encodeLockFile({ time: formatGoTime(BigInt(Date.now()) * 1_000_000n, 0), exclusive: true, hostname: 'elsewhere', username: 'prune', pid: 4242 }));
    const r = await runCairn(['-r', restic.repo, 'check', '--read-data'], { env: { CAIRN_PASSWORD: RESTIC_PASSWORD }, timeoutMs: 30_000 });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /lock/i);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.deepEqual(readdirSync(join(restic.repo, 'locks')), [lock]);
  });
});
