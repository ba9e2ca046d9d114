// Repository URLs in restic's syntax, and openBackend turning them into working, retry-wrapped backends.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../../shared/core/index.js';
import { openBackend, parseLocation } from '../../../shared/storage/index.js';

describe('parseLocation', () => {
  test('local paths: absolute, relative and local:', () => {
    assert.deepEqual(parseLocation('/srv/restic-repo'), { type: 'local', path: '/srv/restic-repo' });
    assert.deepEqual(parseLocation('backups/repo'), { type: 'local', path: 'backups/repo' });
    assert.deepEqual(parseLocation('local:/mnt/usb/repo'), { type: 'local', path: '/mnt/usb/repo' });
    // restic treats an unknown word before a colon as part of a path, and so do we
    assert.deepEqual(parseLocation('daily:2024'), { type: 'local', path: 'daily:2024' });
  });

  test('s3 with an explicit scheme, host and port: path-style endpoint, bucket and prefix', () => {
    assert.deepEqual(parseLocation('s3:http://127.0.0.1:9000/bucket/a/b/'), {
      type: 's3', endpoint: 'http://127.0.0.1:9000', region: undefined, bucket: 'bucket', prefix: 'a/b', display: 's3:127.0.0.1:9000/bucket/a/b',
    });
    assert.deepEqual(parseLocation('s3:https://s3.eu-central-003.backblazeb2.com/my-bucket'), {
      type: 's3', endpoint: 'https://s3.eu-central-003.backblazeb2.com', region: undefined, bucket: 'my-bucket', prefix: '', display: 's3:s3.eu-central-003.backblazeb2.com/my-bucket',
    });
  });

  test('s3 without a scheme is https; AWS hosts go to the SDK, with the region of a regional host', () => {
    assert.deepEqual(parseLocation('s3:minio.lan:9000/b/p'), {
      type: 's3', endpoint: 'https://minio.lan:9000', region: undefined, bucket: 'b', prefix: 'p', display: 's3:minio.lan:9000/b/p',
    });
    assert.deepEqual(parseLocation('s3:s3.amazonaws.com/bucket/host/nas'), {
      type: 's3', endpoint: undefined, region: undefined, bucket: 'bucket', prefix: 'host/nas', display: 's3:s3.amazonaws.com/bucket/host/nas',
    });
    assert.deepEqual(parseLocation('s3:s3.eu-west-1.amazonaws.com/bucket'), {
      type: 's3', endpoint: undefined, region: 'eu-west-1', bucket: 'bucket', prefix: '', display: 's3:s3.eu-west-1.amazonaws.com/bucket',
    });
    assert.equal(parseLocation('s3://s3.amazonaws.com/bucket').type, 's3');
  });

  test('rejects what cairn cannot open, with an example of what to write', () => {
    const cases: [string, RegExp][] = [
      ['', /pass -r\/--repo, e\.g\./],
      ['b2:bucket:path', /B2 through its S3 endpoint.*s3:s3\.us-west-004\.backblazeb2\.com/],
      ['sftp:user@host:/srv/repo', /not supported.*sshfs/],
      ['s3:host-only', /needs a host and a bucket, e\.g\. s3:/],
      ['s3:https://host:9000/', /needs a host and a bucket/],
      ['https://host/bucket', /s3:https:\/\/host\/bucket\/prefix/],
      ['local:', /local:\/srv/],
    ];
    for (const [url, message] of cases) {
      assert.throws(() => parseLocation(url), (e: unknown) => e instanceof UsageError && message.test(e.message), url);
    }
  });
});

describe('openBackend', () => {
  test('a local URL opens a working backend whose location is the path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cairn-open-'));
    try {
      const b = await openBackend(`local:${dir}/repo`);
      assert.equal(b.location, `${dir}/repo`);
      await b.create();
      await b.write('config', '', Buffer.from('x'));
      assert.deepEqual(await b.read('config', ''), Buffer.from('x'));
      await b.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('the endpoint option replaces AWS for s3.amazonaws.com URLs but not an explicit host', async () => {
    const opts = { s3: { endpoint: 'http://127.0.0.1:1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }, retry: { maxAttempts: 1 } };
    const aws = await openBackend('s3:s3.amazonaws.com/bkt/pre', opts);
    const other = await openBackend('s3:http://127.0.0.1:2/bkt', opts);
    try {
      await assert.rejects(aws.stat('config', ''), /127\.0\.0\.1:1\b/);
      await assert.rejects(other.stat('config', ''), /127\.0\.0\.1:2\b/);
      assert.equal(aws.location, 's3:s3.amazonaws.com/bkt/pre');
    } finally {
      await aws.close();
      await other.close();
    }
  });
});
