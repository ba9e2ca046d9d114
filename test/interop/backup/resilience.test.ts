// Fault tests for backup: a process killed mid-upload, storage that throttles and drops connections, retries
// that run out, and Ctrl-C. Each ends with restic 0.14 checking the repository: whatever happens, nothing is
// left that restic calls an error, and the next run picks up what was stored.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cairnOk, cliCommand, runCairn } from '../../support/cli.js';
import { RESTIC_PASSWORD, cheapenKeys, createResticRepo, runRestic } from '../../support/restic.js';
import { exportBucket, importDirectory, startS3Server } from '../../support/s3-server.js';
import { startFaultProxy } from '../../support/fault-proxy.js';
import { tempDir } from '../../support/tmp.js';
import { cairnEnv, files, snapshots, summary } from '../../client/backup/helpers.js';

const work = tempDir('cairn-backup-faults-');
const big = join(work, 'big'); // 80 MiB of random data: five packs or more
const small = join(work, 'small');
const MiB = 1024 * 1024;

before(() => {
  mkdirSync(big);
  for (let i = 0; i < 4; i++) writeFileSync(join(big, `part-${i}`), randomBytes(20 * MiB));
  mkdirSync(small);
  for (let i = 0; i < 3; i++) writeFileSync(join(small, `f${i}`), randomBytes(3 * MiB));
});

