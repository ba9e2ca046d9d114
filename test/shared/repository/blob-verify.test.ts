// Verifying the blobs prune's repack keeps: each blob of a span authenticates, decrypts, decompresses and
// hashes to its ID, or is reported (never thrown); a v2 blob stored uncompressed comes back compressed. The
// worker pool answers exactly as the calling thread does and hands the span's bytes back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { hashId } from '../../../shared/core/index.js';
import { generateMasterKey, seal } from '../../../shared/crypto/index.js';
import { encodeBlob } from '../../../shared/repository/index.js';
import { decodeBlobWithKey } from '../../../shared/repository/blob-reader.js';
import { verifySpanBlobs } from '../../../shared/repository/blob-verify.js';
import { BlobVerifyPool } from '../../../shared/repository/blob-verify-pool.js';
import type { SpanBlob } from '../../../shared/repository/blob-verify-protocol.js';

const key = generateMasterKey();

/** A span of three blobs: compressed, stored uncompressed (as v1 or restic --compression off), damaged. */
function span(): { bytes: Buffer; blobs: SpanBlob[]; plains: Buffer[] } {
  const plains = [randomBytes(3000), Buffer.alloc(5000, 7), randomBytes(100)];
  const compressed = encodeBlob(key, 2, 'data', hashId(plains[0]!), plains[0]!);
  const plain = seal(key, plains[1]!);
  const damaged = Buffer.from(encodeBlob(key, 2, 'tree', hashId(plains[2]!), plains[2]!).stored);
  damaged[damaged.length - 20]! ^= 1;
  const parts = [compressed.stored, plain, damaged];
  const blobs: SpanBlob[] = [];
  let offset = 0;
  parts.forEach((p, i) => {
    blobs.push({ type: i === 2 ? 'tree' : 'data', id: hashId(plains[i]!), offset, length: p.length, uncompressedLength: i === 0 ? plains[0]!.length : i === 2 ? 100 : 0 });
    offset += p.length;
  });
  return { bytes: Buffer.concat(parts), blobs, plains };
}

function assertVerdicts(verdicts: ReturnType<typeof verifySpanBlobs>, plains: Buffer[], blobs: SpanBlob[]): void {
  assert.equal(verdicts[0], null);
  const rewritten = verdicts[1] ?? null;
  assert.ok(rewritten !== null && 'stored' in rewritten, 'the uncompressed blob is re-encoded');
  assert.equal(rewritten.uncompressedLength, plains[1]!.length);
  assert.deepEqual(decodeBlobWithKey(key, rewritten, blobs[1]!.id, rewritten.stored), plains[1]);
  const damaged = verdicts[2] ?? null;
  assert.ok(damaged !== null && 'error' in damaged && /verification failed/.test(damaged.error), JSON.stringify(damaged));
}

test('on this thread: kept as stored, rewritten compressed, or reported as damaged', () => {
  const { bytes, blobs, plains } = span();
  assertVerdicts(verifySpanBlobs(key, 2, bytes, blobs), plains, blobs);
  assert.deepEqual(verifySpanBlobs(key, 1, bytes, blobs.slice(0, 2)), [null, null], 'v1 keeps uncompressed blobs as they are');
});

test('in worker threads: the same verdicts, and the span handed back intact', async () => {
  const pool = BlobVerifyPool.create(key, 2, 2);
  assert.ok(pool !== undefined, 'the worker script is found from the sources');
  try {
    const spans = [span(), span(), span()];
    const results = await Promise.all(spans.map((s) => pool.verify(Buffer.from(s.bytes), s.blobs)));
    results.forEach((r, i) => {
      assert.deepEqual(r.bytes, spans[i]!.bytes);
      assertVerdicts(r.verdicts, spans[i]!.plains, spans[i]!.blobs);
    });
  } finally {
    await pool.close();
  }
  await assert.rejects(pool.verify(Buffer.alloc(1), []), /closed/);
});

test('blobs decoded into reused buffers: each re-encoded blob holds its own plaintext, not a later one\'s', () => {
  // Uncompressed blobs of falling sizes, then a compressed one: each plaintext sits in the same scratch.
  const plains = [randomBytes(300_000), randomBytes(200_000), randomBytes(100_000)];
  const compressed = randomBytes(400_000);
  const parts = [...plains.map((p) => seal(key, p)), encodeBlob(key, 2, 'data', hashId(compressed), compressed).stored];
  const blobs: SpanBlob[] = [];
  let offset = 0;
  parts.forEach((p, i) => {
    const plain = plains[i] ?? compressed;
    blobs.push({ type: 'data', id: hashId(plain), offset, length: p.length, uncompressedLength: i < plains.length ? 0 : compressed.length });
    offset += p.length;
  });
  const verdicts = verifySpanBlobs(key, 2, Buffer.concat(parts), blobs);
  plains.forEach((plain, i) => {
    const v = verdicts[i] ?? null;
    assert.ok(v !== null && 'stored' in v, `blob ${i} is re-encoded`);
    assert.deepEqual(decodeBlobWithKey(key, v, blobs[i]!.id, v.stored), plain);
  });
  assert.equal(verdicts[3], null);
});
