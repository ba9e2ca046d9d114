// The master key: the one secret that encrypts and authenticates every object in a repository. It is
// random, made once at `init`, and stored only inside key files, wrapped by a key derived from a password.
// It has an AES-256 key for encryption and the two halves of a Poly1305-AES key (k, r) for the MAC.
import { randomBytes } from 'node:crypto';
import { CorruptDataError } from '../core/errors.js';
import { decodeBase64, encodeBase64 } from './base64.js';

/** Encryption and MAC keys, as restic's `crypto.Key` holds them. */
export interface MasterKey {
  /** AES-256 key for the CTR-mode encryption, 32 bytes. */
  readonly encrypt: Buffer;
  /** AES-128 key that turns each IV into the Poly1305 `s` half, 16 bytes. */
  readonly macK: Buffer;
  /** Poly1305 `r` half, 16 bytes, stored clamped in keys we generate. */
  readonly macR: Buffer;
}

/** The shape `restic cat masterkey` prints and key files carry (encrypted) in their `data` field. */
export interface MasterKeyJson {
  mac: { k: string; r: string };
  encrypt: string;
}

/** The Poly1305 clamp: these bits of r must be zero (RFC 8439 §2.5). */
const R_CLAMP = Buffer.from('ffffff0ffcffff0ffcffff0ffcffff0f', 'hex');

/** clampR returns a clamped copy of a 16-byte Poly1305 r. */
export function clampR(r: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(16);
  for (let i = 0; i < 16; i++) out[i] = (r[i] ?? 0) & (R_CLAMP[i] ?? 0);
  return out;
}

function isAllZero(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b !== 0) return false;
  return true;
}

/**
 * generateMasterKey returns a fresh random key with r clamped, as `restic init` makes one. All-zero parts
 * are rejected by every reader, so the (astronomically unlikely) all-zero draw is repeated.
 */
export function generateMasterKey(): MasterKey {
  for (;;) {
    const bytes = randomBytes(64);
    const key = { encrypt: bytes.subarray(0, 32), macK: bytes.subarray(32, 48), macR: clampR(bytes.subarray(48, 64)) };
    if (isValidMasterKey(key)) return key;
  }
}

/** isValidMasterKey tells whether every part has its length and none is all zero (restic's `Key.Valid`). */
export function isValidMasterKey(key: MasterKey): boolean {
  return (
    key.encrypt.length === 32 &&
    key.macK.length === 16 &&
    key.macR.length === 16 &&
    !isAllZero(key.encrypt) &&
    !isAllZero(key.macK) &&
    !isAllZero(key.macR)
  );
}

/** masterKeyToJson gives restic's JSON shape, field order as restic writes it. */
export function masterKeyToJson(key: MasterKey): MasterKeyJson {
  return { mac: { k: encodeBase64(key.macK), r: encodeBase64(key.macR) }, encrypt: encodeBase64(key.encrypt) };
}

/**
 * masterKeyFromJson reads restic's JSON shape (already parsed). It throws CorruptDataError naming the field
 * when a field is missing, not base64, of the wrong length, or all zero. `r` is kept as stored (restic
 * clamps it at use, and so does Poly1305), so a key read and written again is byte-identical.
 */
export function masterKeyFromJson(obj: unknown): MasterKey {
  const fail = (what: string): never => {
    throw new CorruptDataError(`master key is invalid: ${what}`);
  };
  if (typeof obj !== 'object' || obj === null) return fail('not a JSON object');
  const { mac, encrypt } = obj as { mac?: unknown; encrypt?: unknown };
  if (typeof mac !== 'object' || mac === null) return fail('"mac" is missing');
  const { k, r } = mac as { k?: unknown; r?: unknown };
  const key = {
    encrypt: decodeBase64(encrypt) ?? fail('"encrypt" is not base64'),
    macK: decodeBase64(k) ?? fail('"mac.k" is not base64'),
    macR: decodeBase64(r) ?? fail('"mac.r" is not base64'),
  };
  if (key.encrypt.length !== 32) fail(`"encrypt" has ${key.encrypt.length} bytes, want 32`);
  if (key.macK.length !== 16) fail(`"mac.k" has ${key.macK.length} bytes, want 16`);
  if (key.macR.length !== 16) fail(`"mac.r" has ${key.macR.length} bytes, want 16`);
  if (!isValidMasterKey(key)) fail('a part is all zero');
  return key;
}
