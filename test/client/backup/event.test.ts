// With CAIRN_EVENT_BUS set, a backup tells the cloud's monitor how it ended: a `cairn.backup.finished` event
// with the host, the snapshot and restic's summary figures — also when it fails, and never for a dry run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cairnOk, runCairn } from '../../support/cli.js';
import { tempDir } from '../../support/tmp.js';
import { cheapenKeys } from '../../support/restic.js';
import { startEventBridgeEndpoint } from '../../support/eventbridge-endpoint.js';

test('backups send cairn.backup.finished: succeeded with the snapshot, failed without one, none for --dry-run', async () => {
  const bus = await startEventBridgeEndpoint();
  try {
    const dir = tempDir();
    const repo = join(dir, 'repo');
    const src = join(dir, 'src');
    mkdirSync(src);
    writeFileSync(join(src, 'a.txt'), 'hello\n');
    const env = {
      CAIRN_PASSWORD: 'pw', CAIRN_EVENT_BUS: 'cairn-bus', AWS_ENDPOINT_URL_EVENTBRIDGE: bus.url,
      AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test',
    };
    await cairnOk(['-r', repo, 'init'], { env });
    cheapenKeys(repo, 'pw');

    const out = JSON.parse((await cairnOk(['-r', repo, 'backup', '--json', '--host', 'laptop', src], { env })).trim().split('\n').pop()!) as Record<string, unknown>;
    assert.equal(bus.received.length, 1);
    const ok = bus.received[0]!;
    assert.deepEqual([ok.EventBusName, ok.Source, ok.DetailType], ['cairn-bus', 'cairn.client', 'cairn.backup.finished']);
    assert.equal(ok.detail['host'], 'laptop');
    assert.equal(ok.detail['status'], 'succeeded');
    assert.equal(ok.detail['snapshotId'], out['id']);
    assert.equal((ok.detail['stats'] as Record<string, unknown>)['files_new'], 1);

    await cairnOk(['-r', repo, 'backup', '--dry-run', src], { env });
    assert.equal(bus.received.length, 1, 'a dry run sends nothing');

    const failed = await runCairn(['-r', repo, 'backup', '--host', 'laptop', join(dir, 'missing')], { env });
    assert.equal(failed.code, 1);
    assert.equal(bus.received.length, 2);
    assert.equal(bus.received[1]!.detail['status'], 'failed');
    assert.equal(bus.received[1]!.detail['snapshotId'], null);
  } finally {
    await bus.stop();
  }
});
