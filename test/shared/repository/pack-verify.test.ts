// verifyPack decodes each blob into reused scratch buffers (decryption and decompression), where a reader
// of one blob gets buffers of its own. The verdicts must not tell the two apart: every blob that the owning
// path (decodeBlobWithKey without reuse) reads is counted, and every one it rejects is reported with its
// message, whatever blob came before it in the pack.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { hashId } from '../../../shared/core/index.js';
import { generateMasterKey, seal } from '../../../shared/crypto/index.js';
import { zstdCompress } from '../../../shared/compression/index.js';
import type { IndexBlob } from '../../../shared/format/index.js';
import { decodeBlobWithKey } from '../../../shared/repository/blob-reader.js';
import { verifyPack } from '../../../shared/repository/pack-verify.js';
import { PackWriter, type EncodedBlob } from '../../../shared/repository/pack-writer.js';

const key = generateMasterKey();

/** A zstd frame whose header states no content size (the zstd CLI reading stdin), so decoding streams. */
const streamedFrame = (data: Buffer): Buffer => execFileSync('zstd', ['-q', '-c'], { input: data, maxBuffer: 1 << 30 });

/** A blob sealed from `frame` (or raw bytes when `uncompressedLength` is 0), claiming `id`. */
const blob = (id: string, frame: Buffer, uncompressedLength: number): EncodedBlob => ({ type: 'data', id, stored: seal(key, frame), uncompressedLength });

/** Good blobs, and damaged ones after larger good ones (so that leftovers in a scratch buffer would show). */
function blobs(): EncodedBlob[] {
  const big = randomBytes(3 << 20);
  const text = Buffer.from('a line of text that compresses well\n'.repeat(60_000));
  const huge = Buffer.alloc(17 << 20, 5); // beyond the decompression scratch
  const grows = Buffer.alloc(9 << 20, 6); // beyond the scratch's first size
  const small = randomBytes(50_000);
  const macDamaged = blob(hashId(small), zstdCompress(small), small.length);
  macDamaged.stored[100]! ^= 1;
  return [
    blob(hashId(big), zstdCompress(big), big.length),
    // The same ID again with half the data: must fail, not read the rest from the previous blob's plaintext.
    blob(hashId(big), zstdCompress(big.subarray(0, big.length / 2)), big.length),
    blob(hashId(text), streamedFrame(text), text.length),
    blob(hashId(text), streamedFrame(text.subarray(0, 1000)), text.length),
    blob(hashId(text), streamedFrame(text), text.length - 1),
    blob(hashId(text), zstdCompress(text), text.length + 1),
    blob(hashId(text), zstdCompress(text), text.length - 1),
    blob(hashId(huge), zstdCompress(huge), huge.length),
    blob(hashId(grows), zstdCompress(grows), grows.length),
    blob(hashId(small), small, 0),
    blob(hashId(small), randomBytes(2000), 1000),
    blob(hashId(small), zstdCompress(small).subarray(0, 1000), small.length),
    blob(hashId(big), zstdCompress(small), small.length),
    macDamaged,
    blob(hashId(small), zstdCompress(small), small.length),
  ];
}

test('verifyPack on a pack of good and damaged blobs: the verdicts of decoding each blob into its own buffers', () => {
  const writer = new PackWriter('data');
  for (const b of blobs()) writer.add(b);
  const pack = writer.finish(key);
  const indexed: IndexBlob[] = pack.blobs.map((b) => ({
    id: b.id, type: b.type, offset: b.offset, length: b.length, ...(b.uncompressedLength ? { uncompressed_length: b.uncompressedLength } : {}),
  }));

  const expected: string[] = [];
  let readable = 0;
  for (const b of indexed) {
    try {
      decodeBlobWithKey(key, { uncompressedLength: b.uncompressed_length ?? 0 }, b.id, pack.bytes.subarray(b.offset, b.offset + b.length));
      readable++;
    } catch (err) {
      expected.push(`data blob ${b.id.slice(0, 8)} at offset ${b.offset} is damaged: ${(err as Error).message}`);
    }
  }
  assert.equal(readable, 6, 'the good blobs');
  assert.equal(expected.length, 9, 'the damaged blobs');

  const verdict = verifyPack(key, pack.id, pack.bytes, indexed);
  assert.equal(verdict.blobs, readable);
  // IDs repeat (a blob claiming the previous one's ID), which the header check reports besides: not compared here.
  assert.deepEqual(verdict.problems.filter((p) => p.kind.startsWith('blob-')).map((p) => p.message), expected);
});
