// How the AWS SDK's S3 client is set up for cairn, and why: one retry layer (ours), plain Content-Length
// uploads that every S3 implementation accepts, keep-alive connections, and timeouts so that a stalled
// connection fails instead of hanging a backup.
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { S3Client } from '@aws-sdk/client-s3';

/** The SDK module, loaded lazily by openS3Backend. */
export type Sdk = typeof import('@aws-sdk/client-s3');

/** Static credentials; without them the SDK's default chain (environment, profiles, instance role) is used. */
export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Where and how to reach the bucket. */
export interface S3BackendOptions {
  bucket: string;
  /** Key prefix of the repository inside the bucket, without leading or trailing slash. @default "" */
  prefix?: string;
  /** Endpoint URL such as `https://s3.eu-central-003.backblazeb2.com`; absent means AWS S3. */
  endpoint?: string;
  /** @default "us-east-1" (AWS then follows the bucket's region redirect) */
  region?: string;
  /** Path-style addressing (`host/bucket/key`). @default true when `endpoint` is set, else false */
  forcePathStyle?: boolean;
  credentials?: S3Credentials;
  /** Shown in messages. @default `s3:<endpoint host or s3.amazonaws.com>/<bucket>/<prefix>` */
  location?: string;
  /** A connection not established within this time fails (transient). @default 10000 */
  connectTimeoutMs?: number;
  /** A connection idle this long in the middle of a request fails (transient), so a stall never hangs. @default 60000 */
  idleTimeoutMs?: number;
  /** Concurrent connections to the endpoint. @default 32 */
  maxSockets?: number;
}

/** createS3Client builds the SDK client for `opts` from an already loaded SDK module. */
export function createS3Client(sdk: Sdk, opts: S3BackendOptions): S3Client {
  const agentOptions = { keepAlive: true, maxSockets: opts.maxSockets ?? 32 };
  const silent = { debug() {}, info() {}, warn() {}, error() {} };
  return new sdk.S3Client({
    region: opts.region ?? 'us-east-1',
    ...(opts.endpoint !== undefined ? { endpoint: opts.endpoint } : { followRegionRedirects: true }),
    forcePathStyle: opts.forcePathStyle ?? opts.endpoint !== undefined,
    ...(opts.credentials ? { credentials: opts.credentials } : {}),
    // withRetry is the only retry layer; SDK retries underneath it would multiply the attempts and delays.
    maxAttempts: 1,
    // s3rver and some S3-compatible stores reject the SDK's default aws-chunked trailing checksums; integrity
    // comes from Content-MD5 instead, which AWS, B2 and MinIO verify.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // Our own keep-alive agents: the SDK would otherwise open a fresh connection per large upload to wait
    // for "100 Continue", a round trip and a TLS handshake per 16 MiB pack.
    expectContinueHeader: false,
    requestHandler: {
      connectionTimeout: opts.connectTimeoutMs ?? 10_000,
      socketTimeout: opts.idleTimeoutMs ?? 60_000,
      httpAgent: new HttpAgent(agentOptions),
      httpsAgent: new HttpsAgent(agentOptions),
      logger: silent,
    },
    logger: silent,
  });
}
