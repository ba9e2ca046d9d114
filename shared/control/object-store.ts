// The control bucket's object store: small JSON objects under one key prefix in an S3 bucket (work lists,
// plans, item results, job and host status). It is not a repository backend: keys are free-form and
// objects are overwritten in place (a retried step rewrites its own result), so it gets its own few
// primitives instead of the Backend interface. The AWS SDK is loaded only when a store is opened.
import type { S3Client } from '@aws-sdk/client-s3';
import { NotFoundError, StorageError } from '../core/index.js';

/** Where the control objects live. */
export interface ControlStoreOptions {
  readonly bucket: string;
  /** Key prefix ending in "/" (e.g. "cairn/"), or "" for the bucket root. */
  readonly prefix: string;
  /** An S3-compatible endpoint (tests: s3rver); absent means AWS S3. Path-style addressing when set. */
  readonly endpoint?: string;
  /** @default "us-east-1" */
  readonly region?: string;
  /** Static credentials; absent means the SDK's default chain (the Lambda role, AWS_PROFILE, …). */
  readonly credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

/** One listed object: its key relative to the prefix, and when it was last written. */
export interface ControlObject {
  readonly key: string;
  readonly lastModified: Date | undefined;
}

/**
 * A JSON object store under `prefix`. Keys passed to every method are relative to the prefix.
 * Failures are StorageErrors: `transient` for throttling, 5xx and broken connections (worth another try by
 * the caller), permanent otherwise. The SDK retries each call a few times itself first.
 */
export interface ControlStore {
  /** `s3://bucket/prefix`, for messages. */
  readonly location: string;
  readonly bucket: string;
  readonly prefix: string;
  /** The full object key of a relative key (what the Distributed Map is given). */
  fullKey(key: string): string;
  /** Writes `value` as JSON, replacing any object at the key. */
  putJson(key: string, value: unknown): Promise<void>;
  /** Reads and parses the JSON at the key; undefined when there is no such object. */
  getJson<T>(key: string): Promise<T | undefined>;
  /** Lists every object whose relative key starts with `keyPrefix`. */
  list(keyPrefix: string): Promise<ControlObject[]>;
  close(): void;
}

/** openControlStore loads the S3 SDK and returns a store; no request is sent yet. */
export async function openControlStore(opts: ControlStoreOptions): Promise<ControlStore> {
  const sdk = await import('@aws-sdk/client-s3');
  const client = new sdk.S3Client({
    region: opts.region ?? 'us-east-1',
    ...(opts.endpoint !== undefined ? { endpoint: opts.endpoint, forcePathStyle: true } : { followRegionRedirects: true }),
    ...(opts.credentials ? { credentials: opts.credentials } : {}),
    maxAttempts: 4,
    // s3rver and some S3-compatible stores reject aws-chunked trailing checksums; these objects are tiny.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return new S3ControlStore(sdk, client, opts.bucket, normalizePrefix(opts.prefix));
}

function normalizePrefix(prefix: string): string {
  const trimmed = prefix.replace(/^\/+/, '');
  return trimmed === '' || trimmed.endsWith('/') ? trimmed : `${trimmed}/`;
}

class S3ControlStore implements ControlStore {
  readonly location: string;

  constructor(
    private readonly sdk: typeof import('@aws-sdk/client-s3'),
    private readonly client: S3Client,
    readonly bucket: string,
    readonly prefix: string,
  ) {
    this.location = `s3://${bucket}/${prefix}`;
  }

  fullKey(key: string): string {
    return this.prefix + key;
  }

  async putJson(key: string, value: unknown): Promise<void> {
    const body = Buffer.from(JSON.stringify(value));
    await this.call('PutObject', key, () =>
      this.client.send(new this.sdk.PutObjectCommand({
        Bucket: this.bucket, Key: this.fullKey(key), Body: body, ContentLength: body.length, ContentType: 'application/json',
      })));
  }

  async getJson<T>(key: string): Promise<T | undefined> {
    let text: string;
    try {
      text = await this.call('GetObject', key, async () => {
        const out = await this.client.send(new this.sdk.GetObjectCommand({ Bucket: this.bucket, Key: this.fullKey(key) }));
        return out.Body ? out.Body.transformToString('utf8') : '';
      });
    } catch (err) {
      if (err instanceof NotFoundError) return undefined;
      throw err;
    }
    try {
      return JSON.parse(text) as T;
    } catch (err) {
      // Transient: on S3-compatible servers without atomic PUTs a read can overlap a write in progress.
      throw new StorageError(`${this.location}${key} is not valid JSON: ${(err as Error).message}`, true, { cause: err });
    }
  }

  async list(keyPrefix: string): Promise<ControlObject[]> {
    const out: ControlObject[] = [];
    let token: string | undefined;
    do {
      const page = await this.call('ListObjectsV2', keyPrefix, () =>
        this.client.send(new this.sdk.ListObjectsV2Command({
          Bucket: this.bucket, Prefix: this.fullKey(keyPrefix), ...(token ? { ContinuationToken: token } : {}),
        })));
      for (const obj of page.Contents ?? []) {
        if (obj.Key?.startsWith(this.prefix)) out.push({ key: obj.Key.slice(this.prefix.length), lastModified: obj.LastModified });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out;
  }

  close(): void {
    this.client.destroy();
  }

  /** Runs one SDK call and maps its failure to a StorageError naming the action and key. */
  private async call<T>(action: string, key: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (err) {
      throw controlError(err, action, `${this.location}${key}`);
    }
  }
}

const THROTTLED = new Set(['SlowDown', 'Throttling', 'ThrottlingException', 'RequestTimeout', 'InternalError', 'ServiceUnavailable', 'TimeoutError']);
const BROKEN = /ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|socket hang up|premature close/i;

function controlError(err: unknown, action: string, where: string): StorageError {
  const e = (typeof err === 'object' && err !== null ? err : {}) as { name?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  const name = e.name ?? '';
  const message = err instanceof Error ? err.message : String(err);
  if (name === 'NoSuchKey' || name === 'NotFound' || (status === 404 && name !== 'NoSuchBucket')) return new NotFoundError(where, { cause: err });
  if (name === 'NoSuchBucket') return new StorageError(`${action} ${where}: the control bucket does not exist: check the bucket name`, false, { cause: err });
  if (status === 403 || name === 'AccessDenied') {
    return new StorageError(`${action} ${where}: access denied: check the credentials and that they may use the control bucket`, false, { cause: err });
  }
  const transient = THROTTLED.has(name) || (status !== undefined && (status >= 500 || status === 429)) || BROKEN.test(`${e.code ?? ''} ${message}`);
  return new StorageError(`${action} ${where} failed: ${status ?? ''} ${name}: ${message}`.replace(/ {2,}/g, ' '), transient, { cause: err });
}
