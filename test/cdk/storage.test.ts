// Storage in its three shapes: a new hardened bucket, an existing bucket, and an external S3-compatible
// provider (Backblaze B2) with a separate control bucket and the provider's key in Secrets Manager.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Match } from 'aws-cdk-lib/assertions';
import { render, synth } from './synth.js';

const B2 = {
  'cairn:storage': 'external',
  'cairn:bucketName': 'home-backups',
  'cairn:repositoryPrefix': 'restic',
  'cairn:endpoint': 'https://s3.us-west-004.backblazeb2.com',
};
const fresh = synth({ 'cairn:noncurrentVersionDays': 45 });
const existing = synth({ 'cairn:storage': 'existing', 'cairn:bucketName': 'old-backups', 'cairn:repositoryPrefix': 'nas' });
const external = synth(B2);

function environments(template: ReturnType<typeof synth>): Record<string, unknown>[] {
  return Object.values(template.findResources('AWS::Lambda::Function'))
    .map((r) => r['Properties']['Environment']['Variables'] as Record<string, unknown>);
}

describe('a new repository bucket', () => {
  test('is versioned, encrypted, private and retained', () => {
    fresh.resourceCountIs('AWS::S3::Bucket', 1);
    fresh.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        VersioningConfiguration: { Status: 'Enabled' },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true,
        },
      }),
    });
  });

  test('expires noncurrent versions after the configured days and aborts incomplete uploads', () => {
    const [bucket] = Object.values(fresh.findResources('AWS::S3::Bucket'));
    const rules = bucket?.['Properties']['LifecycleConfiguration']['Rules'] as Record<string, unknown>[];
    assert.ok(rules.some((r) => (r['NoncurrentVersionExpiration'] as { NoncurrentDays: number } | undefined)
      ?.NoncurrentDays === 45 && r['Status'] === 'Enabled'));
    assert.ok(rules.some((r) => (r['AbortIncompleteMultipartUpload'] as { DaysAfterInitiation: number } | undefined)
      ?.DaysAfterInitiation === 7 && r['Status'] === 'Enabled'));
  });

  test('denies every request not made over TLS', () => {
    fresh.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Effect: 'Deny',
          Action: 's3:*',
          Principal: { AWS: '*' },
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        })]),
      },
    });
  });

  test('holds the control objects under cairn/ and is the repository named in REPOSITORY', () => {
    for (const env of environments(fresh)) {
      assert.deepEqual(env['CONTROL_BUCKET'], { Ref: Object.keys(fresh.findResources('AWS::S3::Bucket'))[0] });
      assert.equal(env['CONTROL_PREFIX'], 'cairn/');
    }
    const [plan] = environments(fresh);
    assert.match(render(plan?.['REPOSITORY']), /^s3:s3\.amazonaws\.com\/ref:StorageRepositoryBucket\w+$/);
  });
});

describe('an existing bucket', () => {
  test('creates no bucket and points REPOSITORY at bucket/prefix', () => {
    existing.resourceCountIs('AWS::S3::Bucket', 0);
    for (const env of environments(existing).filter((e) => 'REPOSITORY' in e)) {
      assert.equal(env['REPOSITORY'], 's3:s3.amazonaws.com/old-backups/nas');
      assert.equal(env['CONTROL_BUCKET'], 'old-backups');
      assert.equal(env['STORAGE_SECRET_ARN'], undefined);
    }
  });
});

describe('an external S3-compatible provider', () => {
  test('gets a new, hardened control bucket in AWS', () => {
    external.resourceCountIs('AWS::S3::Bucket', 1);
    external.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: Match.objectLike({ BlockPublicAcls: true }),
    });
    const [id] = Object.keys(external.findResources('AWS::S3::Bucket'));
    assert.match(id ?? '', /ControlBucket/);
  });

  test('keeps the provider key in a generated JSON secret {accessKeyId, secretAccessKey}', () => {
    external.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: {
        SecretStringTemplate: Match.stringLikeRegexp('accessKeyId'),
        GenerateStringKey: 'secretAccessKey',
      },
    });
  });

  test('gives the job functions the endpoint URL and the storage secret ARN', () => {
    const jobs = environments(external).filter((e) => 'REPOSITORY' in e);
    assert.equal(jobs.length, 4);
    for (const env of jobs) {
      assert.equal(env['REPOSITORY'], 's3:https://s3.us-west-004.backblazeb2.com/home-backups/restic');
      assert.match(render(env['STORAGE_SECRET_ARN']), /^ref:StorageStorageKey\w+$/);
    }
  });
});
