// PackFile: a pack assembled in a temp file must be byte for byte the pack restic expects — the blobs back to
// back, then the sealed header and its length — named by the SHA-256 of the file, whatever mix of staged
// (small) and directly written (large) blobs it holds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashId, StorageError } from '../../../shared/core/index.js';
import { generateMasterKey, open } from '../../../shared/crypto/index.js';
import { decodePackHeader } from '../../../shared/format/index.js';
import { PackFile } from '../../../shared/repository/pack-file.js';
import { encodeBlob } from '../../../shared/repository/pack-writer.js';

test('a pack file holds its blobs and a header that restic can parse, and is named by its hash', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-packfile-'));
  try {
    const key = generateMasterKey();
    // Sizes around the staging limits: tiny, a few KiB, just under and over the direct-write size, 3 MiB.
    const sizes = [1, 5000, 200 * 1024, 255 * 1024, 256 * 1024, 300 * 1024, 3 * 1024 * 1024, 17];
    const plaintexts = sizes.map((n) => randomBytes(n));
    let released = 0;
    const blobs = plaintexts.map((p) => ({ ...encodeBlob(key, 2, 'data', hashId(p), p), release: () => void released++ }));
    const pack = new PackFile('data', { dir });
    for (const b of blobs) pack.add(b);
    assert.equal(pack.count, blobs.length);
    const finished = await pack.finish(key);
    assert.equal(released, blobs.length, 'each blob released once its bytes were copied or written');

    const bytes = readFileSync(finished.path);
    assert.equal(bytes.length, finished.size);
    assert.equal(finished.id, createHash('sha256').update(bytes).digest('hex'));
    const body = Buffer.concat(blobs.map((b) => b.stored));
    assert.deepEqual(bytes.subarray(0, body.length), body, 'blobs back to back in order');
    const headerLength = bytes.readUInt32LE(bytes.length - 4);
    const header = decodePackHeader(open(key, bytes.subarray(bytes.length - 4 - headerLength, bytes.length - 4)));
    assert.deepEqual(header.map((e) => e.id), blobs.map((b) => b.id));
    assert.deepEqual(header, finished.blobs);
    let offset = 0;
    for (const [i, e] of header.entries()) {
      assert.equal(e.offset, offset);
      assert.equal(e.uncompressedLength, sizes[i]);
      offset += e.length;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('discard removes the temp file, and a folder that cannot hold packs is a clear error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-packfile-'));
  try {
    const key = generateMasterKey();
    const pack = new PackFile('tree', { dir });
    const p = Buffer.from('{"nodes":[]}\n');
    pack.add(encodeBlob(key, 2, 'tree', hashId(p), p));
    assert.ok(existsSync(pack.path));
    await pack.discard();
    await pack.discard();
    assert.equal(existsSync(pack.path), false);
    assert.throws(() => new PackFile('data', { dir: join(dir, 'missing') }), (err: unknown) => err instanceof StorageError && /cannot create a pack file in .*TMPDIR/.test(err.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
