// s3Error: the classification of S3 failures that the s3rver and fault-proxy tests cannot provoke, built
// from the SDK's own exception class so the fields are the ones the SDK really sets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { S3ServiceException } from '@aws-sdk/client-s3';
import { NotFoundError, StorageError } from '../../../shared/core/index.js';
import { UNREACHABLE_CODE } from '../../../shared/storage/index.js';
import { s3Error } from '../../../shared/storage/s3-errors.js';

const ctx = { location: 's3:host/bkt/repo', bucket: 'bkt', key: 'data/ab/abcd', action: 'GetObject' };
const service = (name: string, status: number) =>
  new S3ServiceException({ name, message: `${name} happened`, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status } });
const sys = (code: string, message: string) => Object.assign(new Error(message), { code });

test('throttling, 5xx, 429 and broken connections are transient', () => {
  for (const err of [service('SlowDown', 503), service('ServiceUnavailable', 503), service('InternalError', 500), service('TooManyRequests', 429),
    service('RequestTimeout', 400), sys('ECONNRESET', 'read ECONNRESET'), sys('EPIPE', 'write EPIPE'), new Error('socket hang up')]) {
    const e = s3Error(err, ctx);
    assert.ok(e instanceof StorageError && e.transient && e.code !== UNREACHABLE_CODE, err.message);
  }
});

test('refused connections and DNS failures are transient with the unreachable code', () => {
  for (const err of [sys('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.1:443'), sys('ENOTFOUND', 'getaddrinfo ENOTFOUND s3.example')]) {
    const e = s3Error(err, ctx);
    assert.ok(e instanceof StorageError && e.transient && e.code === UNREACHABLE_CODE);
    assert.equal(e.message, err.message);
  }
});

test('access problems are permanent and say what to check', () => {
  const cases: [string, RegExp][] = [
    ['AccessDenied', /bucket "bkt"/],
    ['SignatureDoesNotMatch', /AWS_SECRET_ACCESS_KEY/],
    ['ExpiredToken', /refresh the credentials/],
  ];
  for (const [name, hint] of cases) {
    const e = s3Error(service(name, 403), ctx);
    assert.ok(e instanceof StorageError && !e.transient, name);
    assert.match(e.message, /^s3:host\/bkt\/repo: access denied \(403 /);
    assert.match(e.message, hint);
  }
  assert.match(s3Error(service('RequestTimeTooSkewed', 403), ctx).message, /clock/);
});

test('404s are NotFoundError, but a missing bucket is a permanent error naming it', () => {
  assert.ok(s3Error(service('NoSuchKey', 404), ctx) instanceof NotFoundError);
  assert.ok(s3Error(service('NotFound', 404), ctx) instanceof NotFoundError);
  const bucket = s3Error(service('NoSuchBucket', 404), ctx);
  assert.ok(!(bucket instanceof NotFoundError) && bucket instanceof StorageError && !bucket.transient);
  assert.match(bucket.message, /bucket "bkt" does not exist/);
});
