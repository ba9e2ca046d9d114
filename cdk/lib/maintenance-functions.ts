// The four job functions every maintenance state machine runs (plan, work, finalize, failed) and the one
// role they share: the maintenance role, the only principal in the stack allowed to delete repository
// objects. Memory and timeouts follow DESIGN §7's work items (~10 minutes at ~60 MB/s each).
import { Duration } from 'aws-cdk-lib';
import { Grant, ManagedPolicy, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IRole } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { CairnFunction } from './cairn-function.js';
import type { RepositorySecrets } from './repository-secrets.js';
import type { RepositoryStorage } from './repository-storage.js';

/** A copy target in AWS S3. */
export interface CopyTarget {
  /** Its repository URL, `s3:s3.amazonaws.com/<bucket>/<prefix>`. */
  readonly repositoryUrl: string;
  /** Its bucket name. */
  readonly bucketName: string;
  /** Its folder in the bucket ("" for the root). */
  readonly prefix: string;
}

/** Properties of {@link MaintenanceFunctions}. */
export interface MaintenanceFunctionsProps {
  /** The repository's storage. */
  readonly storage: RepositoryStorage;
  /** The passwords. */
  readonly secrets: RepositorySecrets;
  /** Topic the functions publish alerts to (check errors, forget guard). */
  readonly alertTopic: ITopic;
  /** The copy target. @default - none: copy jobs are not deployed */
  readonly copyTarget?: CopyTarget;
  /** Largest share of a group's snapshots one scheduled forget may remove. @default 0.5 */
  readonly maxDeleteShare?: number;
  /** Log retention. @default one month */
  readonly logRetention?: RetentionDays;
}

/** The job functions and the maintenance role. */
export class MaintenanceFunctions extends Construct {
  /** The maintenance role: the functions' execution role, and the only principal that deletes. */
  readonly role: IRole;
  /** Plans a job: writes the work list to the control bucket. */
  readonly plan: IFunction;
  /** Runs one work item. */
  readonly work: IFunction;
  /** Commits a job after all work items succeeded. */
  readonly finalize: IFunction;
  /** Records a failed job's status. */
  readonly failed: IFunction;
  /** Every function with its construct id, for alarms. */
  readonly all: ReadonlyArray<{ readonly id: string; readonly fn: IFunction }>;
  /** The environment every job function receives (the contract with functions/). */
  readonly environment: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: MaintenanceFunctionsProps) {
    super(scope, id);
    const { storage, secrets, copyTarget } = props;
    this.role = new Role(this, 'MaintenanceRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'cairn maintenance: the only principal that deletes repository objects',
      managedPolicies: [ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaBasicExecutionRole')],
    });
    storage.grantMaintenance(this.role);
    secrets.grantRead(this.role);
    props.alertTopic.grantPublish(this.role);
    if (copyTarget) {
      // Read (to skip what the target has) and write new objects; no delete, so the copy stays a copy even
      // if this role is abused. Pruning the copy is done with its own credentials.
      const copyBucket = Bucket.fromBucketName(this, 'CopyBucket', copyTarget.bucketName);
      const prefix = copyTarget.prefix === '' ? '' : `${copyTarget.prefix}/`;
      Grant.addToPrincipal({
        grantee: this.role,
        actions: ['s3:ListBucket'],
        resourceArns: [copyBucket.bucketArn],
        ...(prefix === '' ? {} : { conditions: { StringLike: { 's3:prefix': [`${prefix}*`] } } }),
      });
      Grant.addToPrincipal({
        grantee: this.role,
        actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'],
        resourceArns: [copyBucket.arnForObjects(`${prefix}*`)],
      });
    }

    this.environment = {
      REPOSITORY: storage.repositoryUrl,
      PASSWORD_SECRET_ARN: secrets.password.secretArn,
      ...(storage.storageSecret ? { STORAGE_SECRET_ARN: storage.storageSecret.secretArn } : {}),
      CONTROL_BUCKET: storage.controlBucket.bucketName,
      CONTROL_PREFIX: storage.controlPrefix,
      ALERT_TOPIC_ARN: props.alertTopic.topicArn,
      ...(copyTarget && secrets.copyPassword
        ? { COPY_REPOSITORY: copyTarget.repositoryUrl, COPY_PASSWORD_SECRET_ARN: secrets.copyPassword.secretArn }
        : {}),
      MAX_DELETE_SHARE: String(props.maxDeleteShare ?? 0.5),
    };

    const make = (fnId: string, entry: string, description: string, memorySize: number, timeout: Duration) =>
      new CairnFunction(this, fnId, {
        entry,
        description,
        role: this.role,
        memorySize,
        timeout,
        environment: this.environment,
        logRetention: props.logRetention,
      }).function;
    // Plan and finalize hold the whole index and the used-blob set in memory (≤64 bytes per blob, DESIGN §9),
    // and walk every snapshot's trees: large memory, the full 15 minutes.
    this.plan = make('Plan', 'functions/job-plan.ts', 'cairn: plan a maintenance job', 3008, Duration.minutes(15));
    // A work item is sized for ~10 minutes; 2 GiB buys more than one vCPU and network share for the crypto.
    this.work = make('Work', 'functions/job-work.ts', 'cairn: run one work item', 2048, Duration.minutes(15));
    this.finalize = make('Finalize', 'functions/job-finalize.ts', 'cairn: commit a maintenance job', 3008,
      Duration.minutes(15));
    this.failed = make('Failed', 'functions/job-failed.ts', 'cairn: record a failed job', 256, Duration.minutes(1));
    this.all = [
      { id: 'Plan', fn: this.plan },
      { id: 'Work', fn: this.work },
      { id: 'Finalize', fn: this.finalize },
      { id: 'Failed', fn: this.failed },
    ];
  }
}
