// The encoder pool against encodeBlob, its single-threaded twin: the same stored format (a fresh IV, so the
// opened bytes are compared), errors that reach the caller, and a process that exits without close().
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { hashId, type BlobType } from '../../../shared/core/index.js';
import { generateMasterKey, open, type MasterKey } from '../../../shared/crypto/index.js';
import { EncoderPool, workerScript } from '../../../shared/repository/encoder-pool.js';
import { encodeBlob } from '../../../shared/repository/pack-writer.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

function startPool(key: MasterKey, version: 1 | 2, threads = 2): EncoderPool {
  const pool = EncoderPool.create(key, version, threads);
  assert.ok(pool, 'the worker script is found when running from source');
  return pool;
}

/** Text-like bytes (compressible) of a given size. */
function text(size: number): Buffer {
  return Buffer.from('the quick brown fox jumps over the lazy dog 0123456789\n'.repeat(Math.ceil(size / 55))).subarray(0, size);
}

describe('EncoderPool', () => {
  test('finds its worker script beside the module when running from source', () => {
    assert.match(String(workerScript()), /encoder-worker\.ts$/);
  });

  for (const version of [1, 2] as const) {
    test(`encodes like encodeBlob in a version ${version} repository, small blobs batched and large ones alone`, async () => {
      const key = generateMasterKey();
      const pool = startPool(key, version);
      try {
        const sizes = [1, 100, 4096, 70_000, 600_000, 3 * 1024 * 1024, ...Array.from({ length: 200 }, (_, i) => 10 + i * 37)];
        const inputs = sizes.map((n, i) => (i % 2 === 0 ? text(n) : randomBytes(n)));
        const results = await Promise.all(inputs.map((p, i) => pool.encode(i % 5 === 0 ? 'tree' : 'data', hashId(p), p)));
        results.forEach((got, i) => {
          const plain = inputs[i]!;
          const type: BlobType = i % 5 === 0 ? 'tree' : 'data';
          const want = encodeBlob(key, version, type, hashId(plain), plain);
          assert.equal(got.type, type);
          assert.equal(got.id, hashId(plain));
          assert.equal(got.uncompressedLength, want.uncompressedLength);
          assert.equal(got.stored.length, want.stored.length);
          assert.deepEqual(open(key, got.stored), open(key, want.stored), `blob ${i} (${plain.length} bytes)`);
        });
      } finally {
        await pool.close();
      }
    });
  }

  test('copies the plaintext before encode returns, so the caller may overwrite its buffer', async () => {
    const key = generateMasterKey();
    const pool = startPool(key, 1);
    try {
      const buf = text(10_000);
      const original = Buffer.from(buf);
      const pending = pool.encode('data', hashId(original), buf);
      buf.fill(0);
      assert.deepEqual(open(key, (await pending).stored), original);
    } finally {
      await pool.close();
    }
  });

  test('rejects a blob the worker cannot encode, naming it, and goes on with the others', async () => {
    const good = generateMasterKey();
    // An AES-256 key of the wrong length makes every seal throw inside the worker.
    const bad: MasterKey = { ...good, encrypt: good.encrypt.subarray(0, 16) };
    const pool = startPool(bad, 2, 1);
    try {
      const plain = text(1000);
      await assert.rejects(pool.encode('data', hashId(plain), plain), (err: Error) => err.message.includes(hashId(plain)) && /key/i.test(err.message));
      await assert.rejects(pool.encode('tree', hashId(plain), plain), /encoding tree blob/);
    } finally {
      await pool.close();
    }
  });

  test('close rejects later encodes', async () => {
    const pool = startPool(generateMasterKey(), 2, 1);
    await pool.close();
    await assert.rejects(pool.encode('data', hashId(text(10)), text(10)), /closed/);
  });

  test('a process that never calls close still exits once its encodes are done', () => {
    const script = `
      import { EncoderPool } from './shared/repository/encoder-pool.ts';
      import { generateMasterKey } from './shared/crypto/index.ts';
      const pool = EncoderPool.create(generateMasterKey(), 2, 2);
      const blob = await pool.encode('data', 'ab'.repeat(32), Buffer.alloc(100_000, 7));
      console.log('encoded', blob.stored.length);
    `;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.signal, null, 'killed by the timeout: the workers kept the process alive');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^encoded \d+/);
  });
});
