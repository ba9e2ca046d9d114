// How a failed S3 call becomes a storage error. Throttling, server errors, resets and timeouts are transient
// (the retry layer tries again); a refused connection is transient too, with the UNREACHABLE code so the final
// message can say "endpoint unreachable"; credentials and permissions problems are permanent and say what to
// check; a missing object is NotFoundError.
import { CairnError, NotFoundError, StorageError } from '../core/index.js';
import { UNREACHABLE_CODE } from './retry.js';

/** Where the failed call was aimed, for messages. */
export interface S3ErrorContext {
  /** e.g. `s3:host/bucket/prefix` */
  readonly location: string;
  readonly bucket: string;
  /** The object key, or the listing prefix. */
  readonly key: string;
  /** The S3 action, e.g. `PutObject`. */
  readonly action: string;
}

/** Socket errors meaning the endpoint could not be reached at all. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN']);
/** Socket and stream errors of a connection that broke mid-way. */
const BROKEN = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE', 'UND_ERR_SOCKET']);
/** S3 error codes worth retrying, whatever their status. */
const TRANSIENT_CODES = new Set([
  'SlowDown', 'Throttling', 'ThrottlingException', 'RequestThrottled', 'TooManyRequests', 'RequestTimeout',
  'InternalError', 'ServiceUnavailable', 'TimeoutError', 'RequestTimeoutException', 'BadDigest',
]);
/** S3 error codes that mean the credentials or their permissions are wrong. */
const DENIED_CODES = new Set(['AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'InvalidToken', 'ExpiredToken', 'AllAccessDisabled', 'AccountProblem']);

/**
 * s3Error maps anything an S3 call threw to a CairnError. CairnErrors pass through; a 404 (NoSuchKey,
 * NotFound) becomes NotFoundError; NoSuchBucket and access problems become permanent StorageErrors naming the
 * bucket and what to check; throttling, 5xx, resets and timeouts become transient ones.
 */
export function s3Error(err: unknown, ctx: S3ErrorContext): CairnError {
  if (err instanceof CairnError) return err;
  const e = (typeof err === 'object' && err !== null ? err : {}) as SdkErrorShape;
  const message = err instanceof Error ? err.message : String(err);
  const sysCode = e.code ?? e.cause?.code;
  const s3Code = e.Code ?? (e.name === 'Error' ? undefined : e.name) ?? '';
  const status = e.$metadata?.httpStatusCode;
  const where = `${ctx.action} ${ctx.key}`;

  if (sysCode !== undefined && UNREACHABLE.has(sysCode)) return new StorageError(message, true, { cause: err }, UNREACHABLE_CODE);
  if (s3Code === 'TimeoutError' && /establish a connection/.test(message)) {
    return new StorageError(`connection timed out: ${message}`, true, { cause: err }, UNREACHABLE_CODE);
  }
  if ((sysCode !== undefined && BROKEN.has(sysCode)) || /socket hang up|aborted|premature close/i.test(message)) {
    return new StorageError(`${where}: connection broken (${message})`, true, { cause: err });
  }
  if (s3Code === 'NoSuchBucket') {
    return new StorageError(`${ctx.location}: bucket "${ctx.bucket}" does not exist: check the bucket name in the repository URL and the endpoint`, false, { cause: err });
  }
  if (s3Code === 'NoSuchKey' || s3Code === 'NotFound' || status === 404) return new NotFoundError(`${ctx.location}: ${ctx.key}`, { cause: err });
  // S3 answers a skewed clock with 403 too; it is the one 403 whose fix is not in the credentials.
  if (s3Code === 'RequestTimeTooSkewed') {
    return new StorageError(`${ctx.location}: this machine's clock differs too much from the server's: fix the clock (NTP) and retry`, false, { cause: err });
  }
  if (DENIED_CODES.has(s3Code) || status === 403 || status === 401) {
    return new StorageError(`${ctx.location}: access denied (${status ?? '?'} ${s3Code}) for ${where}: ${deniedHint(s3Code, ctx.bucket)}`, false, { cause: err });
  }
  if (s3Code === 'InvalidRange' || status === 416) {
    return new StorageError(`${ctx.location}: ${ctx.key} is shorter than the byte range asked for`, false, { cause: err });
  }
  if (s3Code === 'CredentialsProviderError') {
    return new StorageError(`${ctx.location}: no S3 credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE`, false, { cause: err });
  }
  if (TRANSIENT_CODES.has(s3Code) || (status !== undefined && (status >= 500 || status === 429))) {
    return new StorageError(`${where}: ${status ?? ''} ${s3Code}: ${message}`.replace(/ {2,}/g, ' '), true, { cause: err });
  }
  // A 2xx whose body could not be parsed was cut off or garbled on the way: worth another try.
  if (status !== undefined && status >= 200 && status < 300) return new StorageError(`${where}: bad response (${message})`, true, { cause: err });
  return new StorageError(`${ctx.location}: ${where} failed: ${status !== undefined ? `${status} ` : ''}${s3Code ? `${s3Code}: ` : ''}${message}`, false, { cause: err });
}

function deniedHint(code: string, bucket: string): string {
  switch (code) {
    case 'InvalidAccessKeyId':
      return 'the access key ID is not known to this endpoint; check AWS_ACCESS_KEY_ID and the endpoint/region';
    case 'SignatureDoesNotMatch':
      return 'the secret key does not match the access key; check AWS_SECRET_ACCESS_KEY';
    case 'ExpiredToken':
    case 'InvalidToken':
      return 'the session token is expired or invalid; refresh the credentials';
    default:
      return `check that the credentials may use bucket "${bucket}" for this action (bucket policy, key capabilities)`;
  }
}

/** The fields of AWS SDK v3 service exceptions and Node system errors that the mapping reads. */
interface SdkErrorShape {
  name?: string;
  code?: string;
  Code?: string;
  cause?: { code?: string };
  $metadata?: { httpStatusCode?: number };
}
