// S3 under faults: a proxy between the SDK and s3rver answers 503/500/403, drops connections before, during
// the upload and during the download, and stalls. The retry layer must absorb the transient faults with the
// data intact, fail fast on the permanent ones, and give one line when the endpoint is unreachable.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StorageError } from '../../../shared/core/index.js';
import { openBackend } from '../../../shared/storage/index.js';
import type { Backend, RetryInfo, S3Credentials } from '../../../shared/storage/index.js';
import { startFaultProxy } from '../../support/fault-proxy.js';
import type { FaultProxy } from '../../support/fault-proxy.js';
import { seedObjects, startS3Server } from '../../support/s3-server.js';
import type { S3Server } from '../../support/s3-server.js';
import { blobOf, listAll } from './backend-suite.js';

let server: S3Server;
let proxy: FaultProxy;
let counter = 0;
before(async () => {
  server = await startS3Server();
  proxy = await startFaultProxy(server.endpoint);
});
after(async () => {
  await proxy.stop();
  await server.stop();
});

const isPut = (r: { method: string }) => r.method === 'PUT';
const isGet = (r: { method: string }) => r.method === 'GET';

/**
 * A backend through the proxy with tiny backoff; `retries` collects what onRetry saw. The idle timeout stays
 * generous unless a test is about it: s3rver on a loaded machine can think for a second before answering.
 */
async function throughProxy(opts: { credentials?: S3Credentials; maxAttempts?: number; idleTimeoutMs?: number } = {}): Promise<{ b: Backend; retries: RetryInfo[]; prefix: string }> {
  const retries: RetryInfo[] = [];
  const prefix = `faults-${++counter}`;
  const b = await openBackend(`s3:${proxy.endpoint}/${server.bucket}/${prefix}`, {
    s3: { credentials: opts.credentials ?? server.credentials, connectTimeoutMs: 1000, idleTimeoutMs: opts.idleTimeoutMs ?? 5000 },
    retry: { maxAttempts: opts.maxAttempts ?? 6, baseDelayMs: 5, maxDelayMs: 20, onRetry: (i) => void retries.push(i) },
  });
  return { b, retries, prefix };
}

