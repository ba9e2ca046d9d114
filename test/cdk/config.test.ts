// The cairn:* settings: defaults when nothing is set, values from cdk.json (numbers, objects) and from
// `-c key=value` (strings), and errors that name the key and say what to write instead.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CairnConfigError, DEFAULT_SCHEDULES, readConfig } from '../../cdk/lib/config.js';

const from = (settings: Record<string, unknown>) => readConfig((key) => settings[key]);

function rejects(settings: Record<string, unknown>, key: string, hint: RegExp): void {
  assert.throws(() => from(settings), (error: unknown) => {
    assert.ok(error instanceof CairnConfigError, `expected CairnConfigError, got ${String(error)}`);
    assert.equal(error.key, key);
    assert.match(error.message, hint);
    return true;
  });
}

describe('readConfig', () => {
  test('defaults to a new bucket, weekly forget+prune, daily check, cairn/ control prefix', () => {
    const config = from({});
    assert.equal(config.storage, 'new');
    assert.equal(config.bucketName, undefined);
    assert.equal(config.repositoryPrefix, '');
    assert.equal(config.controlPrefix, 'cairn/');
    assert.equal(config.maxConcurrency, 8);
    assert.equal(config.noncurrentVersionDays, 30);
    assert.equal(config.missedBackupHours, 26);
    assert.equal(config.maxDeleteShare, 0.5);
    assert.equal(config.copyRepository, undefined);
    assert.deepEqual(config.schedules, DEFAULT_SCHEDULES);
    assert.match(config.schedules.prune.expression, /^cron\(.* SUN \*\)$/);
    assert.equal(config.schedules.prune.options['prune'], true);
    assert.ok(config.schedules.check.options['readDataSubset']);
  });

  test('accepts command-line strings for numbers, booleans and JSON objects', () => {
    const config = from({
      'cairn:maxConcurrency': '16',
      'cairn:backupUser': 'true',
      'cairn:schedules': '{"check": {"expression": "rate(12 hours)"}, "copy": false}',
    });
    assert.equal(config.maxConcurrency, 16);
    assert.equal(config.backupUser, true);
    assert.equal(config.schedules.check.expression, 'rate(12 hours)');
    assert.equal(config.schedules.check.job, 'check');
    assert.equal(config.schedules.copy.enabled, false);
  });

  test('reads an external endpoint and an S3 copy target', () => {
    const config = from({
      'cairn:storage': 'external',
      'cairn:bucketName': 'my-b2-bucket',
      'cairn:endpoint': 'https://s3.us-west-004.backblazeb2.com',
      'cairn:copyRepository': 's3:s3.amazonaws.com/offline-copy/home',
    });
    assert.equal(config.endpoint, 'https://s3.us-west-004.backblazeb2.com');
    assert.equal(config.copyBucketName, 'offline-copy');
    assert.equal(config.copyPrefix, 'home');
  });

  test('rejects an unknown storage mode and points B2 users to "external"', () => {
    rejects({ 'cairn:storage': 'b2' }, 'cairn:storage', /"external"/);
  });

  test('requires a bucket name for an existing bucket', () => {
    rejects({ 'cairn:storage': 'existing' }, 'cairn:bucketName', /cairn:bucketName": "my-backups"/);
  });

  test('requires an https endpoint without a path for external storage', () => {
    const base = { 'cairn:storage': 'external', 'cairn:bucketName': 'bucket-1' };
    rejects(base, 'cairn:endpoint', /https:\/\/s3\.us-west-004\.backblazeb2\.com/);
    rejects({ ...base, 'cairn:endpoint': 'https://s3.example.com/bucket' }, 'cairn:endpoint', /without a path/);
  });

  test('rejects an endpoint when the storage is not external', () => {
    rejects({ 'cairn:endpoint': 'https://s3.example.com' }, 'cairn:endpoint', /"external"/);
  });

  test('rejects a prefix with slashes at its ends and a control prefix without one', () => {
    rejects({ 'cairn:repositoryPrefix': '/restic/' }, 'cairn:repositoryPrefix', /without slashes/);
    rejects({ 'cairn:controlPrefix': 'cairn' }, 'cairn:controlPrefix', /ending in "\/"/);
  });

  test('rejects out-of-range numbers with the valid range', () => {
    rejects({ 'cairn:maxConcurrency': 0 }, 'cairn:maxConcurrency', /between 1 and 1000/);
    rejects({ 'cairn:maxDeleteShare': '1.5' }, 'cairn:maxDeleteShare', /between 0.01 and 1/);
    rejects({ 'cairn:noncurrentVersionDays': 'soon' }, 'cairn:noncurrentVersionDays', /whole number/);
  });

  test('rejects a log retention CloudWatch does not offer, listing the ones it does', () => {
    rejects({ 'cairn:logRetentionDays': 31 }, 'cairn:logRetentionDays', /30, 60/);
  });

  test('rejects a copy target that is not an AWS S3 URL', () => {
    rejects({ 'cairn:copyRepository': 's3:https://s3.example.com/b/p' }, 'cairn:copyRepository',
      /s3:s3\.amazonaws\.com\/<bucket>\/<prefix>/);
  });

  test('rejects unknown schedules and malformed expressions', () => {
    rejects({ 'cairn:schedules': { backup: false } }, 'cairn:schedules', /unknown schedule "backup"/);
    rejects({ 'cairn:schedules': { check: { expression: '0 5 * * *' } } }, 'cairn:schedules.check.expression',
      /cron\(0 3 \? \* SUN \*\)/);
    rejects({ 'cairn:schedules': { check: { job: 'backup' } } }, 'cairn:schedules.check.job', /forget, prune/);
  });

  test('rejects an email address without a domain', () => {
    rejects({ 'cairn:alertEmail': 'me' }, 'cairn:alertEmail', /me@example\.org/);
  });
});
