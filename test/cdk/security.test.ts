// The security properties of DESIGN §8, checked by walking every IAM statement in the template: the backup
// client can neither delete nor overwrite outside locks/ nor reach other buckets; only the maintenance role
// deletes; no secret value is in the template; passwords reach functions only as secret ARNs.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { logicalId, render, statements, synth } from './synth.js';
import type { OwnedStatement } from './synth.js';

const variants = {
  new: synth({ 'cairn:repositoryPrefix': 'restic', 'cairn:backupUser': true }),
  existing: synth({ 'cairn:storage': 'existing', 'cairn:bucketName': 'old-backups',
    'cairn:copyRepository': 's3:s3.amazonaws.com/offline-copy/home' }),
  external: synth({ 'cairn:storage': 'external', 'cairn:bucketName': 'home-backups',
    'cairn:endpoint': 'https://s3.us-west-004.backblazeb2.com' }),
  writeOnly: synth({ 'cairn:writeOnlyClient': true }),
};
type Variant = keyof typeof variants;

const clientPolicy = (v: Variant) => logicalId(variants[v], 'AWS::IAM::ManagedPolicy', 'BackupClient');
const clientAllows = (v: Variant): OwnedStatement[] =>
  statements(variants[v]).filter((s) => s.owner === clientPolicy(v) && s.effect === 'Allow');
const maintenanceRole = (v: Variant) => logicalId(variants[v], 'AWS::IAM::Role', 'MaintenanceRole');
// The repository bucket's ARN as `render` writes it, per variant.
const REPO: Record<Variant, RegExp> = {
  new: /^arn:StorageRepositoryBucket\w+/,
  existing: /^arn:ref:AWS::Partition:s3:::old-backups/,
  external: /^arn:StorageControlBucket\w+/,
  writeOnly: /^arn:StorageRepositoryBucket\w+/,
};
const BUS = /^arn:EventsBus\w+$/;

describe('the backup-client policy', () => {
  for (const v of Object.keys(variants) as Variant[]) {
    test(`${v}: touches only the repository/control bucket and the bus, with no wildcard actions`, () => {
      for (const s of clientAllows(v)) {
        for (const a of s.actions) assert.ok(!a.includes('*'), `wildcard action ${a}`);
        for (const r of s.resources) assert.ok(REPO[v].test(r) || BUS.test(r), `foreign resource ${r}`);
      }
    });

    test(`${v}: deletes nothing outside locks/`, () => {
      for (const s of clientAllows(v)) {
        if (!s.actions.some((a) => /delete/i.test(a))) continue;
        assert.deepEqual(s.actions, ['s3:DeleteObject']);
        for (const r of s.resources) assert.match(r, /\/locks\/\*$/);
      }
    });

    test(`${v}: can destroy no object history (no version deletes, versioning or lifecycle changes)`, () => {
      const forbidden = /^s3:(DeleteObjectVersion|PutBucketVersioning|PutLifecycleConfiguration|PutBucketPolicy|PutObjectRetention|BypassGovernanceRetention|PutObjectLegalHold)$/;
      for (const s of clientAllows(v)) for (const a of s.actions) assert.doesNotMatch(a, forbidden);
    });
  }

  test('uploads only new data, index, snapshots and locks: never config or keys', () => {
    const puts = clientAllows('new').filter((s) => s.actions.includes('s3:PutObject')).flatMap((s) => s.resources);
    assert.deepEqual(puts.map((r) => r.replace(REPO.new, '')).sort(),
      ['/restic/data/*', '/restic/index/*', '/restic/locks/*', '/restic/snapshots/*']);
  });

  test('reads config, keys, index, snapshots, locks, data and job status', () => {
    const gets = clientAllows('new').filter((s) => s.actions.includes('s3:GetObject')).flatMap((s) => s.resources);
    assert.deepEqual(gets.map((r) => r.replace(REPO.new, '')).sort(), ['/cairn/status/*', '/restic/config',
      '/restic/data/*', '/restic/index/*', '/restic/keys/*', '/restic/locks/*', '/restic/snapshots/*']);
  });

  test('write-only: does not read data/', () => {
    const gets = clientAllows('writeOnly').filter((s) => s.actions.includes('s3:GetObject')).flatMap((s) => s.resources);
    assert.ok(gets.length > 0 && !gets.some((r) => r.includes('data/')));
  });

  test('lists only the repository prefix and the status prefix', () => {
    const lists = clientAllows('new').filter((s) => s.actions.includes('s3:ListBucket'));
    assert.deepEqual(lists.map((s) => s.conditions?.['StringLike']?.['s3:prefix']),
      [['restic', 'restic/*'], ['cairn/status/*']]);
  });

  test('puts events on the bus only as cairn.client, with cairn detail-types', () => {
    const [events] = clientAllows('new').filter((s) => s.actions.includes('events:PutEvents'));
    assert.ok(events);
    assert.match(events.resources[0] ?? '', BUS);
    assert.deepEqual(events.conditions?.['StringEquals'], { 'events:source': 'cairn.client' });
  });

  test('external storage: only status reads and events, no repository rights in AWS', () => {
    const actions = clientAllows('external').flatMap((s) => s.actions).sort();
    assert.deepEqual(actions, ['events:PutEvents', 's3:GetObject', 's3:ListBucket']);
  });

  test('overwrites keep the old version: the repository bucket is versioned', () => {
    variants.new.hasResourceProperties('AWS::S3::Bucket', { VersioningConfiguration: { Status: 'Enabled' } });
  });

  test('an optional IAM user carries the policy, with no access key in the template', () => {
    variants.new.hasResourceProperties('AWS::IAM::User', { ManagedPolicyArns: [{ Ref: clientPolicy('new') }] });
    variants.new.resourceCountIs('AWS::IAM::AccessKey', 0);
    variants.existing.resourceCountIs('AWS::IAM::User', 0);
  });
});

