// The key derivation function: scrypt turns a password into a "user key" of the same shape as a master
// key, which then opens a key file's `data`. Its cost parameters N, r, p travel in the key file, so a
// reader always uses the writer's values.
import { scrypt } from 'node:crypto';
import { CorruptDataError } from '../core/errors.js';
import { clampR } from './master-key.js';
import type { MasterKey } from './master-key.js';

/** scrypt's cost parameters: N (CPU/memory, a power of two), r (block size), p (parallelism). */
export interface KdfParams {
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/**
 * Parameters for new key files. restic calibrates to ~500 ms and ≤ 60 MiB at creation; on the 2-core
 * development VM it picked N=32768, r=8, p=5. p=4 keeps the same 32 MiB of memory and takes ~0.4 s here,
 * so a password costs an attacker about what restic's would.
 */
export const DEFAULT_KDF_PARAMS: KdfParams = { N: 32768, r: 8, p: 4 };

/** restic refuses salts of any other length. */
export const SALT_SIZE = 64;

/**
 * The most memory a key file may ask scrypt for. restic's own calibration stays under 60 MiB; the cap only
 * stops a hostile key file from making us allocate gigabytes.
 */
export const MAX_KDF_MEMORY = 1024 * 1024 * 1024;

/** scrypt's working memory for these parameters (OpenSSL's accounting: V is 128·r·(N+2), B is 128·r·p). */
function scryptMemory({ N, r, p }: KdfParams): number {
  return 128 * r * (N + 2) + 128 * r * p;
}

/**
 * checkKdfParams throws CorruptDataError naming the problem unless N is a power of two > 1, r and p are
 * positive integers with r·p < 2^30 (scrypt's limit), and the memory needed is at most MAX_KDF_MEMORY.
 */
export function checkKdfParams(params: KdfParams): void {
  const { N, r, p } = params;
  const isPositiveInt = (n: unknown): boolean => typeof n === 'number' && Number.isSafeInteger(n) && n > 0;
  if (!isPositiveInt(N) || N < 2 || (N & (N - 1)) !== 0 || N > 2 ** 30) {
    throw new CorruptDataError(`invalid scrypt parameter N=${String(N)}: must be a power of two greater than 1`);
  }
  if (!isPositiveInt(r) || !isPositiveInt(p) || r * p >= 2 ** 30) {
    throw new CorruptDataError(`invalid scrypt parameters r=${String(r)}, p=${String(p)}: need positive integers with r·p < 2^30`);
  }
  if (scryptMemory(params) > MAX_KDF_MEMORY) {
    throw new CorruptDataError(`scrypt parameters N=${N}, r=${r} need more than ${MAX_KDF_MEMORY / 2 ** 20} MiB of memory`);
  }
}

/**
 * deriveUserKey runs scrypt(password as UTF-8, salt, N, r, p) to 64 bytes and splits them as restic does:
 * 0..31 AES key, 32..47 MAC k, 48..63 MAC r. Parameters are checked first (CorruptDataError).
 */
export async function deriveUserKey(password: string, salt: Uint8Array, params: KdfParams): Promise<MasterKey> {
  checkKdfParams(params);
  const maxmem = scryptMemory(params) + 1024 * 1024;
  const bytes = await new Promise<Buffer>((resolve, reject) => {
    scrypt(Buffer.from(password, 'utf8'), salt, 64, { N: params.N, r: params.r, p: params.p, maxmem }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
  return { encrypt: bytes.subarray(0, 32), macK: bytes.subarray(32, 48), macR: clampR(bytes.subarray(48, 64)) };
}
