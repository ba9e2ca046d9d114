// Repository locations: restic's URL syntax for where a repository lives, parsed into a Location, and the
// one entry point that turns a URL into a ready backend wrapped in the retry layer.
import { UsageError } from '../core/index.js';
import type { Backend } from './backend.js';
import { LocalBackend } from './local.js';
import { withRetry } from './retry.js';
import type { RetryOptions } from './retry.js';
import { openS3Backend } from './s3.js';
import type { S3Credentials } from './s3-client.js';

/** A parsed repository URL. */
export type Location =
  | { readonly type: 'local'; readonly path: string }
  | {
      readonly type: 's3';
      /** `https://host[:port]`, or undefined for AWS S3 itself (`s3.amazonaws.com`). */
      readonly endpoint: string | undefined;
      readonly bucket: string;
      /** Key prefix inside the bucket, no leading or trailing slash; "" for the bucket root. */
      readonly prefix: string;
      /** The AWS region named by a regional AWS host (`s3.eu-central-1.amazonaws.com`), else undefined. */
      readonly region: string | undefined;
      /** As restic would print it, e.g. `s3:host/bucket/prefix`. */
      readonly display: string;
    };

/** restic back ends cairn does not speak, with the advice to give. */
const UNSUPPORTED: Record<string, string> = {
  b2: 'use Backblaze B2 through its S3 endpoint instead, e.g. s3:s3.us-west-004.backblazeb2.com/bucket/prefix',
  sftp: 'mount the remote folder (e.g. sshfs) and give its local path, or use an S3 server',
  rest: 'use a local path or an S3 endpoint (s3:https://host/bucket/prefix)',
  azure: 'use a local path or an S3 endpoint (s3:https://host/bucket/prefix)',
  gs: 'use Google Cloud Storage through its S3 endpoint: s3:storage.googleapis.com/bucket/prefix',
  swift: 'use a local path or an S3 endpoint (s3:https://host/bucket/prefix)',
  rclone: 'use a local path or an S3 endpoint (s3:https://host/bucket/prefix)',
};

const AWS_HOST = 's3.amazonaws.com';
const AWS_REGIONAL_HOST = /^s3[.-]([a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com$/;

/**
 * parseLocation reads restic's repository syntax: `/abs/path`, `relative/path`, `local:/path`,
 * `s3:https://host[:port]/bucket[/prefix]`, `s3:http://…`, `s3:host/bucket[/prefix]` (https) and
 * `s3:s3.amazonaws.com/bucket[/prefix]` (AWS). Throws UsageError, with an example of what to write, for an
 * empty URL, other restic back ends (b2:, sftp:, …), `scheme://` URLs, and S3 URLs without a bucket.
 */
export function parseLocation(url: string): Location {
  if (url.trim() === '') throw new UsageError('no repository given: pass -r/--repo, e.g. -r /srv/restic-repo or -r s3:s3.amazonaws.com/bucket/prefix');
  if (url.startsWith('local:')) {
    const path = url.slice('local:'.length);
    if (path === '') throw new UsageError('local: needs a path, e.g. local:/srv/restic-repo');
    return { type: 'local', path };
  }
  if (url.startsWith('s3:')) return parseS3(url);
  const scheme = /^([a-z][a-z0-9+.-]*):/.exec(url)?.[1];
  if (scheme !== undefined && UNSUPPORTED[scheme] !== undefined) {
    throw new UsageError(`repository type "${scheme}:" is not supported by cairn: ${UNSUPPORTED[scheme]}`);
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    throw new UsageError(`cannot use ${url} as a repository: for S3 write s3:https://host/bucket/prefix, for a folder give its path`);
  }
  return { type: 'local', path: url };
}

function parseS3(url: string): Location {
  const rest = url.slice('s3:'.length);
  let scheme: 'http' | 'https' = 'https';
  let hostAndPath: string;
  const explicit = /^(https?):\/\/(.*)$/.exec(rest);
  if (explicit) {
    scheme = explicit[1] as 'http' | 'https';
    hostAndPath = explicit[2] ?? '';
  } else {
    hostAndPath = rest.startsWith('//') ? rest.slice(2) : rest;
  }
  const [host = '', bucket = '', ...prefixParts] = hostAndPath.split('/');
  if (host === '' || bucket === '') {
    throw new UsageError(`S3 repository URL ${url} needs a host and a bucket, e.g. s3:s3.amazonaws.com/bucket/prefix or s3:https://host:9000/bucket/prefix`);
  }
  const prefix = prefixParts.filter((p) => p !== '' && p !== '.').join('/');
  // AWS's own hosts go to the SDK's endpoint resolution (virtual-hosted buckets, region redirects); any
  // other host is an S3-compatible server addressed path-style.
  const awsRegion = AWS_REGIONAL_HOST.exec(host)?.[1];
  const isAws = scheme === 'https' && (host === AWS_HOST || awsRegion !== undefined);
  const endpoint = isAws ? undefined : `${scheme}://${host}`;
  return { type: 's3', endpoint, region: awsRegion, bucket, prefix, display: `s3:${host}/${bucket}${prefix ? `/${prefix}` : ''}` };
}

/** Options for openBackend; the CLI fills `s3` from AWS_ENDPOINT_URL_S3, AWS_REGION and friends. */
export interface OpenBackendOptions {
  s3?: {
    /** Replaces AWS's endpoint for `s3:s3.amazonaws.com/…` URLs; any other host in the URL wins over it. */
    endpoint?: string;
    region?: string;
    credentials?: S3Credentials;
    connectTimeoutMs?: number;
    idleTimeoutMs?: number;
  };
  retry?: RetryOptions;
}

/**
 * openBackend parses `url` and returns its backend wrapped in the retry layer. S3 loads the AWS SDK only
 * here. No request is sent: a missing repository shows up on the first read.
 */
export async function openBackend(url: string, opts: OpenBackendOptions = {}): Promise<Backend> {
  const loc = parseLocation(url);
  if (loc.type === 'local') return withRetry(new LocalBackend(loc.path), opts.retry);
  const s3 = opts.s3 ?? {};
  const endpoint = loc.endpoint ?? s3.endpoint;
  const region = loc.region ?? s3.region;
  const backend = await openS3Backend({
    bucket: loc.bucket,
    prefix: loc.prefix,
    location: loc.display,
    ...(endpoint !== undefined ? { endpoint } : {}),
    ...(region !== undefined ? { region } : {}),
    ...(s3.credentials ? { credentials: s3.credentials } : {}),
    ...(s3.connectTimeoutMs !== undefined ? { connectTimeoutMs: s3.connectTimeoutMs } : {}),
    ...(s3.idleTimeoutMs !== undefined ? { idleTimeoutMs: s3.idleTimeoutMs } : {}),
  });
  return withRetry(backend, opts.retry);
}
