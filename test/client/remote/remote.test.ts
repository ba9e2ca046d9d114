// `cairn remote …` and `cairn status` from source against stand-ins: a local HTTP endpoint playing
// EventBridge (AWS_ENDPOINT_URL_EVENTBRIDGE) that checks the PutEvents request, and s3rver as the control
// bucket, where the test writes the status objects a job would, after a short delay.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { emitBackupFinished } from '../../../client/remote/backup-event.js';
import { openControlStore, writeHost, writeStatus, type ControlStore, type JobStatus } from '../../../shared/control/index.js';
import { runCairn } from '../../support/cli.js';
import { startS3Server, type S3Server } from '../../support/s3-server.js';

interface PutEventsRequest {
  target: string;
  body: { Entries: { EventBusName: string; Source: string; DetailType: string; Detail: string }[] };
}

describe('cairn remote and cairn status', { timeout: 120_000 }, () => {
  let bus: Server;
  let busUrl: string;
  let s3: S3Server;
  let control: ControlStore;
  let env: Record<string, string>;
  const requests: PutEventsRequest[] = [];
  /** What the stand-in does with each request's detail once it has answered (plays the cloud side). */
  let onRequest: (detail: { requestId: string; job: string }) => void = () => {};

  before(async () => {
    s3 = await startS3Server();
    bus = createServer((req, res) => {
      let text = '';
      req.setEncoding('utf8').on('data', (d: string) => (text += d));
      req.on('end', () => {
        const request = { target: String(req.headers['x-amz-target']), body: JSON.parse(text) as PutEventsRequest['body'] };
        requests.push(request);
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify({ FailedEntryCount: 0, Entries: [{ EventId: `event-${requests.length}` }] }));
        onRequest(JSON.parse(request.body.Entries[0]!.Detail) as { requestId: string; job: string });
      });
    });
    await new Promise<void>((r) => bus.listen(0, '127.0.0.1', r));
    busUrl = `http://127.0.0.1:${(bus.address() as AddressInfo).port}`;
    control = await openControlStore({ bucket: s3.bucket, prefix: 'cairn/', endpoint: s3.endpoint, credentials: s3.credentials });
    env = {
      CAIRN_EVENT_BUS: 'cairn-bus', AWS_ENDPOINT_URL_EVENTBRIDGE: busUrl, AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_REGION: s3.region, AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
      CAIRN_CONTROL_BUCKET: s3.bucket, CAIRN_CONTROL_PREFIX: 'cairn/',
    };
  });
  after(async () => {
    control?.close();
    bus?.closeAllConnections();
    await new Promise((r) => bus?.close(r));
    await s3?.stop();
  });

  const status = (requestId: string, job: string, state: JobStatus['state'], error: JobStatus['error'] = null): JobStatus => ({
    requestId, job, state, requestedAt: '2026-01-01T00:00:00Z', startedAt: '2026-01-01T00:00:01Z',
    finishedAt: state === 'running' ? null : '2026-01-01T00:05:00Z', options: {}, figures: state === 'succeeded' ? { removed: 1 } : null, error,
  });
  const later = (ms: number, work: () => Promise<void>): void => void setTimeout(() => void work(), ms);

  it('puts a cairn.maintenance.requested event with the request id, job and options, and prints the id', async () => {
    const r = await runCairn(['remote', 'forget', '--keep-daily', '7', '--keep-tag', 'a,b', '--prune', '--json'], { env });

    assert.equal(r.code, 0, r.stderr);
    const line = JSON.parse(r.stdout.trim()) as { requestId: string; eventId: string };
    const req = requests.at(-1)!;
    assert.equal(req.target, 'AWSEvents.PutEvents');
    assert.equal(req.body.Entries.length, 1);
    const { Detail, ...entry } = req.body.Entries[0]!;
    assert.deepEqual(entry, { EventBusName: 'cairn-bus', Source: 'cairn.client', DetailType: 'cairn.maintenance.requested' });
    assert.deepEqual(JSON.parse(Detail), { requestId: line.requestId, job: 'forget', options: { keepDaily: '7', keepTag: 'a,b', prune: true } });
    assert.match(line.requestId, /^[0-9a-f-]{36}$/);
    assert.equal(line.eventId, `event-${requests.length}`);
  });

  it('--wait follows the status object and exits 0 when the job succeeded', async () => {
    onRequest = ({ requestId, job }) => {
      later(300, () => writeStatus(control, status(requestId, job, 'running')));
      later(1500, () => writeStatus(control, status(requestId, job, 'succeeded')));
    };
    const r = await runCairn(['remote', 'check', '--read-data-subset', '5%', '--wait', '--poll-interval', '0.2'], { env });

    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /check [0-9a-f-]{36}: running/);
    assert.match(r.stdout, /check [0-9a-f-]{36}: succeeded/);
  });

  it('--wait exits 1 with the error when the job failed', async () => {
    onRequest = ({ requestId, job }) => later(800, () => writeStatus(control, status(requestId, job, 'failed', { name: 'WrongPasswordError', message: 'wrong password or no key found' })));
    const r = await runCairn(['remote', 'prune', '--max-unused', '10%', '--wait', '--poll-interval', '0.2'], { env });

    assert.equal(r.code, 1);
    assert.match(r.stderr, /the prune job [0-9a-f-]{36} failed: WrongPasswordError: wrong password or no key found/);
  });

  it('--wait gives up after --timeout with a non-zero exit', async () => {
    onRequest = () => {};
    const r = await runCairn(['remote', 'copy', '--wait', '--timeout', '2s', '--poll-interval', '0.2'], { env });

    assert.equal(r.code, 1);
    assert.match(r.stderr, /gave up waiting after 2s: the copy job [0-9a-f-]{36} has not finished/);
  });

  it('rejects a misspelt job flag before sending anything', async () => {
    const before = requests.length;
    const r = await runCairn(['remote', 'check', '--read-data-subst', '5%'], { env });

    assert.equal(r.code, 1);
    assert.match(r.stderr, /unknown check option "readDataSubst"/);
    assert.equal(requests.length, before);
  });

  it('cairn status lists the latest jobs and each host\'s last backup', async () => {
    await writeHost(control, { host: 'nas', snapshotId: 'f'.repeat(64), status: 'succeeded', time: '2026-01-02T03:00:00Z', stats: {}, lastSuccess: '2026-01-02T03:00:00Z' });
    const text = await runCairn(['status'], { env });
    const json = await runCairn(['status', '--json'], { env });

    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /check\s+succeeded/);
    assert.match(text.stdout, /prune\s+failed\s+\S+\s+WrongPasswordError/);
    assert.match(text.stdout, /nas\s+last succeeded 2026-01-02T03:00:00Z/);
    const parsed = JSON.parse(json.stdout) as { jobs: JobStatus[]; hosts: { host: string }[] };
    assert.equal(parsed.jobs.length, 2);
    assert.deepEqual(parsed.hosts.map((h) => h.host), ['nas']);
  });

  it('emitBackupFinished sends cairn.backup.finished with host, snapshot id, status and stats', async () => {
    // In this process the SDK's default credential chain reads the environment, as on a backup machine.
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'backup-key', AWS_SECRET_ACCESS_KEY: 'backup-secret' });
    const eventId = await emitBackupFinished('cairn-bus', { host: 'nas', snapshotId: 'e'.repeat(64), status: 'succeeded', stats: { files_new: 2 } }, {
      endpoint: busUrl, region: 'us-east-1',
    });

    const entry = requests.at(-1)!.body.Entries[0]!;
    assert.equal(eventId, `event-${requests.length}`);
    assert.equal(entry.DetailType, 'cairn.backup.finished');
    assert.equal(entry.Source, 'cairn.client');
    const detail = JSON.parse(entry.Detail) as Record<string, unknown>;
    assert.deepEqual({ ...detail, time: undefined }, { host: 'nas', snapshotId: 'e'.repeat(64), status: 'succeeded', stats: { files_new: 2 }, time: undefined });
    assert.ok(!Number.isNaN(Date.parse(String(detail['time']))));
  });
});
