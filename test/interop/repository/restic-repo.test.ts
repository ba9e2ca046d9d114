// cairn reads what restic 0.14 wrote: the same repository in a local directory and in an S3 server, and
// the format variants restic can produce (version 2, version 1, version 2 without compression). cairn's
// `snapshots --json` and `ls --json` must print what restic prints, and its restore must reproduce the
// source tree exactly (content, symlinks, hard links, fifos, modes, mtimes).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createResticRepo, RESTIC_PASSWORD, type ResticRepo } from '../../support/restic.js';
import { runCairn, type CliResult } from '../../support/cli.js';
import { compareTrees } from '../../support/tree-compare.js';
import { importDirectory, startS3Server, type S3Server } from '../../support/s3-server.js';
import { tempDir } from '../../support/tmp.js';
import { makeSourceTree } from './source-tree.js';

const work = tempDir('cairn-interop-read-');
const source = join(work, 'home/alice');

async function cairn(url: string, args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const r = await runCairn(['-r', url, ...args], { env: { CAIRN_PASSWORD: RESTIC_PASSWORD, ...env } });
  assert.equal(r.code, 0, `cairn ${args.join(' ')} failed: ${r.stderr}`);
  return r;
}

const jsonLines = (text: string): unknown[] => text.trim().split('\n').map((l) => JSON.parse(l) as unknown);

/** The three checks every variant and every store must pass. */
async function readsLikeRestic(restic: ResticRepo, url: string, env: Record<string, string> = {}): Promise<void> {
  const snapshots = await cairn(url, ['snapshots', '--json'], env);
  assert.deepEqual(JSON.parse(snapshots.stdout), JSON.parse(restic.run(['snapshots', '--json'])));

  const ls = await cairn(url, ['ls', '--json', 'latest'], env);
  assert.deepEqual(jsonLines(ls.stdout), jsonLines(restic.run(['ls', '--json', 'latest'])));

  const target = join(work, `restore-${Math.random().toString(36).slice(2)}`);
  await cairn(url, ['restore', 'latest', '--target', target], env);
  assert.deepEqual(compareTrees(source, join(target, source)), []);
}

describe('a repository written by restic 0.14', () => {
  const repos: ResticRepo[] = [];
  let s3: S3Server | undefined;

  before(() => makeSourceTree(source));
  after(async () => {
    for (const r of repos) r.cleanup();
    await s3?.stop();
  });

  const filled = (opts: { version?: 1 | 2; backupArgs?: string[] }): ResticRepo => {
    const repo = createResticRepo(opts.version ? { version: opts.version } : {});
    repos.push(repo);
    repo.run(['backup', '-q', '--host', 'nas', ...(opts.backupArgs ?? []), source]);
    return repo;
  };

  test('format version 2, in a local directory and in an S3 bucket, lists and restores like restic', async () => {
    const repo = filled({});
    await readsLikeRestic(repo, repo.repo);

    s3 = await startS3Server();
    await importDirectory(s3, repo.repo, 'copied/repo');
    await readsLikeRestic(repo, `s3:${s3.endpoint}/${s3.bucket}/copied/repo`, {
      AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
      AWS_REGION: s3.region,
    });
  });

  test('format version 1 (no compression anywhere) lists and restores like restic', async () => {
    const repo = filled({ version: 1 });
    await readsLikeRestic(repo, repo.repo);
  });

  test('format version 2 with --compression off (plain data blobs, compressed trees) lists and restores like restic', async () => {
    const repo = filled({ backupArgs: ['--compression', 'off'] });
    await readsLikeRestic(repo, repo.repo);
  });
});
