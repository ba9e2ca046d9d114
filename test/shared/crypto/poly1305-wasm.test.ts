import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { poly1305 as noblePoly1305 } from '@noble/ciphers/_poly1305.js';
import { poly1305 } from '../../../shared/crypto/poly1305-wasm.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('Poly1305 in WebAssembly', () => {
  test('matches the RFC 8439 §2.5.2 test vector', () => {
    const key = Buffer.from('85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b', 'hex');
    const message = Buffer.from('Cryptographic Forum Research Group');
    assert.equal(hex(poly1305(message, key)), 'a8061dc1305136c6c22b8baf0c0127a9');
  });

  test('agrees with @noble/ciphers on random keys for lengths around block and chunk edges', () => {
    const lengths = [0, 1, 15, 16, 17, 31, 32, 33, 255, 4096, 262_143, 262_144, 262_145, 1_000_003];
    for (const length of lengths) {
      for (let round = 0; round < 3; round++) {
        const message = randomBytes(length);
        const key = randomBytes(32);
        assert.equal(hex(poly1305(message, key)), hex(noblePoly1305(message, key)), `length ${length}`);
      }
    }
  });

  test('agrees at the carry extremes: all-ones messages and keys, and an unclamped r', () => {
    for (const [fill, keyFill] of [[0xff, 0xff], [0xff, 0x00], [0x00, 0xff]]) {
      const message = Buffer.alloc(1000, fill);
      const key = Buffer.alloc(32, keyFill);
      assert.equal(hex(poly1305(message, key)), hex(noblePoly1305(message, key)));
    }
  });

  test('a message in a subarray of a larger buffer gives the same tag as a copy', () => {
    const big = randomBytes(5000);
    const key = randomBytes(32);
    assert.equal(hex(poly1305(big.subarray(3, 4003), key)), hex(poly1305(Buffer.from(big.subarray(3, 4003)), key)));
  });
});
