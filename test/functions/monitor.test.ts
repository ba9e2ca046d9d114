// The monitor bundle, run in an empty directory like Lambda: backup-finished events become host records in
// the control bucket, and the hourly tick alerts (an SNS Publish to a local endpoint) about hosts with
// no successful backup for MISSED_BACKUP_HOURS — once, not every hour.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { s3ClientFor, startS3Server, type S3Server } from '../support/s3-server.js';
import { buildSandbox, type Sandbox } from './support/lambda-sandbox.js';
import { startSnsEndpoint, type SnsEndpoint } from './support/sns-endpoint.js';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:cairn-alerts';

describe('monitor bundle', { timeout: 120_000 }, () => {
  let server: S3Server;
  let sns: SnsEndpoint;
  let sandbox: Sandbox;
  let env: Record<string, string>;

  before(async () => {
    [server, sns, sandbox] = await Promise.all([startS3Server(), startSnsEndpoint(), buildSandbox()]);
    env = {
      CONTROL_BUCKET: server.bucket, CONTROL_PREFIX: 'cairn/', ALERT_TOPIC_ARN: TOPIC, MISSED_BACKUP_HOURS: '26',
      AWS_ENDPOINT_URL_S3: server.endpoint, AWS_ENDPOINT_URL_SNS: sns.url, AWS_REGION: server.region,
      AWS_ACCESS_KEY_ID: server.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: server.credentials.secretAccessKey,
      AWS_SESSION_TOKEN: 'session-token',
    };
  });
  after(async () => {
    await Promise.all([server?.stop(), sns?.stop()]);
    sandbox?.close();
  });

  const finished = (host: string, status: string, hoursAgo: number) => ({
    version: '0', id: `ev-${host}-${hoursAgo}`, 'detail-type': 'cairn.backup.finished', source: 'cairn.client',
    time: new Date(Date.now() - hoursAgo * 3600_000).toISOString(),
    detail: { host, snapshotId: status === 'failed' ? null : 'a'.repeat(64), status, stats: { files_new: 3 } },
  });
  const tick = { source: 'cairn.scheduler', 'detail-type': 'cairn.monitor.tick', detail: {} };

  it('records each finished backup under status/hosts/<host>.json', async () => {
    const out = await sandbox.invoke('monitor', finished('nas', 'succeeded', 1), env);
    assert.ok('result' in out, JSON.stringify(out));

    const client = s3ClientFor(server);
    const obj = await client.send(new GetObjectCommand({ Bucket: server.bucket, Key: 'cairn/status/hosts/nas.json' }));
    const record = JSON.parse(await obj.Body!.transformToString()) as Record<string, unknown>;
    client.destroy();
    assert.equal(record['host'], 'nas');
    assert.equal(record['status'], 'succeeded');
    assert.equal(record['snapshotId'], 'a'.repeat(64));
    assert.deepEqual(record['stats'], { files_new: 3 });
    assert.equal(record['lastSuccess'], record['time']);
  });

  it('the tick alerts once about hosts silent too long, with a signed SNS Publish to the topic', async () => {
    await sandbox.invoke('monitor', finished('laptop', 'succeeded', 50), env);
    // A failed backup does not count as a backup: the host stays silent since its last success.
    await sandbox.invoke('monitor', finished('laptop', 'failed', 2), env);

    const first = await sandbox.invoke('monitor', tick, env);
    const second = await sandbox.invoke('monitor', tick, env);

    assert.ok('result' in first, JSON.stringify(first));
    assert.deepEqual(first.result, { silent: ['laptop'], alerted: ['laptop'] });
    assert.ok('result' in second);
    assert.deepEqual(second.result, { silent: ['laptop'], alerted: [] }, 'no second alert within a day');
    assert.equal(sns.received.length, 1);
    const { fields, authorization } = sns.received[0]!;
    assert.equal(fields['Action'], 'Publish');
    assert.equal(fields['TopicArn'], TOPIC);
    assert.match(fields['Subject']!, /1 host\(s\) without a backup for 26 h/);
    assert.match(fields['Message']!, /laptop: last successful backup/);
    assert.doesNotMatch(fields['Message']!, /nas/);
    assert.match(authorization, /^AWS4-HMAC-SHA256 Credential=S3RVER\/\d{8}\/eu-west-1\/sns\/aws4_request, SignedHeaders=[a-z0-9;-]*x-amz-date[a-z0-9;-]*, Signature=[0-9a-f]{64}$/);
  });

  it('rejects other events and a missing environment variable by name', async () => {
    const other = await sandbox.invoke('monitor', { 'detail-type': 'something.else', detail: {} }, env);
    const { ALERT_TOPIC_ARN: _, ...withoutTopic } = env;
    const unconfigured = await sandbox.invoke('monitor', tick, withoutTopic);

    assert.ok('errorType' in other && other.errorType === 'UsageError', JSON.stringify(other));
    assert.ok('errorType' in unconfigured, JSON.stringify(unconfigured));
    assert.match(unconfigured.errorMessage, /ALERT_TOPIC_ARN is not set/);
  });
});
