// Key files (`keys/<id>`): plain JSON that wraps the master key under a password. Each password of a
// repository is one key file; all of them hold the same master key. The file's name is the SHA-256 of
// its bytes.
import { randomBytes } from 'node:crypto';
import { CorruptDataError, WrongPasswordError } from '../core/errors.js';
import { hashId } from '../core/id.js';
import type { Id } from '../core/id.js';
import { decodeBase64, encodeBase64 } from './base64.js';
import { checkKdfParams, DEFAULT_KDF_PARAMS, deriveUserKey, SALT_SIZE } from './kdf.js';
import type { KdfParams } from './kdf.js';
import { masterKeyFromJson, masterKeyToJson } from './master-key.js';
import type { MasterKey } from './master-key.js';
import { open, seal, SEAL_OVERHEAD } from './seal.js';

/** A key file as stored; fields in the order restic writes them. `salt` and `data` are base64. */
export interface KeyFile {
  created: string;
  username: string;
  hostname: string;
  kdf: 'scrypt';
  N: number;
  r: number;
  p: number;
  salt: string;
  data: string;
}

export interface CreateKeyFileOptions {
  hostname: string;
  username: string;
  /** RFC 3339 time, written verbatim (restic writes nanoseconds, e.g. `2026-11-26T09:33:18.4390432Z`). */
  created: string;
  /** scrypt cost; DEFAULT_KDF_PARAMS unless given. */
  params?: KdfParams;
}

// Go's encoding/json escapes these; doing the same keeps our key files byte-alike with restic's.
const GO_ESCAPES: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' };

function goJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => GO_ESCAPES[c] ?? c);
}

/**
 * createKeyFile wraps `masterKey` under `password` with a fresh 64-byte salt. Returns the exact bytes to
 * store (compact JSON, no newline, as restic writes), their ID (the file name) and the parsed form.
 */
export async function createKeyFile(
  password: string,
  masterKey: MasterKey,
  opts: CreateKeyFileOptions,
): Promise<{ bytes: Buffer; id: Id; keyFile: KeyFile }> {
  const params = opts.params ?? DEFAULT_KDF_PARAMS;
  const salt = randomBytes(SALT_SIZE);
  const userKey = await deriveUserKey(password, salt, params);
  const data = seal(userKey, Buffer.from(JSON.stringify(masterKeyToJson(masterKey)), 'utf8'));
  const keyFile: KeyFile = {
    created: opts.created,
    username: opts.username,
    hostname: opts.hostname,
    kdf: 'scrypt',
    N: params.N,
    r: params.r,
    p: params.p,
    salt: encodeBase64(salt),
    data: encodeBase64(data),
  };
  const bytes = Buffer.from(goJson(keyFile), 'utf8');
  return { bytes, id: hashId(bytes), keyFile };
}

/**
 * parseKeyFile decodes and checks a key file without the password (enough for `key list`). Throws
 * CorruptDataError naming the problem: not JSON, kdf other than scrypt, bad N/r/p, salt not 64 bytes of
 * base64, data not base64 or too short.
 */
export function parseKeyFile(bytes: Uint8Array): KeyFile {
  let obj: unknown;
  try {
    obj = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  } catch (err) {
    throw new CorruptDataError('key file is not valid JSON', { cause: err });
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw new CorruptDataError('key file is not a JSON object');
  const f = obj as Record<string, unknown>;
  if (f.kdf !== 'scrypt') throw new CorruptDataError(`key file uses unknown kdf ${JSON.stringify(f.kdf)}, want "scrypt"`);
  checkKdfParams({ N: f.N as number, r: f.r as number, p: f.p as number });
  const salt = decodeBase64(f.salt);
  if (salt === undefined || salt.length !== SALT_SIZE) throw new CorruptDataError(`key file salt must be ${SALT_SIZE} bytes of base64`);
  const data = decodeBase64(f.data);
  if (data === undefined || data.length < SEAL_OVERHEAD) throw new CorruptDataError('key file data is not base64 of a sealed key');
  const text = (v: unknown): string => (typeof v === 'string' ? v : '');
  return {
    created: text(f.created),
    username: text(f.username),
    hostname: text(f.hostname),
    kdf: 'scrypt',
    N: f.N as number,
    r: f.r as number,
    p: f.p as number,
    salt: f.salt as string,
    data: f.data as string,
  };
}

/**
 * openKeyFile unwraps the master key with `password`, using the file's own scrypt parameters. Throws
 * WrongPasswordError when the MAC does not verify (the usual meaning: another password's key file), and
 * CorruptDataError when the file or the decrypted master key is malformed.
 */
export async function openKeyFile(bytes: Uint8Array, password: string): Promise<MasterKey> {
  const keyFile = parseKeyFile(bytes);
  const salt = decodeBase64(keyFile.salt) as Buffer;
  const userKey = await deriveUserKey(password, salt, keyFile);
  let plain: Buffer;
  try {
    plain = open(userKey, decodeBase64(keyFile.data) as Buffer);
  } catch (err) {
    throw new WrongPasswordError(undefined, { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(plain.toString('utf8'));
  } catch (err) {
    throw new CorruptDataError('key file holds a master key that is not valid JSON', { cause: err });
  }
  return masterKeyFromJson(json);
}
