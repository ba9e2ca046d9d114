// Where the repository and cairn's control objects live, in one of three shapes: a new S3 bucket, an existing
// S3 bucket, or an external S3-compatible provider such as Backblaze B2. Whatever the shape, the rest of the
// stack sees a repository URL, a control bucket in AWS S3 (Distributed Map reads work lists from S3 only) and
// the maintenance grants, so the storage decision is made in this one place.
import { RemovalPolicy } from 'aws-cdk-lib';
import { Grant } from 'aws-cdk-lib/aws-iam';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { StorageMode } from './config.js';
import { RepositoryBucket } from './repository-bucket.js';

/** Properties of {@link RepositoryStorage}. */
export interface RepositoryStorageProps {
  /** Which kind of storage holds the repository. @default "new" */
  readonly mode?: StorageMode;
  /** Bucket name: required for "existing" and "external". @default - generated for "new" */
  readonly bucketName?: string;
  /** Folder of the repository inside the bucket, without slashes at either end. @default "" (bucket root) */
  readonly repositoryPrefix?: string;
  /** S3 endpoint of the external provider (mode "external"), https://host. @default - none */
  readonly endpoint?: string;
  /** Prefix of work lists and status objects in the control bucket, ending in "/". @default "cairn/" */
  readonly controlPrefix?: string;
  /** Days a noncurrent object version is kept in buckets this construct creates. @default 30 */
  readonly noncurrentVersionDays?: number;
  /** Days until incomplete multipart uploads are aborted in buckets this construct creates. @default 7 */
  readonly abortIncompleteUploadDays?: number;
}

/** The repository's storage, the control bucket and, for external providers, the storage key's secret. */
export class RepositoryStorage extends Construct {
  /** The repository's bucket when it is in AWS S3; undefined for an external provider. */
  readonly repositoryBucket?: IBucket;
  /** The AWS S3 bucket holding work lists and status objects under {@link controlPrefix}. */
  readonly controlBucket: IBucket;
  /** Repository URL in cairn/restic syntax, e.g. `s3:s3.amazonaws.com/<bucket>/<prefix>`. */
  readonly repositoryUrl: string;
  /** Folder of the repository inside its bucket ("" for the bucket root). */
  readonly repositoryPrefix: string;
  /** Prefix of cairn's control objects, ending in "/". */
  readonly controlPrefix: string;
  /**
   * For an external provider: a JSON secret `{accessKeyId, secretAccessKey}` holding its S3 key. Created with a
   * generated placeholder so no key ever appears in a template; the real key is put in after deployment.
   */
  readonly storageSecret?: ISecret;

  constructor(scope: Construct, id: string, props: RepositoryStorageProps = {}) {
    super(scope, id);
    const mode = props.mode ?? 'new';
    this.repositoryPrefix = props.repositoryPrefix ?? '';
    this.controlPrefix = props.controlPrefix ?? 'cairn/';
    const lifecycle = {
      noncurrentVersionDays: props.noncurrentVersionDays,
      abortIncompleteUploadDays: props.abortIncompleteUploadDays,
    };
    const suffix = this.repositoryPrefix === '' ? '' : `/${this.repositoryPrefix}`;

    if (mode === 'external') {
      if (!props.bucketName || !props.endpoint) {
        throw new Error('RepositoryStorage: mode "external" needs bucketName and endpoint');
      }
      this.controlBucket = new RepositoryBucket(this, 'ControlBucket', lifecycle).bucket;
      this.repositoryUrl = `s3:${props.endpoint}/${props.bucketName}${suffix}`;
      this.storageSecret = new Secret(this, 'StorageKey', {
        description: 'S3 key of the external storage provider as JSON {accessKeyId, secretAccessKey}; replace the '
          + 'generated placeholder with the real key after deployment',
        generateSecretString: {
          secretStringTemplate: JSON.stringify({ accessKeyId: 'replace-with-the-key-id' }),
          generateStringKey: 'secretAccessKey',
        },
        removalPolicy: RemovalPolicy.RETAIN,
      });
      return;
    }

    if (mode === 'existing') {
      if (!props.bucketName) throw new Error('RepositoryStorage: mode "existing" needs bucketName');
      this.repositoryBucket = Bucket.fromBucketName(this, 'RepositoryBucket', props.bucketName);
    } else {
      this.repositoryBucket = new RepositoryBucket(this, 'RepositoryBucket', {
        ...lifecycle,
        bucketName: props.bucketName,
      }).bucket;
    }
    // In S3 the control objects sit beside the repository, under their own prefix: one bucket, one set of
    // lifecycle rules. restic ignores folders it does not know.
    this.controlBucket = this.repositoryBucket;
    this.repositoryUrl = `s3:s3.amazonaws.com/${this.repositoryBucket.bucketName}${suffix}`;
  }

  /**
   * ARN pattern of repository objects under `path` (e.g. "data/*", "config"); undefined for external storage.
   */
  repositoryObjects(path: string): string | undefined {
    if (!this.repositoryBucket) return undefined;
    return this.repositoryBucket.arnForObjects(this.repositoryPrefix === '' ? path : `${this.repositoryPrefix}/${path}`);
  }

  /**
   * Grants everything maintenance needs: list, read, write and DELETE in the repository (the only delete grant
   * on repository objects in the stack), read/write/delete of control objects, and reading the external
   * storage key. Deliberately not s3:DeleteObjectVersion: on a versioned bucket a delete leaves the old version
   * for the noncurrent-version window, so even a wrong prune can be undone for that long.
   */
  grantMaintenance(grantee: IGrantable): void {
    if (this.repositoryBucket) {
      grantObjects(grantee, this.repositoryBucket, this.repositoryPrefix === '' ? '' : `${this.repositoryPrefix}/`,
        ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload']);
    }
    grantObjects(grantee, this.controlBucket, this.controlPrefix,
      ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload']);
    this.storageSecret?.grantRead(grantee);
  }

  /** Grants listing, reading and writing (not deleting) control objects under `<controlPrefix><subPrefix>`. */
  grantControlReadWrite(grantee: IGrantable, subPrefix = ''): void {
    grantObjects(grantee, this.controlBucket, `${this.controlPrefix}${subPrefix}`, ['s3:GetObject', 's3:PutObject']);
  }

  /** Grants listing and reading control objects under `<controlPrefix><subPrefix>` (e.g. the work lists). */
  grantControlRead(grantee: IGrantable, subPrefix = ''): void {
    grantObjects(grantee, this.controlBucket, `${this.controlPrefix}${subPrefix}`, ['s3:GetObject']);
  }
}

// Exact actions on `<prefix>*` plus a listing narrowed to the prefix: the bucket helpers (grantRead, grantPut,
// grantDelete) add wildcards such as s3:DeleteObject* and s3:PutObjectRetention that no cairn role should hold.
function grantObjects(grantee: IGrantable, bucket: IBucket, prefix: string, actions: string[]): void {
  Grant.addToPrincipal({
    grantee,
    actions: ['s3:ListBucket'],
    resourceArns: [bucket.bucketArn],
    ...(prefix === '' ? {} : { conditions: { StringLike: { 's3:prefix': [`${prefix}*`] } } }),
  });
  Grant.addToPrincipal({ grantee, actions, resourceArns: [bucket.arnForObjects(`${prefix}*`)] });
}
