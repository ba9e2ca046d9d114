// The backup credential of DESIGN §8, as a managed policy for home machines: list the repository, read its
// metadata, upload new objects, delete only lock files, request maintenance and read job status. It cannot
// delete or (lastingly) overwrite data, index or snapshots: deletes are not granted, and an overwrite of a
// versioned bucket keeps the previous version, which this policy can neither delete nor expire early.
import { Effect, ManagedPolicy, PolicyStatement, User } from 'aws-cdk-lib/aws-iam';
import type { IManagedPolicy, IUser } from 'aws-cdk-lib/aws-iam';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';
import { BACKUP_FINISHED, MAINTENANCE_REQUESTED } from './maintenance-events.js';
import type { RepositoryStorage } from './repository-storage.js';

/** Properties of {@link BackupClientPolicy}. */
export interface BackupClientPolicyProps {
  /** The repository's storage. */
  readonly storage: RepositoryStorage;
  /** The bus the client sends maintenance requests and backup-finished events to. */
  readonly bus: IEventBus;
  /** Withhold reading data/: the client then dedups against its local cache only. @default false */
  readonly writeOnly?: boolean;
  /** Also create an IAM user with this policy (access keys are made by hand, never in a template). @default false */
  readonly createUser?: boolean;
}

/** The backup-client managed policy and, optionally, an IAM user that has it. */
export class BackupClientPolicy extends Construct {
  /** The managed policy. */
  readonly policy: IManagedPolicy;
  /** The IAM user, when requested. */
  readonly user?: IUser;

  constructor(scope: Construct, id: string, props: BackupClientPolicyProps) {
    super(scope, id);
    const { storage } = props;
    const statements: PolicyStatement[] = [];
    const repo = storage.repositoryBucket;
    if (repo) {
      const objects = (...paths: string[]) => paths.map((p) => storage.repositoryObjects(p) as string);
      const prefix = storage.repositoryPrefix;
      statements.push(
        new PolicyStatement({
          sid: 'ListRepository',
          actions: ['s3:ListBucket'],
          resources: [repo.bucketArn],
          // An empty prefix means the repository is the whole bucket; then there is nothing to narrow.
          ...(prefix === '' ? {} : { conditions: { StringLike: { 's3:prefix': [prefix, `${prefix}/*`] } } }),
        }),
        // restic (minio-go) asks for the bucket's region; harmless, and keeps restic usable with this key.
        new PolicyStatement({ sid: 'LocateBucket', actions: ['s3:GetBucketLocation'], resources: [repo.bucketArn] }),
        new PolicyStatement({
          sid: 'ReadRepository',
          actions: ['s3:GetObject'],
          resources: objects('config', 'keys/*', 'index/*', 'snapshots/*', 'locks/*',
            ...(props.writeOnly ? [] : ['data/*'])),
        }),
        // Not keys/ or config: a client must not be able to replace the repository's keys.
        new PolicyStatement({
          sid: 'UploadNewObjects',
          actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
          resources: objects('data/*', 'index/*', 'snapshots/*', 'locks/*'),
        }),
        new PolicyStatement({
          sid: 'RemoveOwnLocks',
          actions: ['s3:DeleteObject'],
          resources: objects('locks/*'),
        }),
        // Belt and braces: even if this identity is later given broader rights, it cannot undo versioning.
        new PolicyStatement({
          sid: 'NeverDestroyHistory',
          effect: Effect.DENY,
          actions: [
            's3:DeleteObjectVersion', 's3:PutBucketVersioning', 's3:PutLifecycleConfiguration',
            's3:PutBucketPolicy', 's3:DeleteBucketPolicy', 's3:DeleteBucket', 's3:PutObjectRetention',
            's3:BypassGovernanceRetention',
          ],
          resources: [repo.bucketArn, repo.arnForObjects('*')],
        }),
      );
    }
    const status = `${storage.controlPrefix}status/`;
    statements.push(
      new PolicyStatement({
        sid: 'ListJobStatus',
        actions: ['s3:ListBucket'],
        resources: [storage.controlBucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${status}*`] } },
      }),
      new PolicyStatement({
        sid: 'ReadJobStatus',
        actions: ['s3:GetObject'],
        resources: [storage.controlBucket.arnForObjects(`${status}*`)],
      }),
      // Only as cairn.client: a client cannot pose as the scheduler, nor send other kinds of events.
      new PolicyStatement({
        sid: 'SendEvents',
        actions: ['events:PutEvents'],
        resources: [props.bus.eventBusArn],
        conditions: {
          StringEquals: { 'events:source': 'cairn.client' },
          'ForAllValues:StringEquals': { 'events:detail-type': [MAINTENANCE_REQUESTED, BACKUP_FINISHED] },
        },
      }),
    );
    this.policy = new ManagedPolicy(this, 'Policy', {
      description: 'cairn backup client: upload, read metadata, delete only locks, request maintenance',
      statements,
    });
    if (props.createUser) {
      this.user = new User(this, 'User', { managedPolicies: [this.policy] });
    }
  }
}
