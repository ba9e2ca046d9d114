// Sealing: how restic encrypts every stored object (config, index, snapshot, lock, blob, pack header):
// stored = IV || AES-256-CTR(plaintext) || Poly1305-AES(ciphertext). Encrypt-then-MAC, so `open` can
// reject damaged or forged bytes before decrypting anything.
import { createCipheriv, createDecipheriv, createSecretKey, randomFillSync, timingSafeEqual } from 'node:crypto';
import type { Cipher, KeyObject } from 'node:crypto';
import { CorruptDataError } from '../core/errors.js';
import type { MasterKey } from './master-key.js';
import { MAC_SIZE, poly1305AesTag } from './poly1305-aes.js';

const IV_SIZE = 16;

/** Bytes a sealed object has beyond its plaintext: a 16-byte IV and a 16-byte MAC. */
export const SEAL_OVERHEAD = IV_SIZE + MAC_SIZE;

/**
 * Node's cipher returns a fresh buffer per update. For a 1 MiB update that is a fresh mmap'd region whose
 * page faults cost more than the AES itself (measured: 0.6 GB/s whole vs 1.5 GB/s in 64 KiB pieces);
 * pieces below malloc's mmap threshold (128 KiB) reuse warm heap memory and are then copied into place.
 * Decrypting every blob of a 327 MiB repository: 16, 32 and 64 KiB pieces cost alike (~150 ms CPU), 128
 * KiB and more up to 250 ms. WebCrypto's AES-CTR, the only other AES in Node 20, is async and costs twice
 * as much (a fresh ArrayBuffer per call).
 */
const CTR_PIECE = 64 * 1024;

interface PreparedKey {
  readonly encrypt: KeyObject;
  readonly macK: KeyObject;
}

// Importing raw bytes into a KeyObject once per master key, not once per blob, keeps the per-call cost to
// the cipher itself. A WeakMap lets the cache die with the key; keys are treated as immutable.
const prepared = new WeakMap<MasterKey, PreparedKey>();

function prepare(key: MasterKey): PreparedKey {
  let p = prepared.get(key);
  if (p === undefined) {
    p = { encrypt: createSecretKey(key.encrypt), macK: createSecretKey(key.macK) };
    prepared.set(key, p);
  }
  return p;
}

/** Runs AES-256-CTR over `input`, writing the result into `dest` at `offset`. */
function ctrInto(cipher: Cipher, input: Uint8Array, dest: Uint8Array, offset: number): void {
  for (let at = 0; at < input.length; at += CTR_PIECE) {
    dest.set(cipher.update(input.subarray(at, at + CTR_PIECE)), offset + at);
  }
}

/**
 * sealInto seals `plaintext` into `dest` at `offset`, writing exactly `plaintext.length + SEAL_OVERHEAD`
 * bytes (a RangeError if `dest` is too short), and returns that count. `plaintext` must either not overlap
 * the written range or sit exactly where the ciphertext goes (`offset + 16`): sealing in place is safe,
 * because each piece is encrypted before it is overwritten. Not in the public API: bench/crypto.ts measured it no faster than `seal` plus a copy.
 */
export function sealInto(key: MasterKey, plaintext: Uint8Array, dest: Uint8Array, offset: number): number {
  const size = plaintext.length + SEAL_OVERHEAD;
  if (offset < 0 || offset + size > dest.length) throw new RangeError(`sealInto needs ${size} bytes at offset ${offset}, buffer has ${dest.length}`);
  const p = prepare(key);
  const iv = dest.subarray(offset, offset + IV_SIZE);
  // restic rejects an all-zero IV as invalid; redraw in the (2^-128) case we get one.
  do randomFillSync(iv);
  while (iv.every((b) => b === 0));
  ctrInto(createCipheriv('aes-256-ctr', p.encrypt, iv), plaintext, dest, offset + IV_SIZE);
  const ciphertext = dest.subarray(offset + IV_SIZE, offset + IV_SIZE + plaintext.length);
  dest.set(poly1305AesTag(p.macK, key.macR, iv, ciphertext), offset + IV_SIZE + plaintext.length);
  return size;
}

/**
 * seal encrypts and authenticates `plaintext` under `key` with a fresh random IV. The result is
 * `plaintext.length + SEAL_OVERHEAD` bytes and is what restic stores. `plaintext` is not modified.
 */
export function seal(key: MasterKey, plaintext: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(plaintext.length + SEAL_OVERHEAD);
  sealInto(key, plaintext, out, 0);
  return out;
}

/**
 * authenticate checks a sealed object's MAC (in constant time) and IV before anything is decrypted, and
 * returns its IV and ciphertext; CorruptDataError('ciphertext verification failed') otherwise.
 */
function authenticate(key: MasterKey, sealed: Uint8Array): { readonly iv: Uint8Array; readonly body: Uint8Array } {
  if (sealed.length < SEAL_OVERHEAD) throw new CorruptDataError('ciphertext verification failed');
  const p = prepare(key);
  const iv = sealed.subarray(0, IV_SIZE);
  const body = sealed.subarray(IV_SIZE, sealed.length - MAC_SIZE);
  const tag = sealed.subarray(sealed.length - MAC_SIZE);
  if (iv.every((b) => b === 0) || !timingSafeEqual(poly1305AesTag(p.macK, key.macR, iv, body), tag)) {
    throw new CorruptDataError('ciphertext verification failed');
  }
  return { iv, body };
}

/**
 * open verifies and decrypts what `seal` produced. The MAC is checked (in constant time) before any
 * decryption; a bad MAC, an all-zero IV or input shorter than SEAL_OVERHEAD throws
 * CorruptDataError('ciphertext verification failed'). Returns a new buffer with the plaintext.
 */
export function open(key: MasterKey, sealed: Uint8Array): Buffer {
  const { iv, body } = authenticate(key, sealed);
  const decipher = createDecipheriv('aes-256-ctr', prepare(key).encrypt, iv);
  if (body.length <= CTR_PIECE) return decipher.update(body);
  const out = Buffer.allocUnsafe(body.length);
  ctrInto(decipher, body, out, 0);
  return out;
}

/** The reused plaintext buffer of openReusing starts this large (restic's chunks are at most 8 MiB). */
const INITIAL_SCRATCH = 8 * 1024 * 1024;
let scratch = Buffer.alloc(0);

/**
 * openReusing is `open` (same checks, same errors) into this thread's one scratch buffer: the plaintext is
 * valid only until the next call. For code that uses each plaintext at once and drops it (check verifying
 * every blob): a fresh buffer per blob cost page faults and garbage collection (measured on check
 * --read-data of 330 MB: ~60k fewer page faults, ~0.2 s less CPU).
 */
export function openReusing(key: MasterKey, sealed: Uint8Array): Buffer {
  const { iv, body } = authenticate(key, sealed);
  if (scratch.length < body.length) scratch = Buffer.allocUnsafe(Math.max(body.length, INITIAL_SCRATCH));
  ctrInto(createDecipheriv('aes-256-ctr', prepare(key).encrypt, iv), body, scratch, 0);
  return scratch.subarray(0, body.length);
}