/** Starts `cairn backup` and calls `when` every 20 ms until it returns true, then sends `signal`. */
async function backupUntil(env: Record<string, string>, target: string, when: () => boolean, signal: NodeJS.Signals): Promise<{ code: number | null; stderr: string; afterSignalMs: number }> {
  const [exe, ...pre] = cliCommand();
  const child = spawn(exe!, [...pre, 'backup', '-q', target], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  let signalledAt = 0;
  const poll = setInterval(() => {
    if (signalledAt === 0 && when()) {
      signalledAt = Date.now();
      child.kill(signal);
    }
  }, 20);
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  clearInterval(poll);
  assert.ok(signalledAt > 0, `the backup ended before the condition held: ${stderr}`);
  return { code, stderr, afterSignalMs: Date.now() - signalledAt };
}

test('kill -9 during upload: restic check is green, the next run reuses the indexed packs and completes', async () => {
  const r = createResticRepo();
  try {
    // An index file after every pack, so "one index exists" means at least one pack is reusable.
    const env = cairnEnv(r.repo, { CAIRN_INDEX_EVERY_PACKS: '1' });
    // Only complete index files count: a temp file being written (`<id>-tmp-…`) is not one yet.
    const killed = await backupUntil(env, big, () => readdirSync(join(r.repo, 'index')).some((n) => /^[0-9a-f]{64}$/.test(n)), 'SIGKILL');
    assert.equal(killed.code, null);
    assert.equal(snapshots(r.repo).length, 0);
    const packsBefore = files(r.repo, 'data').length;
    assert.ok(packsBefore >= 1);
    // restic check wants an exclusive lock; `restic unlock` removes the killed run's lock because restic
    // sees it as stale (same host, its PID is gone) — what a person would do after a crash.
    assert.equal(files(r.repo, 'locks').length, 1);
    r.run(['unlock']);
    assert.deepEqual(files(r.repo, 'locks'), []);
    r.run(['check']);

    const out = summary(await cairnOk(['backup', '--json', big], { env }));
    assert.ok(Number(out.data_added) < 80 * MiB - 15 * MiB, `data_added ${out.data_added}: the indexed pack was stored again`);
    r.run(['check', '--read-data']);
  } finally {
    r.cleanup();
  }
});

test('SIGINT during backup: stops promptly, removes its lock, exits non-zero, writes no snapshot', async () => {
  const r = createResticRepo();
  try {
    const res = await backupUntil(cairnEnv(r.repo), big, () => existsSync(join(r.repo, 'data')) && files(r.repo, 'data').length > 0, 'SIGINT');
    assert.notEqual(res.code, 0);
    assert.ok(res.afterSignalMs < 5000, `took ${res.afterSignalMs} ms to stop`);
    assert.match(res.stderr, /interrupted by SIGINT/);
    assert.equal(res.stderr.trim().split('\n').length, 1, res.stderr);
    assert.deepEqual(files(r.repo, 'locks'), []);
    assert.equal(snapshots(r.repo).length, 0);
    r.run(['check']);
  } finally {
    r.cleanup();
  }
});

test('S3 that throttles (503 SlowDown) and resets connections mid-upload: retries absorb it, restic checks clean', async () => {
  const server = await startS3Server();
  const proxy = await startFaultProxy(server.endpoint);
  try {
    const local = join(work, 's3-seed');
    await cairnOk(['-r', local, 'init'], { env: { CAIRN_PASSWORD: RESTIC_PASSWORD } });
    cheapenKeys(local);
    await importDirectory(server, local, 'repo');
    const isUpload = (m: string, u: string): boolean => m === 'PUT' && /\/(data|index|snapshots)\//.test(u);
    proxy.inject({ kind: 'status', status: 503, code: 'SlowDown' }, { times: 3, match: (q) => isUpload(q.method, q.url) });
    proxy.inject({ kind: 'reset-mid-upload' }, { times: 2, match: (q) => q.method === 'PUT' && q.url.includes('/data/') });
    proxy.inject({ kind: 'reset' }, { times: 1, match: (q) => isUpload(q.method, q.url) });
    const env = {
      CAIRN_REPOSITORY: `s3:${proxy.endpoint}/${server.bucket}/repo`,
      CAIRN_PASSWORD: RESTIC_PASSWORD,
      CAIRN_RETRY_BASE_MS: '20',
      AWS_ACCESS_KEY_ID: server.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: server.credentials.secretAccessKey,
      AWS_REGION: server.region,
    };
    const out = summary(await cairnOk(['backup', '--json', small], { env }));
    assert.equal(out.files_new, 3);
    assert.ok(proxy.stats.faults >= 6, `only ${proxy.stats.faults} faults fired`);

    const exported = join(work, 's3-exported');
    await exportBucket(server, 'repo', exported);
    runRestic(exported, ['check', '--read-data']);
    assert.equal(snapshots(exported).length, 1);
  } finally {
    await proxy.stop();
    await server.stop();
  }
});

test('retries running out: exit 1 with one line, no snapshot, lock removed, repository still checks clean', async () => {
  const server = await startS3Server();
  const proxy = await startFaultProxy(server.endpoint);
  try {
    const local = join(work, 's3-seed-2');
    await cairnOk(['-r', local, 'init'], { env: { CAIRN_PASSWORD: RESTIC_PASSWORD } });
    cheapenKeys(local);
    await importDirectory(server, local, 'repo');
    proxy.inject({ kind: 'status', status: 503, code: 'SlowDown' }, { times: 1_000_000, match: (q) => q.method === 'PUT' && q.url.includes('/data/') });
    const res = await runCairn(['backup', small], {
      env: {
        CAIRN_REPOSITORY: `s3:${proxy.endpoint}/${server.bucket}/repo`,
        CAIRN_PASSWORD: RESTIC_PASSWORD,
        CAIRN_RETRY_ATTEMPTS: '2',
        CAIRN_RETRY_BASE_MS: '1',
        AWS_ACCESS_KEY_ID: server.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: server.credentials.secretAccessKey,
        AWS_REGION: server.region,
      },
    });
    assert.equal(res.code, 1);
    const lines = res.stderr.trim().split('\n');
    assert.equal(lines.length, 1, res.stderr);
    assert.match(lines[0]!, /^cairn: .*after 2 attempts/);

    const exported = join(work, 's3-exported-2');
    await exportBucket(server, 'repo', exported);
    assert.equal(snapshots(exported).length, 0);
    assert.deepEqual(existsSync(join(exported, 'locks')) ? readdirSync(join(exported, 'locks')) : [], []);
    runRestic(exported, ['check']);
  } finally {
    await proxy.stop();
    await server.stop();
  }
});
