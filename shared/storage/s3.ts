// S3Backend: a repository in an S3 bucket (AWS, Backblaze B2's S3 endpoint, MinIO, s3rver), stored under
// `prefix` in restic's default layout with no folder placeholders. The AWS SDK is loaded only when an S3
// backend is opened, so commands on local repositories never pay for it.
import { createHash } from 'node:crypto';
import { createReadStream, type ReadStream } from 'node:fs';
import { posix } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { isId, StorageError } from '../core/index.js';
import type { Backend, ByteRange, FileBody, FileInfo, FileType } from './backend.js';
import { objectPath } from './layout.js';
import { createS3Client } from './s3-client.js';
import type { S3BackendOptions, Sdk } from './s3-client.js';
import { s3Error } from './s3-errors.js';

/** openS3Backend loads the AWS SDK and returns a backend for the bucket; no request is sent yet. */
export async function openS3Backend(opts: S3BackendOptions): Promise<S3Backend> {
  const sdk = await import('@aws-sdk/client-s3');
  const client = createS3Client(sdk, opts);
  const host = opts.endpoint !== undefined ? new URL(opts.endpoint).host : 's3.amazonaws.com';
  const prefix = (opts.prefix ?? '').replace(/^\/+|\/+$/g, '');
  const location = opts.location ?? `s3:${host}/${opts.bucket}${prefix ? `/${prefix}` : ''}`;
  return new S3Backend(sdk, client, opts.bucket, prefix, location);
}

/** S3Backend implements Backend over one bucket and prefix. Create it with openS3Backend. */
export class S3Backend implements Backend {
  /** @internal use openS3Backend */
  constructor(
    private readonly sdk: Sdk,
    private readonly client: S3Client,
    readonly bucket: string,
    readonly prefix: string,
    readonly location: string,
  ) {}

  /**
   * Checks that the bucket answers and holds no repository yet: fails with a permanent StorageError when
   * `config` exists, and with the mapped error (e.g. NoSuchBucket, access denied) when the bucket is unusable.
   */
  async create(): Promise<void> {
    const key = this.key('config');
    try {
      await this.client.send(new this.sdk.HeadBucketCommand({ Bucket: this.bucket }));
    } catch (err) {
      const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
      if (e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404) throw s3Error(Object.assign(new Error('no such bucket'), { Code: 'NoSuchBucket' }), this.ctx('HeadBucket', 'config'));
      throw s3Error(err, this.ctx('HeadBucket', 'config'));
    }
    const existing = await this.stat('config', '').catch((err: unknown) => {
      if (err instanceof StorageError && err.code === 'NOT_FOUND') return undefined;
      throw err;
    });
    if (existing) throw new StorageError(`a repository already exists at ${this.location} (it has a config object ${key}): choose another prefix`, false);
  }

