// `cairn copy` into a repository in the local S3 server (s3rver, through the real AWS SDK): the offline
// copy of DESIGN §7. restic 0.14 cannot write to s3rver over http, so the bucket is exported to a folder for
// `restic check --read-data` and a restore compared with the source's.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { cairnOk } from '../../support/cli.js';
import { cheapenKeys, createResticRepo, runRestic, RESTIC_PASSWORD, type ResticRepo } from '../../support/restic.js';
import { exportBucket, importDirectory, s3ClientFor, startS3Server, type S3Server } from '../../support/s3-server.js';
import { compareTrees } from '../../support/tree-compare.js';
import { tempDir } from '../../support/tmp.js';
import { writeTree } from '../../shared/maintenance/copy/fixtures.js';

const TARGET_PASSWORD = 'offline-copy';

async function listKeys(server: S3Server, prefix: string): Promise<string[]> {
  const client = s3ClientFor(server);
  try {
    const page = await client.send(new ListObjectsV2Command({ Bucket: server.bucket, Prefix: `${prefix}/` }));
    assert.equal(page.IsTruncated, false);
    return (page.Contents ?? []).map((o) => o.Key!).sort();
  } finally {
    client.destroy();
  }
}

describe('cairn copy into S3', () => {
  let server: S3Server;
  let source: ResticRepo;

  before(async () => {
    server = await startS3Server();
    source = createResticRepo();
    const src = join(source.dir, 'src');
    mkdirSync(src);
    writeTree(src, 2);
    source.run(['backup', '-q', src]);
  });
  after(async () => {
    source.cleanup();
    await server.stop();
  });

  it('copies into an s3rver repository that restic then checks and restores; a rerun adds no object', async () => {
    // The target is created with a cheap key locally, then uploaded: each open then costs milliseconds.
    const local = join(tempDir(), 'target');
    await cairnOk(['-r', local, 'init'], { env: { CAIRN_PASSWORD: TARGET_PASSWORD } });
    cheapenKeys(local, TARGET_PASSWORD);
    await importDirectory(server, local, 'offline');
    const url = `s3:${server.endpoint}/${server.bucket}/offline`;
    const env = {
      CAIRN_PASSWORD: TARGET_PASSWORD,
      CAIRN_FROM_REPOSITORY: source.repo,
      CAIRN_FROM_PASSWORD: RESTIC_PASSWORD,
      AWS_ACCESS_KEY_ID: server.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: server.credentials.secretAccessKey,
      AWS_REGION: server.region,
    };

    assert.match(await cairnOk(['-r', url, 'copy'], { env }), /copied 1 snapshot /);
    const objects = await listKeys(server, 'offline');
    assert.match(await cairnOk(['-r', url, 'copy'], { env }), /copied 0 snapshots .*; 1 already in the target/);
    assert.deepEqual(await listKeys(server, 'offline'), objects);

    const exported = join(tempDir(), 'exported');
    await exportBucket(server, 'offline', exported);
    runRestic(exported, ['check', '--read-data'], TARGET_PASSWORD);
    const [orig] = JSON.parse(source.run(['snapshots', '--json'])) as { id: string }[];
    const [copy] = JSON.parse(runRestic(exported, ['snapshots', '--json'], TARGET_PASSWORD)) as { id: string; original: string }[];
    assert.equal(copy!.original, orig!.id);
    const out = tempDir();
    source.run(['restore', orig!.id, '--target', join(out, 'a')]);
    runRestic(exported, ['restore', copy!.id, '--target', join(out, 'b')], TARGET_PASSWORD);
    assert.deepEqual(compareTrees(join(out, 'a'), join(out, 'b')), []);
  });
});