describe('deleting', () => {
  for (const v of Object.keys(variants) as Variant[]) {
    test(`${v}: only the maintenance role may delete repository or control objects`, () => {
      for (const s of statements(variants[v]).filter((x) => x.effect === 'Allow')) {
        const deletes = s.actions.filter((a) => a === '*' || /^s3:(\*|Delete)/.test(a));
        if (deletes.length === 0) continue;
        if (s.owner === clientPolicy(v)) continue; // locks/ only, checked above
        assert.equal(s.owner, maintenanceRole(v), `${s.owner} may ${deletes.join(',')} on ${s.resources.join(',')}`);
        assert.deepEqual(deletes, ['s3:DeleteObject'], 'no version deletes, no wildcards');
      }
    });
  }

  test('the maintenance role may delete data, index and snapshots, but not in the copy target', () => {
    const deletes = statements(variants.existing)
      .filter((s) => s.owner === maintenanceRole('existing') && s.actions.includes('s3:DeleteObject'))
      .flatMap((s) => s.resources);
    assert.ok(deletes.includes('arn:ref:AWS::Partition:s3:::old-backups/*'));
    assert.ok(!deletes.some((r) => r.includes('offline-copy')));
  });

  test('the maintenance role reads every password secret; nobody else does', () => {
    const readers = statements(variants.existing).filter((s) => s.actions.includes('secretsmanager:GetSecretValue'));
    assert.ok(readers.length > 0);
    for (const s of readers) assert.equal(s.owner, maintenanceRole('existing'));
    const secrets = Object.keys(variants.existing.findResources('AWS::SecretsManager::Secret')).map((id) => `ref:${id}`);
    assert.deepEqual(readers.flatMap((s) => s.resources).sort(), secrets.sort());
  });
});

describe('secrets', () => {
  for (const v of Object.keys(variants) as Variant[]) {
    test(`${v}: every secret is generated and retained; none has a value in the template`, () => {
      const all = Object.entries(variants[v].findResources('AWS::SecretsManager::Secret'));
      assert.ok(all.length >= 1);
      for (const [id, r] of all) {
        assert.equal(r['Properties']['SecretString'], undefined, id);
        assert.ok(r['Properties']['GenerateSecretString'], id);
        assert.equal(r['DeletionPolicy'], 'Retain', id);
      }
    });

    test(`${v}: functions see secrets only as ARNs`, () => {
      for (const r of Object.values(variants[v].findResources('AWS::Lambda::Function'))) {
        const vars = r['Properties']['Environment']['Variables'] as Record<string, unknown>;
        for (const [name, value] of Object.entries(vars)) {
          if (!/PASSWORD|SECRET|KEY|TOKEN/.test(name)) continue;
          assert.match(name, /_SECRET_ARN$/);
          assert.match(render(value), /^ref:\w*(Password|StorageKey)\w+$/);
        }
      }
    });
  }

  test('no generated or provider secret value can leak: no SecretString, no AccessKey, no resolve in outputs', () => {
    const text = JSON.stringify(variants.external.toJSON());
    assert.doesNotMatch(text, /"SecretString"/);
    assert.doesNotMatch(text, /resolve:secretsmanager/);
    assert.doesNotMatch(text, /AWS::IAM::AccessKey/);
  });
});

describe('outputs', () => {
  test('name the bus, control bucket, repository URL, client policy and alert topic', () => {
    const outputs = variants.new.findOutputs('*');
    for (const name of ['EventBusName', 'ControlBucket', 'RepositoryUrl', 'BackupClientPolicyArn', 'AlertTopicArn']) {
      assert.ok(outputs[name], name);
    }
    assert.match(render(outputs['RepositoryUrl']?.['Value']), /^s3:s3\.amazonaws\.com\/ref:StorageRepositoryBucket\w+\/restic$/);
  });
});
