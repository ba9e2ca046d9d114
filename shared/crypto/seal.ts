// Sealing: how restic encrypts every stored object (config, index, snapshot, lock, blob, pack header):
// stored = IV || AES-256-CTR(plaintext) || Poly1305-AES(ciphertext). Encrypt-then-MAC, so `open` can
// reject damaged or forged bytes before decrypting anything.
import { createCipheriv, createDecipheriv, createSecretKey, randomFillSync, timingSafeEqual } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { CorruptDataError } from '../core/errors.js';
import type { MasterKey } from './master-key.js';
import { MAC_SIZE, poly1305AesTag } from './poly1305-aes.js';

const IV_SIZE = 16;

/** Bytes a sealed object has beyond its plaintext: a 16-byte IV and a 16-byte MAC. */
export const SEAL_OVERHEAD = IV_SIZE + MAC_SIZE;

interface PreparedKey {
  readonly encrypt: KeyObject;
  readonly macK: KeyObject;
}

// Importing raw bytes into a KeyObject once per master key, not once per blob, keeps the per-call cost to
// the cipher itself. A WeakMap lets the cache die with the key.
const prepared = new WeakMap<MasterKey, PreparedKey>();

function prepare(key: MasterKey): PreparedKey {
  let p = prepared.get(key);
  if (p === undefined) {
    p = { encrypt: createSecretKey(key.encrypt), macK: createSecretKey(key.macK) };
    prepared.set(key, p);
  }
  return p;
}

function fillNonZeroIv(iv: Buffer): void {
  // restic rejects an all-zero IV as invalid; redraw in the (2^-128) case we get one.
  do randomFillSync(iv);
  while (iv.every((b) => b === 0));
}

/**
 * seal encrypts and authenticates `plaintext` under `key` with a fresh random IV. The result is
 * `plaintext.length + SEAL_OVERHEAD` bytes and is what restic stores. `plaintext` is not modified.
 */
export function seal(key: MasterKey, plaintext: Uint8Array): Buffer {
  const p = prepare(key);
  const out = Buffer.allocUnsafe(plaintext.length + SEAL_OVERHEAD);
  const iv = out.subarray(0, IV_SIZE);
  fillNonZeroIv(iv);
  // Node's cipher API cannot write into a caller's buffer, so the ciphertext is copied once into place;
  // the copy costs a few percent of AES + Poly1305 (see bench/crypto.ts).
  const ciphertext = createCipheriv('aes-256-ctr', p.encrypt, iv).update(plaintext);
  out.set(ciphertext, IV_SIZE);
  const body = out.subarray(IV_SIZE, IV_SIZE + plaintext.length);
  out.set(poly1305AesTag(p.macK, key.macR, iv, body), IV_SIZE + plaintext.length);
  return out;
}

/**
 * open verifies and decrypts what `seal` produced. The MAC is checked (in constant time) before any
 * decryption; a bad MAC, an all-zero IV or input shorter than SEAL_OVERHEAD throws
 * CorruptDataError('ciphertext verification failed'). Returns a new buffer with the plaintext.
 */
export function open(key: MasterKey, sealed: Uint8Array): Buffer {
  if (sealed.length < SEAL_OVERHEAD) throw new CorruptDataError('ciphertext verification failed');
  const p = prepare(key);
  const iv = sealed.subarray(0, IV_SIZE);
  const body = sealed.subarray(IV_SIZE, sealed.length - MAC_SIZE);
  const tag = sealed.subarray(sealed.length - MAC_SIZE);
  if (iv.every((b) => b === 0) || !timingSafeEqual(poly1305AesTag(p.macK, key.macR, iv, body), tag)) {
    throw new CorruptDataError('ciphertext verification failed');
  }
  return createDecipheriv('aes-256-ctr', p.encrypt, iv).update(body);
}
