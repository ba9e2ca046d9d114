// What a user sees when things go wrong: each failure is one line on stderr starting with `cairn:`, no stack
// trace, exit code 1, and the repository is left exactly as it was (same files, same sizes).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, truncateSync, chmodSync, writeFileSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join, relative } from 'node:path';
import { createResticRepo, RESTIC_PASSWORD, type ResticRepo } from '../support/restic.js';
import { runCairn, type CliResult } from '../support/cli.js';
import { startS3Server, s3ClientFor, type S3Server } from '../support/s3-server.js';
import { tempDir } from '../support/tmp.js';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';

const work = tempDir('cairn-errors-');

/** Every file below `dir` with its size: what "nothing was written" is checked against. */
function fileList(dir: string): string[] {
  const out: string[] = [];
  const visit = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) visit(p);
      else out.push(`${relative(dir, p)} ${st.size}`);
    }
  };
  visit(dir);
  return out;
}

/** The contract for every failure: exit 1, exactly one `cairn:` line on stderr, nothing on stdout. */
function assertOneLineFailure(r: CliResult, pattern: RegExp): void {
  assert.equal(r.code, 1, `exit code (stderr: ${r.stderr})`);
  assert.match(r.stderr, /^cairn: [^\n]+\n$/, `one line on stderr, got: ${JSON.stringify(r.stderr)}`);
  assert.match(r.stderr, pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  assert.equal(r.stdout, '');
}

const cairn = (args: string[], env: Record<string, string> = {}): Promise<CliResult> =>
  runCairn(args, { env: { CAIRN_PASSWORD: RESTIC_PASSWORD, ...env } });

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('cairn on failure', () => {
  let restic: ResticRepo;
  let s3: S3Server;

  before(async () => {
    restic = createResticRepo();
    const src = join(restic.dir, 'src');
    mkdirSync(src);
    writeFileSync(join(src, 'a.bin'), randomBytes(200_000));
    writeFileSync(join(src, 'b.txt'), 'bravo\n'.repeat(1000));
    restic.run(['backup', '-q', src]);
    s3 = await startS3Server();
  });
  after(async () => {
    restic.cleanup();
    await s3.stop();
  });

  test('a wrong password says so and changes nothing', async () => {
    const before = fileList(restic.repo);
    const r = await cairn(['-r', restic.repo, 'snapshots'], { CAIRN_PASSWORD: 'not the password' });
    assertOneLineFailure(r, /wrong password/);
    assert.deepEqual(fileList(restic.repo), before);
  });

  test('an empty directory, a missing directory and an empty bucket prefix are "no repository", and stay as they were', async () => {
    const empty = join(work, 'empty');
    mkdirSync(empty);
    assertOneLineFailure(await cairn(['-r', empty, 'snapshots']), /no repository at .*empty: run `cairn init`/);
    assert.deepEqual(readdirSync(empty), []);

    const missing = join(work, 'missing');
    assertOneLineFailure(await cairn(['-r', missing, 'ls', 'latest']), /no repository at .*missing/);
    assert.equal(existsSync(missing), false);

    const r = await cairn(['-r', `s3:${s3.endpoint}/${s3.bucket}/nothing/here`, 'restore', 'latest', '--target', join(work, 'never')], {
      AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
      AWS_REGION: s3.region,
    });
    assertOneLineFailure(r, /no repository at s3:127\.0\.0\.1:\d+\/cairn-test\/nothing\/here/);
    const listed = await s3ClientFor(s3).send(new ListObjectsV2Command({ Bucket: s3.bucket }));
    assert.equal(listed.KeyCount ?? 0, 0);
    assert.equal(existsSync(join(work, 'never')), false);
  });

  test('a damaged key file that is the only key is reported as damage, not as a wrong password', async () => {
    const repo = join(work, 'damaged-key');
    cpSync(restic.repo, repo, { recursive: true });
    const [keyName] = readdirSync(join(repo, 'keys'));
    const keyPath = join(repo, 'keys', keyName!);
    const bytes = readFileSync(keyPath);
    const at = bytes.indexOf('"data":"') + 20;
    bytes[at] = bytes[at]! ^ 0x01;
    chmodSync(keyPath, 0o600);
    writeFileSync(keyPath, bytes);
    const before = fileList(repo);
    assertOneLineFailure(await cairn(['-r', repo, 'snapshots']), new RegExp(`key file ${keyName!.slice(0, 8)} .* is damaged`));
    assert.deepEqual(fileList(repo), before);

    // Beside a good key, the damaged one does not get in the way of the right password...
    // (the same key in other bytes — a trailing newline — under the hash of those bytes)
    const goodCopy = Buffer.concat([readFileSync(join(restic.repo, 'keys', keyName!)), Buffer.from('\n')]);
    writeFileSync(join(repo, 'keys', createHash('sha256').update(goodCopy).digest('hex')), goodCopy);
    const ok = await cairn(['-r', repo, 'snapshots', '--json']);
    assert.equal(ok.code, 0, ok.stderr);
    // ...and a wrong password is still called one, naming the damaged file as the other possibility.
    assertOneLineFailure(await cairn(['-r', repo, 'snapshots'], { CAIRN_PASSWORD: 'nope' }), new RegExp(`wrong password, or its key file is damaged \\(${keyName!.slice(0, 8)}`));
  });

  test('a truncated pack fails the restore naming the pack and leaves the repository unchanged', async () => {
    const repo = join(work, 'truncated');
    cpSync(restic.repo, repo, { recursive: true });
    // The larger data pack holds the files' content; the tree pack is the smaller one.
    const packs = readdirSync(join(repo, 'data'), { recursive: true })
      .map(String)
      .filter((p) => /[0-9a-f]{64}$/.test(p))
      .map((p) => ({ p, size: statSync(join(repo, 'data', p)).size }))
      .sort((a, b) => b.size - a.size);
    const dataPack = packs[0]!;
    chmodSync(join(repo, 'data', dataPack.p), 0o600);
    // Cut into the blobs, not just the header at the end (restore reads blobs by the index's offsets).
    truncateSync(join(repo, 'data', dataPack.p), Math.floor(dataPack.size / 2));
    const before = fileList(repo);
    const r = await cairn(['-r', repo, 'restore', 'latest', '--target', join(work, 'partial')]);
    assert.equal(r.code, 1);
    const packId = dataPack.p.slice(-64, -56);
    assert.match(r.stderr, new RegExp(`pack ${packId} is damaged`));
    assert.match(r.stderr, /cairn: restore finished with 1 error/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
    assert.deepEqual(fileList(repo), before);
  });

  test('an unreachable endpoint fails after the retry budget from CAIRN_RETRY_ATTEMPTS, quickly', async () => {
    const port = await closedPort();
    const started = Date.now();
    const r = await cairn(['-r', `s3:http://127.0.0.1:${port}/bucket`, 'snapshots'], {
      AWS_ACCESS_KEY_ID: 'x',
      AWS_SECRET_ACCESS_KEY: 'y',
      CAIRN_RETRY_ATTEMPTS: '2',
      CAIRN_RETRY_BASE_MS: '10',
    });
    assertOneLineFailure(r, new RegExp(`s3:127\\.0\\.0\\.1:${port}/bucket: endpoint unreachable after 2 attempts`));
    assert.ok(Date.now() - started < 30_000, 'the small retry budget is honoured');
    assertOneLineFailure(await cairn(['-r', restic.repo, 'snapshots'], { CAIRN_RETRY_ATTEMPTS: 'many' }), /CAIRN_RETRY_ATTEMPTS="many" is not a valid count/);
  });

  test('usage mistakes name the problem and the help to read', async () => {
    assertOneLineFailure(await cairn(['-r', restic.repo, 'snapshots', '--bogus']), /unknown option '--bogus' \(see `cairn snapshots --help`\)/);
    assertOneLineFailure(await cairn(['-r', restic.repo, 'restore']), /missing required argument 'snapshot' \(see `cairn restore --help`\)/);
    assertOneLineFailure(await cairn(['-r', restic.repo, 'restore', 'latest']), /restore needs --target/);
    assertOneLineFailure(await cairn(['snapshots']), /no repository given/);
    assertOneLineFailure(await cairn(['-r', restic.repo, 'ls', 'nonsense!']), /"nonsense!" is not a snapshot ID/);
  });
});
