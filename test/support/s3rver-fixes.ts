// s3rver 3.7.1 cannot page through listings on this platform, and storage tests need it to. Two fixes,
// applied to s3rver's own CommonJS modules before it is loaded, and to nothing else:
// 1. It encrypts ListObjectsV2 continuation tokens with DES, which OpenSSL 3 (Node 17+) no longer offers,
//    so every truncated listing fails with a 500. The token only has to round-trip inside s3rver, so its
//    view of node:crypto maps 'des' onto AES-128-CTR (same 8-byte IV in, same length out).
// 2. Its folder walk yields names in readdir order, which is not sorted, while pagination assumes key order,
//    so later pages skip objects. The walk is replaced by one that sorts each folder.
import { readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { posix } from 'node:path';
import type S3rverClass from 's3rver';

const require = createRequire(import.meta.url);
let loaded: typeof S3rverClass | undefined;

/** loadS3rver returns s3rver's class with both fixes in place (applied once). */
export function loadS3rver(): typeof S3rverClass {
  if (loaded) return loaded;
  const utils = require('s3rver/lib/utils.js') as { walk: (dir: string, filter?: (p: string) => boolean) => Generator<string> };
  utils.walk = function* sortedWalk(dir: string, filter?: (p: string) => boolean): Generator<string> {
    for (const name of readdirSync(dir).sort()) {
      const path = posix.join(dir, name);
      if (!statSync(path).isDirectory()) yield path;
      else if (!filter || filter(path)) yield* sortedWalk(path, filter);
    }
  };
  // s3rver's controllers call crypto.createCipheriv through the shared CommonJS module object. ES modules
  // (our own code) hold their own bindings of node:crypto, so they keep the real functions.
  const crypto = require('node:crypto') as Record<string, unknown>;
  const realCipher = crypto.createCipheriv as (...a: unknown[]) => unknown;
  const realDecipher = crypto.createDecipheriv as (...a: unknown[]) => unknown;
  const asAes = (key: Buffer, iv: Buffer) => ['aes-128-ctr', Buffer.concat([key, key]), Buffer.concat([iv, iv])];
  crypto.createCipheriv = (alg: string, key: Buffer, iv: Buffer, ...rest: unknown[]) => (alg === 'des' ? realCipher(...asAes(key, iv)) : realCipher(alg, key, iv, ...rest));
  crypto.createDecipheriv = (alg: string, key: Buffer, iv: Buffer, ...rest: unknown[]) => (alg === 'des' ? realDecipher(...asAes(key, iv)) : realDecipher(alg, key, iv, ...rest));
  // module.exports is the class itself (its inherited static `default` is Koa's, so do not look there).
  loaded = require('s3rver') as typeof S3rverClass;
  return loaded;
}