  async write(type: FileType, name: string, data: Uint8Array | FileBody): Promise<void> {
    const key = this.key(type, name);
    // Content-MD5 makes the server reject a body damaged on the way (BadDigest), and Object Lock buckets
    // require it. The SDK sends the body with a plain Content-Length, which every server understands; a
    // file is streamed, so a pack assembled on disk is never held in memory (each attempt reopens it).
    let body: Buffer | ReadStream;
    let stream: ReadStream | undefined;
    let md5: string;
    let length: number;
    if (data instanceof Uint8Array) {
      body = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
      md5 = createHash('md5').update(body).digest('base64');
      length = body.length;
    } else {
      md5 = await fileMd5(data.path, data.size);
      body = stream = createReadStream(data.path, { highWaterMark: STREAM_CHUNK });
      length = data.size;
    }
    try {
      await this.client.send(new this.sdk.PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentLength: length, ContentMD5: md5 }));
    } catch (err) {
      throw s3Error(err, this.ctx('PutObject', type, name));
    } finally {
      stream?.destroy();
    }
  }

  async read(type: FileType, name: string, range?: ByteRange): Promise<Buffer> {
    const key = this.key(type, name);
    if (range && (!Number.isSafeInteger(range.offset) || !Number.isSafeInteger(range.length) || range.offset < 0 || range.length < 0)) {
      throw new StorageError(`invalid byte range offset ${range.offset} length ${range.length}`, false);
    }
    if (range?.length === 0) {
      // HTTP cannot ask for zero bytes; answer from the object's size instead.
      const { size } = await this.stat(type, name);
      if (range.offset > size) throw new StorageError(`${this.location}: ${objectPath(type, name)} is ${size} bytes, shorter than offset ${range.offset}`, false);
      return Buffer.alloc(0);
    }
    try {
      const out = await this.client.send(
        new this.sdk.GetObjectCommand({
          Bucket: this.bucket,
          Key: key,
          ...(range ? { Range: `bytes=${range.offset}-${range.offset + range.length - 1}` } : {}),
        }),
      );
      if (!out.Body) throw new StorageError(`GetObject ${objectPath(type, name)}: empty response body`, true);
      const bytes = await out.Body.transformToByteArray();
      const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const expected = range?.length ?? out.ContentLength;
      if (expected !== undefined && buf.length !== expected) throw this.lengthMismatch(objectPath(type, name), buf.length, expected, out.ContentRange, range);
      return buf;
    } catch (err) {
      throw s3Error(err, this.ctx('GetObject', type, name));
    }
  }

  async stat(type: FileType, name: string): Promise<FileInfo> {
    const key = this.key(type, name);
    try {
      const out = await this.client.send(new this.sdk.HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { name, size: out.ContentLength ?? 0, ...(out.LastModified ? { mtime: out.LastModified } : {}) };
    } catch (err) {
      throw s3Error(err, this.ctx('HeadObject', type, name));
    }
  }

  async *list(type: FileType): AsyncIterable<FileInfo> {
    if (type === 'config') {
      const info = await this.stat('config', '').catch((err: unknown) => {
        if (err instanceof StorageError && err.code === 'NOT_FOUND') return undefined;
        throw err;
      });
      if (info) yield { name: info.name, size: info.size };
      return;
    }
    // Recursive by key prefix: `data/` covers every `data/XX/` (and legacy packs directly under `data/`).
    const listPrefix = this.key(type) + '/';
    let token: string | undefined;
    do {
      let page;
      try {
        page = await this.client.send(new this.sdk.ListObjectsV2Command({ Bucket: this.bucket, Prefix: listPrefix, ...(token ? { ContinuationToken: token } : {}) }));
      } catch (err) {
        throw s3Error(err, this.ctx('ListObjectsV2', type));
      }
      for (const obj of page.Contents ?? []) {
        const name = obj.Key?.slice(obj.Key.lastIndexOf('/') + 1) ?? '';
        if (isId(name)) yield { name, size: obj.Size ?? 0 };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async remove(type: FileType, name: string): Promise<void> {
    const key = this.key(type, name);
    try {
      await this.client.send(new this.sdk.DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (err) {
      const mapped = s3Error(err, this.ctx('DeleteObject', type, name));
      if (mapped.code !== 'NOT_FOUND') throw mapped;
    }
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  /** The object key of an object, or of a type's folder when `name` is omitted. */
  private key(type: FileType, name?: string): string {
    const rel = name === undefined ? type : objectPath(type, name);
    return this.prefix ? posix.join(this.prefix, rel) : rel;
  }

  /** Context for error messages; keys are shown relative to the prefix, which the location already names. */
  private ctx(action: string, type: FileType, name?: string) {
    return { location: this.location, bucket: this.bucket, key: name === undefined ? `${type}/` : objectPath(type, name), action };
  }

  /** A body of the wrong length: the object is shorter than asked (permanent) or the transfer was cut (transient). */
  private lengthMismatch(key: string, got: number, expected: number, contentRange: string | undefined, range?: ByteRange): StorageError {
    const total = Number(/\/(\d+)$/.exec(contentRange ?? '')?.[1] ?? NaN);
    if (range && Number.isFinite(total) && range.offset + range.length > total) {
      return new StorageError(`${this.location}: ${key} is ${total} bytes, shorter than the range ${range.offset}+${range.length} asks for`, false);
    }
    return new StorageError(`GetObject ${key}: got ${got} of ${expected} bytes`, true);
  }
}

/** Read size when streaming a file body, and when hashing one. */
const STREAM_CHUNK = 1024 * 1024;

/**
 * fileMd5 returns the base64 MD5 of a local file (for Content-MD5). A file that cannot be read, or is not
 * `size` bytes long (a server may store a short body), is a permanent error.
 */
async function fileMd5(path: string, size: number): Promise<string> {
  const hash = createHash('md5');
  let length = 0;
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: STREAM_CHUNK })) {
      hash.update(chunk as Buffer);
      length += (chunk as Buffer).length;
    }
  } catch (err) {
    throw new StorageError(`reading ${path} for upload failed: ${err instanceof Error ? err.message : String(err)}`, false, { cause: err });
  }
  if (length !== size) throw new StorageError(`${path} is ${length} bytes, expected ${size}`, false);
  return hash.digest('base64');
}
