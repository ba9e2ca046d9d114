// Poly1305-AES, the MAC restic puts on every encrypted object (Bernstein's original construction): the
// one-time Poly1305 key is r || AES-128_k(IV), so one long-lived (k, r) pair serves every message as
// long as IVs never repeat. Node has no Poly1305: the polynomial evaluation is our WebAssembly code
// (poly1305-wasm.ts with its SIMD kernel, poly1305-simd.ts; @noble/ciphers' JavaScript is the tests'
// oracle); the AES half runs in node:crypto.
import { createCipheriv } from 'node:crypto';
import type { Cipher, KeyObject } from 'node:crypto';
import { poly1305 } from './poly1305-wasm.js';

/** The length of a Poly1305 tag and of the IV it is bound to. */
export const MAC_SIZE = 16;

/**
 * poly1305AesTag computes the 16-byte tag of `message` under (k, r) and `iv`. `macK` is the AES-128 key
 * (as a KeyObject, so repeated calls skip re-importing it); `macR` may be clamped or not, Poly1305 clamps.
 */
export function poly1305AesTag(macK: KeyObject, macR: Uint8Array, iv: Uint8Array, message: Uint8Array): Uint8Array {
  const oneTimeKey = new Uint8Array(32);
  oneTimeKey.set(macR, 0);
  oneTimeKey.set(blockCipher(macK).update(iv), 16);
  return poly1305(message, oneTimeKey);
}

// ECB on exactly one block is a single AES block encryption: no padding, no chaining, nothing carried from
// one update to the next, so one cipher per key serves every tag (a cipher per tag cost ~30 ms of check's
// CPU on a repository of 4,500 blobs).
const blockCiphers = new WeakMap<KeyObject, Cipher>();

function blockCipher(macK: KeyObject): Cipher {
  let aes = blockCiphers.get(macK);
  if (aes === undefined) {
    aes = createCipheriv('aes-128-ecb', macK, null).setAutoPadding(false);
    blockCiphers.set(macK, aes);
  }
  return aes;
}
