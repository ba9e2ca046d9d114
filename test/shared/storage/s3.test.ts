// S3Backend on s3rver: the conformance suite through the real AWS SDK, opened by URL the way the CLI does,
// plus what only S3 shows — keys under the prefix without folder placeholders, listings past one page of
// 1000, copying a repository between a bucket and a folder, and the SDK loading only for S3.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { LocalBackend, openBackend, openS3Backend } from '../../../shared/storage/index.js';
import type { Backend } from '../../../shared/storage/index.js';
import { exportBucket, importDirectory, s3ClientFor, seedObjects, startS3Server } from '../../support/s3-server.js';
import type { S3Server } from '../../support/s3-server.js';
import { blobOf, listAll, registerBackendSuite } from './backend-suite.js';

let server: S3Server;
let counter = 0;
before(async () => {
  server = await startS3Server();
});
after(async () => {
  await server.stop();
});

function openAt(prefix: string): Promise<Backend> {
  const url = `s3:${server.endpoint}/${server.bucket}/${prefix}`;
  return openBackend(url, { s3: { credentials: server.credentials }, retry: { maxAttempts: 2, baseDelayMs: 1 } });
}

registerBackendSuite('S3Backend (s3rver, via openBackend)', async () => ({
  backend: await openAt(`suite-${++counter}/repo`),
  cleanup: async () => {},
}));

describe('S3Backend', () => {
  test('stores objects at <prefix>/<restic path> with no folder placeholders', async () => {
    const b = await openAt('layout/nested/repo');
    try {
      await b.create();
      const pack = blobOf(10);
      const key = blobOf(11);
      await b.write('data', pack.name, pack.data);
      await b.write('keys', key.name, key.data);
      await b.write('config', '', Buffer.from('c'));
      const client = s3ClientFor(server);
      const page = await client.send(new ListObjectsV2Command({ Bucket: server.bucket, Prefix: 'layout/' }));
      client.destroy();
      const keys = (page.Contents ?? []).map((o) => o.Key).sort();
      assert.deepEqual(keys, ['layout/nested/repo/config', `layout/nested/repo/data/${pack.name.slice(0, 2)}/${pack.name}`, `layout/nested/repo/keys/${key.name}`].sort());
      assert.equal(b.location, `s3:${server.endpoint.slice('http://'.length)}/${server.bucket}/layout/nested/repo`);
    } finally {
      await b.close();
    }
  });

  test('lists beyond one page of 1000 objects, each once', async () => {
    const b = await openAt('many');
    try {
      const objs = Array.from({ length: 1500 }, (_, i) => blobOf(16 + (i % 7)));
      await seedObjects(server, objs.map((o) => ({ key: `many/index/${o.name}`, data: o.data })));
      const listed = await listAll(b, 'index');
      assert.equal(listed.length, 1500);
      assert.deepEqual(listed, objs.map((o) => ({ name: o.name, size: o.data.length })).sort((x, y) => x.name.localeCompare(y.name)));
    } finally {
      await b.close();
    }
  });

  test('a bucket prefix copies to a folder LocalBackend reads, and back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cairn-export-'));
    try {
      const b = await openAt('export/repo');
      const objs = [blobOf(100), blobOf(200)];
      await b.write('config', '', Buffer.from('config-bytes'));
      for (const o of objs) await b.write('data', o.name, o.data);
      await b.close();
      assert.equal(await exportBucket(server, 'export/repo', join(dir, 'repo')), 3);
      const local = new LocalBackend(join(dir, 'repo'));
      assert.deepEqual(await local.read('config', ''), Buffer.from('config-bytes'));
      assert.deepEqual((await listAll(local, 'data')).map((i) => i.name), objs.map((o) => o.name).sort());
      assert.equal((await readFile(join(dir, 'repo', 'data', objs[0]!.name.slice(0, 2), objs[0]!.name))).length, 100);

      assert.equal(await importDirectory(server, join(dir, 'repo'), 'imported'), 3);
      const again = await openAt('imported');
      assert.deepEqual(await again.read('data', objs[1]!.name), objs[1]!.data);
      await again.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a missing bucket is a permanent error that names it', async () => {
    const b = await openS3Backend({ bucket: 'no-such-bucket', endpoint: server.endpoint, credentials: server.credentials });
    try {
      await assert.rejects(b.read('config', ''), (err: Error & { transient?: boolean }) => /bucket "no-such-bucket" does not exist/.test(err.message) && err.transient === false);
      await assert.rejects(b.create(), /bucket "no-such-bucket" does not exist/);
    } finally {
      await b.close();
    }
  });

  test('the AWS SDK is loaded only when an S3 backend is opened', () => {
    const script = `
      import { createRequire } from 'node:module';
      const require = createRequire(import.meta.url);
      const loaded = () => Object.keys(require.cache).some((k) => k.includes('@aws-sdk/client-s3'));
      const storage = await import(${JSON.stringify(new URL('../../../shared/storage/index.ts', import.meta.url).href)});
      const local = await storage.openBackend(${JSON.stringify(tmpdir())});
      const before = loaded();
      const s3 = await storage.openBackend('s3:http://127.0.0.1:9/b', { s3: { credentials: { accessKeyId: 'a', secretAccessKey: 'b' } } });
      await s3.close(); await local.close();
      console.log(JSON.stringify({ before, after: loaded() }));`;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', cwd: process.cwd() });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout.trim().split('\n').pop()!), { before: false, after: true });
  });
});
