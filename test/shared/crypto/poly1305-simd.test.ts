import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { poly1305 as noblePoly1305 } from '@noble/ciphers/_poly1305.js';
import { hasSimdKernel, poly1305, type Poly1305Kernel } from '../../../shared/crypto/poly1305-wasm.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const KERNELS: readonly Poly1305Kernel[] = ['auto', 'scalar', 'simd'];
/** The bytes poly1305-wasm.ts copies into wasm memory per kernel call. */
const CHUNK = 262_144;

/** Asserts that every kernel gives @noble/ciphers' tag. */
function assertAgrees(message: Uint8Array, key: Uint8Array, label: string): void {
  const expected = hex(noblePoly1305(message, key));
  for (const kernel of KERNELS) assert.equal(hex(poly1305(message, key, kernel)), expected, `${label}, ${kernel} kernel`);
}

/** A key whose r has every bit set that clamping clears (and all the others): the largest r limbs. */
const clampedBitsKey = (): Buffer => Buffer.concat([Buffer.alloc(16, 0xff), randomBytes(16)]);

describe('Poly1305 SIMD kernel', () => {
  test('compiles on this engine (Node 20 has WebAssembly SIMD), so the tests below exercise it', () => {
    assert.equal(hasSimdKernel(), true);
  });

  test('agrees with the scalar kernel and @noble/ciphers for every length 0..1100', () => {
    // Every length mod 16 (partial blocks) and mod 64 (the SIMD step, whose leftover full blocks go to the
    // scalar kernel), from no blocks to a few dozen steps.
    for (let length = 0; length <= 1100; length++) {
      const key = length % 3 === 0 ? clampedBitsKey() : randomBytes(32);
      assertAgrees(randomBytes(length), key, `length ${length}`);
    }
  });

  test('agrees across wasm memory chunks, where each kernel call hands h to the next', () => {
    for (const length of [CHUNK - 64, CHUNK - 1, CHUNK, CHUNK + 15, CHUNK + 16, CHUNK + 63, CHUNK + 64, CHUNK + 65, 2 * CHUNK + 47, 3 * CHUNK + 200]) {
      assertAgrees(randomBytes(length), randomBytes(32), `length ${length}`);
    }
  });

  test('agrees at the limb extremes: all-ones and all-zero messages under all-ones, clamped and random keys', () => {
    for (const fill of [0xff, 0x00, 0x80]) {
      for (const key of [Buffer.alloc(32, 0xff), clampedBitsKey(), randomBytes(32), Buffer.alloc(32)]) {
        for (const length of [64, 320, 4096 + 48, 65_536 + 15]) assertAgrees(Buffer.alloc(length, fill), key, `fill ${fill}, length ${length}`);
      }
    }
  });

  test('agrees for many random r, where the balanced power limbs take both signs', () => {
    for (let round = 0; round < 300; round++) assertAgrees(randomBytes(1024 + (round % 64)), randomBytes(32), `round ${round}`);
  });

  test('keeps r\'s cached powers apart: the same r with new s, another r, and back', () => {
    const message = randomBytes(20_000);
    const a = randomBytes(32);
    const b = randomBytes(32);
    const aNewS = Buffer.concat([a.subarray(0, 16), randomBytes(16)]);
    for (const [key, label] of [[a, 'a'], [aNewS, 'a, new s'], [b, 'b'], [a, 'a again']] as const) {
      assert.equal(hex(poly1305(message, key)), hex(noblePoly1305(message, key)), label);
      // Short messages take the SIMD kernel only once r's powers are cached; either way, the same tag.
      assert.equal(hex(poly1305(message.subarray(0, 200), key)), hex(noblePoly1305(message.subarray(0, 200), key)), `${label}, short`);
    }
  });
});