describe('S3Backend behind a faulty network', () => {
  test('503 SlowDown and 500 InternalError are retried and the object arrives intact', async () => {
    const { b, retries } = await throughProxy();
    try {
      const obj = blobOf(1024 * 1024);
      proxy.inject({ kind: 'status', status: 503, code: 'SlowDown', message: 'Please reduce your request rate.' }, { times: 2, match: isPut });
      proxy.inject({ kind: 'status', status: 500, code: 'InternalError' }, { match: isGet });
      await b.write('data', obj.name, obj.data);
      const back = await b.read('data', obj.name);
      assert.equal(createHash('sha256').update(back).digest('hex'), obj.name);
      assert.equal(retries.length, 3);
      assert.match(retries[0]!.error.message, /503 SlowDown/);
      assert.match(retries[2]!.error.message, /500 InternalError/);
    } finally {
      await b.close();
    }
  });

  test('connections reset before the request, mid-upload and mid-download are retried; data intact', async () => {
    const { b, retries } = await throughProxy();
    try {
      const pack = blobOf(4 * 1024 * 1024);
      proxy.inject({ kind: 'reset' }, { match: isPut });
      proxy.inject({ kind: 'reset-mid-upload' }, { match: isPut });
      await b.write('data', pack.name, pack.data);
      proxy.inject({ kind: 'reset-mid-response' }, { match: isGet });
      const back = await b.read('data', pack.name);
      assert.equal(createHash('sha256').update(back).digest('hex'), pack.name);
      proxy.inject({ kind: 'reset-mid-response', afterBytes: 1000 }, { match: isGet });
      assert.deepEqual(await b.read('data', pack.name, { offset: 1_000_000, length: 2_000_000 }), pack.data.subarray(1_000_000, 3_000_000));
      assert.equal(retries.length, 4);
      assert.ok(retries.every((r) => r.error.transient));
    } finally {
      await b.close();
    }
  });

  test('a stall longer than the idle timeout fails that attempt and the retry gets the data', async () => {
    const { b, retries } = await throughProxy({ idleTimeoutMs: 600 });
    try {
      const obj = blobOf(256 * 1024);
      await b.write('index', obj.name, obj.data);
      proxy.inject({ kind: 'stall-mid-response', ms: 5000 }, { match: isGet });
      proxy.inject({ kind: 'stall', ms: 5000 }, { match: (r) => r.method === 'HEAD' });
      const started = Date.now();
      assert.deepEqual(await b.read('index', obj.name), obj.data);
      const info = await b.stat('index', obj.name);
      assert.deepEqual({ name: info.name, size: info.size }, { name: obj.name, size: obj.data.length });
      assert.ok(Date.now() - started < 4000, 'the idle timeout, not the 5 s stall, ended the attempts');
      assert.equal(retries.length, 2);
      assert.match(retries[0]!.error.message, /timed out|inactivity/i);
    } finally {
      await b.close();
    }
  });

  test('a listing whose second page fails resumes without losing or repeating names', async () => {
    const { b, retries, prefix } = await throughProxy();
    try {
      const objs = Array.from({ length: 1010 }, () => blobOf(24));
      await seedObjects(server, objs.map((o) => ({ key: `${prefix}/snapshots/${o.name}`, data: o.data })));
      proxy.inject({ kind: 'status', status: 503, code: 'SlowDown' }, { match: (r) => r.url.includes('continuation-token') });
      const listed = await listAll(b, 'snapshots');
      assert.equal(listed.length, 1010);
      assert.equal(new Set(listed.map((i) => i.name)).size, 1010);
      assert.equal(retries.length, 1);
    } finally {
      await b.close();
    }
  });

  test('a 403 fails at once with a message naming the bucket', async () => {
    const { b, retries } = await throughProxy();
    try {
      const seen = proxy.stats.requests;
      proxy.inject({ kind: 'status', status: 403, code: 'AccessDenied', message: 'Access Denied' });
      const err = await b.write('locks', blobOf(10).name, Buffer.from('lock')).catch((e: unknown) => e);
      assert.ok(err instanceof StorageError && !err.transient, String(err));
      assert.match(err.message, new RegExp(`access denied \\(403 AccessDenied\\).*bucket "${server.bucket}"`));
      assert.equal(proxy.stats.requests - seen, 1);
      assert.equal(retries.length, 0);
    } finally {
      await b.close();
    }
  });

  test('wrong credentials (a real 403 from the server) fail at once and say what to check', async () => {
    const { b, retries } = await throughProxy({ credentials: { accessKeyId: 'NOPE', secretAccessKey: 'wrong' } });
    try {
      const seen = proxy.stats.requests;
      const err = await b.read('config', '').catch((e: unknown) => e);
      assert.ok(err instanceof StorageError && !err.transient, String(err));
      assert.match(err.message, /InvalidAccessKeyId.*AWS_ACCESS_KEY_ID/);
      assert.equal(proxy.stats.requests - seen, 1);
      assert.equal(retries.length, 0);
    } finally {
      await b.close();
    }
  });

  test('an unreachable endpoint gives one line after the retries', async () => {
    const port = await closedPort();
    const retries: RetryInfo[] = [];
    const b = await openBackend(`s3:http://127.0.0.1:${port}/bucket/repo`, {
      s3: { credentials: server.credentials },
      retry: { maxAttempts: 4, baseDelayMs: 2, maxDelayMs: 5, onRetry: (i) => void retries.push(i) },
    });
    try {
      const err = await b.read('config', '').catch((e: unknown) => e);
      assert.ok(err instanceof StorageError);
      assert.equal(err.message, `s3:127.0.0.1:${port}/bucket/repo: endpoint unreachable after 4 attempts (connect ECONNREFUSED 127.0.0.1:${port})`);
      assert.equal(retries.length, 3);
    } finally {
      await b.close();
    }
  });
});

/** A loopback port nothing listens on: bound by us a moment ago, then released. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
