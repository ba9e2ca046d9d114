// A local S3 server for tests: s3rver 3.7.1 in this process, on 127.0.0.1 with a random free port and a fresh
// temp folder, one bucket ready, fake credentials (S3RVER/S3RVER). Plus copies between a bucket prefix and a
// plain folder, so restic 0.14 (which cannot write to s3rver over http) can read what cairn stored, and cairn
// can be given a repository restic wrote to a folder.
// (s3rver needs two fixes to list more than 1000 objects here; see s3rver-fixes.ts.)
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { loadS3rver } from './s3rver-fixes.js';

/** The fake credentials s3rver accepts. */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/** A running s3rver. */
export interface S3Server {
  /** e.g. `http://127.0.0.1:40123` */
  readonly endpoint: string;
  readonly bucket: string;
  /** s3rver's data folder; objects are at `<dir>/<bucket>/<key>._S3rver_object`. */
  readonly dir: string;
  readonly region: 'us-east-1';
  readonly credentials: typeof S3RVER_CREDENTIALS;
  /** Stops the server, drops its connections and deletes its folder. */
  stop(): Promise<void>;
}

export interface S3ServerOptions {
  /** @default "cairn-test" */
  bucket?: string;
}

/** startS3Server starts s3rver on 127.0.0.1:<random> with `bucket` created. Always `stop()` it. */
export async function startS3Server(opts: S3ServerOptions = {}): Promise<S3Server> {
  const bucket = opts.bucket ?? 'cairn-test';
  const dir = await mkdtemp(join(tmpdir(), 'cairn-s3rver-'));
  const S3rver = loadS3rver();
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir, configureBuckets: [{ name: bucket }] });
  const addr = await server.run();
  return {
    endpoint: `http://127.0.0.1:${addr.port}`,
    bucket,
    dir,
    region: 'us-east-1',
    credentials: S3RVER_CREDENTIALS,
    async stop() {
      // Keep-alive connections of clients would otherwise hold close() open.
      server.httpServer?.closeAllConnections();
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** s3ClientFor returns a plain SDK client for the server (path-style, fake credentials, no SDK retries). */
export function s3ClientFor(server: Pick<S3Server, 'endpoint' | 'region' | 'credentials'>): S3Client {
  return new S3Client({
    endpoint: server.endpoint,
    region: server.region,
    credentials: server.credentials,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/**
 * exportBucket copies every object under `prefix` to `destDir` (key minus prefix becomes the relative path)
 * and adds restic's empty folders, so `restic -r destDir check` works. Returns the number of objects copied.
 */
export async function exportBucket(server: S3Server, prefix: string, destDir: string): Promise<number> {
  const client = s3ClientFor(server);
  const base = prefix.replace(/^\/+|\/+$/g, '');
  const keys: string[] = [];
  try {
    let token: string | undefined;
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: server.bucket, Prefix: base ? `${base}/` : undefined, ContinuationToken: token }));
      for (const obj of page.Contents ?? []) if (obj.Key) keys.push(obj.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    const layout = ['keys', 'locks', 'snapshots', 'index', ...Array.from({ length: 256 }, (_, i) => `data/${i.toString(16).padStart(2, '0')}`)];
    for (const d of layout) await mkdir(join(destDir, d), { recursive: true, mode: 0o700 });
    await inPool(keys, 8, async (key) => {
      const out = await client.send(new GetObjectCommand({ Bucket: server.bucket, Key: key }));
      const dest = join(destDir, ...(base ? key.slice(base.length + 1) : key).split('/'));
      await mkdir(dirname(dest), { recursive: true });
      await writeFile(dest, await out.Body!.transformToByteArray());
    });
    return keys.length;
  } finally {
    client.destroy();
  }
}

/** importDirectory uploads every file under `srcDir` to `<prefix>/<relative path>`; returns the count. */
export async function importDirectory(server: S3Server, srcDir: string, prefix: string): Promise<number> {
  const client = s3ClientFor(server);
  const base = prefix.replace(/^\/+|\/+$/g, '');
  try {
    const files = await walkFiles(srcDir);
    await inPool(files, 8, async (file) => {
      const rel = relative(srcDir, file).split(sep).join('/');
      const body = await readFile(file);
      await client.send(new PutObjectCommand({ Bucket: server.bucket, Key: base ? `${base}/${rel}` : rel, Body: body, ContentLength: body.length }));
    });
    return files.length;
  } finally {
    client.destroy();
  }
}

async function walkFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walkFiles(path)));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

/**
 * seedObjects puts objects straight into s3rver's folder (`<dir>/<bucket>/<key>._S3rver_object`), skipping
 * HTTP: thousands of objects in milliseconds instead of tens of seconds, for listing tests.
 */
export async function seedObjects(server: S3Server, objects: readonly { key: string; data: Uint8Array }[]): Promise<void> {
  await inPool(objects, 16, async ({ key, data }) => {
    const path = join(server.dir, server.bucket, ...key.split('/')) + '._S3rver_object';
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, data);
    // s3rver computes and stores a missing MD5 (the ETag) when it first lists the object; precomputing it
    // keeps listings fast.
    await writeFile(`${path}.md5`, createHash('md5').update(data).digest('hex'));
  });
}

/** Runs `work` over `items` with at most `limit` in flight. */
export async function inPool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
