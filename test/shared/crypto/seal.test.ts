import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv, createSecretKey, randomBytes } from 'node:crypto';
import { poly1305 as reference } from '@noble/ciphers/_poly1305.js';
import { CorruptDataError } from '../../../shared/core/errors.js';
import { generateMasterKey } from '../../../shared/crypto/master-key.js';
import { poly1305AesTag } from '../../../shared/crypto/poly1305-aes.js';
import { open, seal, SEAL_OVERHEAD, sealInto } from '../../../shared/crypto/seal.js';

const isVerificationFailure = (err: unknown): boolean =>
  err instanceof CorruptDataError && err.message === 'ciphertext verification failed';

describe('Poly1305-AES', () => {
  test('matches the first test vector of Bernstein\'s Poly1305-AES paper', () => {
    const k = createSecretKey(Buffer.from('ec074c835580741701425b623235add6', 'hex'));
    const r = Buffer.from('851fc40c3467ac0be05cc20404f3f700', 'hex');
    const nonce = Buffer.from('fb447350c4e868c52ac3275cf9d4327e', 'hex');
    const tag = poly1305AesTag(k, r, nonce, Buffer.from('f3f6', 'hex'));
    assert.equal(Buffer.from(tag).toString('hex'), 'f4c633c3044fc145f84f335cb81953de');
  });

  test('one key, many IVs: each tag uses its own IV (the block cipher is reused between calls)', () => {
    const kBytes = randomBytes(16);
    const k = createSecretKey(kBytes);
    const r = randomBytes(16);
    for (let i = 0; i < 50; i++) {
      const iv = randomBytes(16);
      const message = randomBytes(i * 37);
      const s = createCipheriv('aes-128-ecb', kBytes, null).setAutoPadding(false).update(iv);
      const expected = reference(message, Buffer.concat([r, s]));
      assert.equal(Buffer.from(poly1305AesTag(k, r, iv, message)).toString('hex'), Buffer.from(expected).toString('hex'), `tag ${i}`);
    }
  });
});

describe('seal and open', () => {
  const key = generateMasterKey();

  test('round-trips plaintexts of many sizes with exactly 32 bytes of overhead', () => {
    for (const size of [0, 1, 15, 16, 17, 1000, 65536 + 3, 1 << 20]) {
      const plain = randomBytes(size);
      const sealed = seal(key, plain);
      assert.equal(sealed.length, size + SEAL_OVERHEAD);
      assert.deepEqual(open(key, sealed), plain);
    }
  });

  test('encrypts: ciphertext differs from plaintext and IVs differ per call', () => {
    const plain = Buffer.alloc(64, 7);
    const a = seal(key, plain);
    const b = seal(key, plain);
    assert.notDeepEqual(a.subarray(0, 16), b.subarray(0, 16));
    assert.notDeepEqual(a.subarray(16, 80), plain);
    assert.notDeepEqual(a, b);
  });

  test('opens a sealed subarray of a bigger buffer (as blobs inside a pack)', () => {
    const plain = randomBytes(100);
    const pack = Buffer.concat([randomBytes(7), seal(key, plain), randomBytes(5)]);
    assert.deepEqual(open(key, pack.subarray(7, 7 + 132)), plain);
  });

  test('rejects any single flipped byte: IV, ciphertext or MAC', () => {
    const sealed = seal(key, randomBytes(40));
    for (let i = 0; i < sealed.length; i++) {
      const damaged = Buffer.from(sealed);
      damaged[i] = (damaged[i] ?? 0) ^ 0x01;
      assert.throws(() => open(key, damaged), isVerificationFailure, `byte ${i}`);
    }
  });

  test('rejects input shorter than the overhead, a wrong key, and an all-zero IV', () => {
    assert.throws(() => open(key, Buffer.alloc(31)), isVerificationFailure);
    assert.throws(() => open(generateMasterKey(), seal(key, Buffer.from('x'))), isVerificationFailure);
    assert.throws(() => open(key, Buffer.alloc(40)), isVerificationFailure);
  });
});

describe('sealInto', () => {
  const key = generateMasterKey();

  test('writes sealed objects back to back into one buffer, each opening on its own', () => {
    const plains = [randomBytes(10), randomBytes(200_000), Buffer.alloc(0)];
    const dest = Buffer.alloc(plains.reduce((n, p) => n + p.length + SEAL_OVERHEAD, 5), 0xee);
    let offset = 5;
    const offsets: number[] = [];
    for (const plain of plains) {
      offsets.push(offset);
      offset += sealInto(key, plain, dest, offset);
    }
    assert.equal(offset, dest.length);
    assert.deepEqual(dest.subarray(0, 5), Buffer.alloc(5, 0xee), 'bytes before the offset are untouched');
    plains.forEach((plain, i) => {
      const start = offsets[i] ?? 0;
      assert.deepEqual(open(key, dest.subarray(start, start + plain.length + SEAL_OVERHEAD)), plain);
    });
  });

  test('refuses a destination that is too short', () => {
    assert.throws(() => sealInto(key, Buffer.alloc(10), Buffer.alloc(41), 0), RangeError);
    assert.throws(() => sealInto(key, Buffer.alloc(10), Buffer.alloc(50), 9), RangeError);
  });
});
