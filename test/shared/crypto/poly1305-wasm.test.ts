import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { poly1305 as noblePoly1305 } from '@noble/ciphers/_poly1305.js';
import { poly1305, type Poly1305Kernel } from '../../../shared/crypto/poly1305-wasm.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const KERNELS: readonly Poly1305Kernel[] = ['auto', 'scalar', 'simd'];

const ietfText =
  'Any submission to the IETF intended by the Contributor for publication as all or part of an IETF Internet-Draft or ' +
  'RFC and any statement made within the context of an IETF activity is considered an "IETF Contribution". Such ' +
  'statements include oral statements in IETF sessions, as well as written and electronic communications made at ' +
  'any time or place, which are addressed to';
const jabberwocky =
  "'Twas brillig, and the slithy toves\nDid gyre and gimble in the wabe:\nAll mimsy were the borogoves,\nAnd the mome raths outgrabe.";
const vector10 = 'e33594d7505e43b900000000000000003394d7505e4379cd010000000000000000000000000000000000000000000000';

// RFC 8439 §2.5.2 and appendix A.3 (#1–#11): [key, message, tag], hex but for the texts.
const rfcVectors: ReadonlyArray<readonly [string, Buffer, string]> = [
  ['85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b', Buffer.from('Cryptographic Forum Research Group'), 'a8061dc1305136c6c22b8baf0c0127a9'],
  ['00'.repeat(32), Buffer.alloc(64), '00'.repeat(16)],
  ['00'.repeat(16) + '36e5f6b5c5e06070f0efca96227a863e', Buffer.from(ietfText), '36e5f6b5c5e06070f0efca96227a863e'],
  ['36e5f6b5c5e06070f0efca96227a863e' + '00'.repeat(16), Buffer.from(ietfText), 'f3477e7cd95417af89a6b8794c310cf0'],
  ['1c9240a5eb55d38af333888604f6b5f0473917c1402b80099dca5cbc207075c0', Buffer.from(jabberwocky), '4541669a7eaaee61e708dc7cbcc5eb62'],
  ['02' + '00'.repeat(31), Buffer.alloc(16, 0xff), '03' + '00'.repeat(15)],
  ['02' + '00'.repeat(15) + 'ff'.repeat(16), Buffer.from('02' + '00'.repeat(15), 'hex'), '03' + '00'.repeat(15)],
  ['01' + '00'.repeat(31), Buffer.from('ff'.repeat(16) + 'f0' + 'ff'.repeat(15) + '11' + '00'.repeat(15), 'hex'), '05' + '00'.repeat(15)],
  ['01' + '00'.repeat(31), Buffer.from('ff'.repeat(16) + 'fb' + 'fe'.repeat(15) + '01'.repeat(16), 'hex'), '00'.repeat(16)],
  ['02' + '00'.repeat(31), Buffer.from('fd' + 'ff'.repeat(15), 'hex'), 'fa' + 'ff'.repeat(15)],
  ['01' + '00'.repeat(7) + '04' + '00'.repeat(23), Buffer.from(vector10 + '01' + '00'.repeat(15), 'hex'), '14' + '00'.repeat(7) + '55' + '00'.repeat(7)],
  ['01' + '00'.repeat(7) + '04' + '00'.repeat(23), Buffer.from(vector10, 'hex'), '13' + '00'.repeat(15)],
];

describe('Poly1305 in WebAssembly', () => {
  test('matches the RFC 8439 test vectors (§2.5.2 and A.3), with every kernel', () => {
    assert.equal(Buffer.byteLength(ietfText), 375);
    for (const [index, [key, message, expected]] of rfcVectors.entries()) {
      for (const kernel of KERNELS) assert.equal(hex(poly1305(message, Buffer.from(key, 'hex'), kernel)), expected, `vector ${index}, ${kernel}`);
    }
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

  test('reduces h mod p exactly when h lands just below, on and above p', () => {
    // With r = 1, two full blocks make h = m1 + m2 + 2^129 (each block carries 2^128): m1 = 2^128 − 1 and
    // m2 = 2^128 − 4 + d put h at p + d, p = 2^130 − 5. s = all ones also makes the final addition carry out.
    const r1 = Buffer.concat([Buffer.from('01' + '00'.repeat(15), 'hex'), Buffer.alloc(16, 0xff)]);
    for (let d = -3; d <= 3; d++) {
      const m2 = (1n << 128n) - 4n + BigInt(d);
      const message = Buffer.concat([Buffer.alloc(16, 0xff), Buffer.from(m2.toString(16).padStart(32, '0'), 'hex').reverse()]);
      for (const kernel of KERNELS) assert.equal(hex(poly1305(message, r1, kernel)), hex(noblePoly1305(message, r1)), `h = p + ${d}, ${kernel}`);
    }
  });

  test('a message in a subarray of a larger buffer gives the same tag as a copy', () => {
    const big = randomBytes(5000);
    const key = randomBytes(32);
    assert.equal(hex(poly1305(big.subarray(3, 4003), key)), hex(poly1305(Buffer.from(big.subarray(3, 4003)), key)));
  });
});
