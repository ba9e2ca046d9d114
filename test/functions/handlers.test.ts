// The five Lambda bundles, run as Lambda runs them (fresh node processes in an empty directory, no
// node_modules), driven through the maintenance state machines' own definitions (synthesized from the CDK
// app) against a repository in a local S3 server: forget+prune, check and copy, each ending with restic
// 0.14 checking an exported copy; and a wrong password taking the failure path.
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { cheapenKeys, runRestic } from '../support/restic.js';
import { exportBucket, importDirectory, s3ClientFor, startS3Server, type S3Server } from '../support/s3-server.js';
import { tempDir } from '../support/tmp.js';
import { buildSandbox, type HandlerName, type Sandbox } from './support/lambda-sandbox.js';
import { startSnsEndpoint, type SnsEndpoint } from './support/sns-endpoint.js';
import { maintenanceDefinitions, runExecution, TaskFailure, type Definition, type Execution } from './support/state-machine.js';

const PASSWORD = 'lambda-repo-password';
const COPY_PASSWORD = 'lambda-copy-password';

describe('Lambda bundles through the state machine', { timeout: 180_000 }, () => {
  let server: S3Server;
  let sns: SnsEndpoint;
  let sandbox: Sandbox;
  let definitions: Record<'Prune' | 'Check' | 'Copy', Definition>;
  let env: Record<string, string>;
  const locksAfterPlan: number[] = [];

  before(async () => {
    [server, sns, sandbox] = await Promise.all([startS3Server(), startSnsEndpoint(), buildSandbox()]);
    definitions = maintenanceDefinitions();
    // Arrange: three snapshots of one host, each with its own data, and an empty copy target.
    // (restic writes them: the repository is restic's own, and the test depends on no other cairn command.)
    const work = mkdtempSync(join(tmpdir(), 'cairn-lambda-repos-'));
    cleanups.push(() => rmSync(work, { recursive: true, force: true }));
    const repoDir = join(work, 'repo');
    const copyDir = join(work, 'copy');
    const src = join(work, 'src');
    runRestic(repoDir, ['init', '-q'], PASSWORD);
    cheapenKeys(repoDir, PASSWORD);
    for (const day of ['01', '02', '03']) {
      rmSync(src, { recursive: true, force: true });
      mkdirSync(src);
      writeFileSync(join(src, `day-${day}.bin`), randomBytes(300_000));
      runRestic(repoDir, ['backup', '-q', '--host', 'nas', '--time', `2024-01-${day} 10:00:00`, src], PASSWORD);
    }
    runRestic(copyDir, ['init', '-q'], COPY_PASSWORD);
    cheapenKeys(copyDir, COPY_PASSWORD);
    await importDirectory(server, repoDir, 'repo');
    await importDirectory(server, copyDir, 'copy');
    env = {
      REPOSITORY: `s3:s3.amazonaws.com/${server.bucket}/repo`,
      CAIRN_PASSWORD: PASSWORD,
      CONTROL_BUCKET: server.bucket,
      CONTROL_PREFIX: 'cairn/',
      ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:cairn-alerts',
      COPY_REPOSITORY: `s3:s3.amazonaws.com/${server.bucket}/copy`,
      CAIRN_COPY_PASSWORD: COPY_PASSWORD,
      MAX_DELETE_SHARE: '0.5',
      AWS_ENDPOINT_URL_S3: server.endpoint,
      AWS_ENDPOINT_URL_SNS: sns.url,
      AWS_ACCESS_KEY_ID: server.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: server.credentials.secretAccessKey,
      AWS_REGION: server.region,
      AWS_LAMBDA_FUNCTION_NAME: 'cairn-test',
    };
  });
  const cleanups: (() => void)[] = [];
  after(async () => {
    await Promise.all([server?.stop(), sns?.stop()]);
    sandbox?.close();
    for (const c of cleanups) c();
  });

  const FUNCTIONS: Record<string, HandlerName> = { Plan: 'job-plan', Work: 'job-work', Finalize: 'job-finalize', Failed: 'job-failed' };

  async function readJson(key: string): Promise<unknown> {
    const client = s3ClientFor(server);
    try {
      const out = await client.send(new GetObjectCommand({ Bucket: server.bucket, Key: key }));
      return JSON.parse(await out.Body!.transformToString());
    } finally {
      client.destroy();
    }
  }

  async function countLocks(prefix: string): Promise<number> {
    const client = s3ClientFor(server);
    try {
      return (await client.send(new ListObjectsV2Command({ Bucket: server.bucket, Prefix: `${prefix}/locks/` }))).Contents?.length ?? 0;
    } finally {
      client.destroy();
    }
  }

  /** Runs one execution as the EventBridge rule would start it; returns it and the request id. */
  async function execute(machine: 'Prune' | 'Check' | 'Copy', detail: Record<string, unknown>, extraEnv: Record<string, string> = {}): Promise<Execution & { requestId: string }> {
    const requestId = randomUUID();
    const input = { detail: { requestId, ...detail }, eventId: randomUUID(), time: new Date().toISOString() };
    const execution = await runExecution(definitions[machine], input, {
      lambda: async (functionId, payload) => {
        const fragment = Object.keys(FUNCTIONS).find((f) => functionId.startsWith(`Functions${f}`));
        assert.ok(fragment, `unknown function ${functionId}`);
        const out = await sandbox.invoke(FUNCTIONS[fragment]!, payload, { ...env, ...extraEnv });
        if ('errorType' in out) throw new TaskFailure(out.errorType, out.errorMessage);
        if (fragment === 'Plan') locksAfterPlan.push(await countLocks('repo'));
        return out.result;
      },
      readJson: (bucket, key) => {
        assert.equal(bucket, server.bucket);
        return readJson(key);
      },
      publish: (message) => void sns.received.push({ fields: { Message: message }, authorization: 'state-machine' }),
    });
    return { ...execution, requestId };
  }

  it('forget+prune removes the oldest snapshot and its data; restic check --read-data is green', async () => {
    const run = await execute('Prune', { job: 'forget', options: { keepLast: '2', prune: true } });

    assert.equal(run.status, 'SUCCEEDED', JSON.stringify(run.output));
    assert.deepEqual(run.trail.filter((s) => s !== 'WorkItem'), ['Plan', 'Work', 'Finalize', 'Done']);
    const status = await readJson(`cairn/status/${run.requestId}.json`) as Record<string, unknown>;
    assert.equal(status['state'], 'succeeded');
    assert.equal(status['job'], 'forget');
    assert.deepEqual(status['options'], { keepLast: '2', prune: true });
    assert.equal(status['error'], null);
    assert.ok(status['startedAt'] && status['finishedAt'] && status['requestedAt']);
    assert.equal((status['figures'] as { removedSnapshots: string[] }).removedSnapshots.length, 1);
    assert.ok(locksAfterPlan.at(-1)! >= 1, 'the job keeps its lock between plan and finalize');
    assert.equal(await countLocks('repo'), 0, 'finalize releases the job lock');
    const dir = tempDir();
    await exportBucket(server, 'repo', dir);
    runRestic(dir, ['check', '--read-data'], PASSWORD);
    const snapshots = JSON.parse(runRestic(dir, ['snapshots', '--json'], PASSWORD)) as { time: string }[];
    assert.deepEqual(snapshots.map((s) => s.time.slice(0, 10)).sort(), ['2024-01-02', '2024-01-03']);
  });

  it('plan output, work list and work items have the shapes the definition expects', async () => {
    const requestId = randomUUID();
    const out = await sandbox.invoke('job-plan', { detail: { requestId, job: 'check', options: { readData: 'true' } }, eventId: 'e-1', time: '2026-01-01T00:00:00Z' }, env);
    assert.ok('result' in out, JSON.stringify(out));
    const plan = out.result as Record<string, unknown>;
    assert.deepEqual(Object.keys(plan).sort(), ['itemCount', 'job', 'options', 'requestId', 'workList']);
    assert.deepEqual(plan['workList'], { bucket: server.bucket, key: `cairn/jobs/${requestId}/work-list.json` });
    const list = await readJson(`cairn/jobs/${requestId}/work-list.json`) as { n: number }[];
    assert.equal(list.length, plan['itemCount']);
    assert.deepEqual(list.map((e) => e.n), list.map((_, i) => i));
    // The event id stands in when the request carries no requestId (scheduled runs).
    const scheduled = await sandbox.invoke('job-plan', { detail: { job: 'check', options: {} }, eventId: 'event-42', time: '2026-01-01T00:00:00Z' }, env);
    assert.ok('result' in scheduled && (scheduled.result as { requestId: string }).requestId === 'event-42');
  });

  it('check --read-data over the Distributed Map finds no errors and reports its figures', async () => {
    const run = await execute('Check', { job: 'check', options: { readData: 'true' } });

    assert.equal(run.status, 'SUCCEEDED', JSON.stringify(run.output));
    assert.ok(run.trail.includes('WorkItem'), 'at least one work item ran');
    const status = await readJson(`cairn/status/${run.requestId}.json`) as { state: string; figures: { errors: unknown[]; stats: { packsRead: number } } };
    assert.equal(status.state, 'succeeded');
    assert.deepEqual(status.figures.errors, []);
    assert.ok(status.figures.stats.packsRead > 0);
  });

  it('copy puts every snapshot into the target; restic check --read-data on the target is green', async () => {
    const run = await execute('Copy', { job: 'copy', options: {} });

    assert.equal(run.status, 'SUCCEEDED', JSON.stringify(run.output));
    const status = await readJson(`cairn/status/${run.requestId}.json`) as { state: string };
    assert.equal(status.state, 'succeeded');
    assert.equal(await countLocks('copy'), 0);
    const dir = tempDir();
    await exportBucket(server, 'copy', dir);
    runRestic(dir, ['check', '--read-data'], COPY_PASSWORD);
    assert.equal((JSON.parse(runRestic(dir, ['snapshots', '--json'], COPY_PASSWORD)) as unknown[]).length, 2);
  });

  it('a wrong password takes the failure path: status failed with the error, then the alert', async () => {
    const alertsBefore = sns.received.length;
    const run = await execute('Prune', { job: 'prune', options: {} }, { CAIRN_PASSWORD: 'not-the-password' });

    assert.equal(run.status, 'FAILED');
    assert.deepEqual(run.trail, ['Plan', 'RecordFailure', 'Alert', 'JobFailed']);
    const status = await readJson(`cairn/status/${run.requestId}.json`) as { state: string; error: { name: string; message: string }; finishedAt: string };
    assert.equal(status.state, 'failed');
    assert.equal(status.error.name, 'WrongPasswordError');
    assert.match(status.error.message, /wrong password/);
    assert.ok(status.finishedAt);
    assert.equal(sns.received.length, alertsBefore + 1);
    assert.match(sns.received.at(-1)!.fields['Message']!, new RegExp(run.requestId));
  });

  it('an unknown job and a bad option fail with a line naming them', async () => {
    const unknown = await execute('Prune', { job: 'defrag', options: {} });
    const bad = await execute('Check', { job: 'check', options: { readDataSubset: '200%' } });

    const s1 = await readJson(`cairn/status/${unknown.requestId}.json`) as { state: string; error: { message: string } };
    const s2 = await readJson(`cairn/status/${bad.requestId}.json`) as { state: string; error: { name: string; message: string } };
    assert.equal(s1.state, 'failed');
    assert.match(s1.error.message, /unknown maintenance job "defrag"/);
    assert.equal(s2.error.name, 'UsageError');
    assert.match(s2.error.message, /--read-data-subset/);
  });
});
