// Decoding the blobs of a span for restore: the worker pool returns exactly the plaintexts the calling
// thread's decodeBlob returns (compressed and uncompressed blobs, a blob that appears twice), and a damaged
// blob is a CorruptDataError with decodeBlob's own message, so restore names the pack the same either way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { CorruptDataError, hashId } from '../../../shared/core/index.js';
import { generateMasterKey, seal } from '../../../shared/crypto/index.js';
import { BlobDecodePool, encodeBlob } from '../../../shared/repository/index.js';
import { decodeBlobWithKey } from '../../../shared/repository/blob-reader.js';
import { decodeSpanBlobs } from '../../../shared/repository/blob-decode.js';
import type { SpanBlob } from '../../../shared/repository/blob-verify-protocol.js';

const key = generateMasterKey();

/** A span: a compressed blob, an uncompressed one, a large compressible one; then `extra` stored bytes. */
function span(): { bytes: Buffer; blobs: SpanBlob[]; plains: Buffer[] } {
  const plains = [randomBytes(3000), Buffer.alloc(5000, 7), Buffer.alloc(3_000_000, 'text ')];
  const stored = [encodeBlob(key, 2, 'data', hashId(plains[0]!), plains[0]!).stored, seal(key, plains[1]!), encodeBlob(key, 2, 'data', hashId(plains[2]!), plains[2]!).stored];
  const blobs: SpanBlob[] = [];
  let offset = 7; // the span starts a little before its first blob, as a ranged read may
  stored.forEach((s, i) => {
    blobs.push({ type: 'data', id: hashId(plains[i]!), offset, length: s.length, uncompressedLength: i === 1 ? 0 : plains[i]!.length });
    offset += s.length;
  });
  return { bytes: Buffer.concat([randomBytes(7), ...stored]), blobs, plains };
}

const onThread = (bytes: Uint8Array, blobs: readonly SpanBlob[]): Buffer[] =>
  blobs.map((b) => decodeBlobWithKey(key, b, b.id, bytes.subarray(b.offset, b.offset + b.length)));

test('the pool decodes a span exactly as the calling thread does', async () => {
  const { bytes, blobs, plains } = span();
  // The first blob asked for again at the end (two places in one group).
  const asked = [...blobs, blobs[0]!];
  const expected = onThread(bytes, asked);
  assert.deepEqual(expected, [...plains, plains[0]]);
  const direct = decodeSpanBlobs(key, bytes, asked);
  assert.deepEqual(direct.lengths, expected.map((p) => p.length));
  assert.deepEqual(Buffer.from(direct.plain), Buffer.concat(expected));

  const pool = BlobDecodePool.create(key, 2);
  assert.ok(pool, 'the worker script exists under tsx');
  try {
    // Several spans at once over two threads, each with its own copy (the pool takes its span over).
    const results = await Promise.all([0, 1, 2, 3].map(() => pool.decode(Buffer.from(bytes), asked)));
    for (const r of results) assert.deepEqual(r, expected);
  } finally {
    await pool.close();
  }
});

test('a damaged blob rejects with decodeBlob\'s CorruptDataError message; a short index entry too', async () => {
  const { bytes, blobs } = span();
  const damaged = Buffer.from(bytes);
  damaged[blobs[1]!.offset + 40]! ^= 0x10;
  const thrown = (() => {
    try {
      onThread(damaged, blobs);
    } catch (err) {
      return err;
    }
    return undefined;
  })();
  assert.ok(thrown instanceof CorruptDataError);
  // An index entry claiming a shorter plaintext than the blob has fails as damage, not as a bug.
  const lying = blobs.map((b, i) => (i === 2 ? { ...b, uncompressedLength: b.uncompressedLength - 1 } : b));
  const pool = BlobDecodePool.create(key, 1)!;
  try {
    await assert.rejects(pool.decode(damaged, blobs), (err: unknown) => err instanceof CorruptDataError && err.message === thrown.message);
    await assert.rejects(pool.decode(Buffer.from(bytes), lying), CorruptDataError);
    // The pool still works after a damaged span.
    assert.equal((await pool.decode(Buffer.from(bytes), blobs)).length, 3);
  } finally {
    await pool.close();
  }
  assert.equal(BlobDecodePool.create(key, 0), undefined, 'no threads asked for: the caller decodes');
});
