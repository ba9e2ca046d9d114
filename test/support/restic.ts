// Test support: throw-away restic repositories driven by the real restic 0.14 binary, the oracle of the
// interop tests. Every open spends ~0.5 s in scrypt on the key file calibrated at init, so after init the
// key is re-wrapped with cheap scrypt parameters (N=1024): same master key, ~0.05 s per run. The same
// re-wrapping works on repositories cairn created (`cheapenKeys`), since both write restic's key format.
import { createCipheriv, createHash, randomBytes, scryptSync } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { poly1305 } from '@noble/ciphers/_poly1305.js';

export const RESTIC_PASSWORD = 'interop-oracle';

/** A temporary restic repository; `dir` holds `repo/` and free space for source trees. */
export interface ResticRepo {
  dir: string;
  repo: string;
  /** Runs restic with the given arguments (and extra env, e.g. TZ); returns stdout. */
  run(args: string[], env?: Record<string, string>): string;
  cleanup(): void;
}

export interface ResticRepoOptions {
  /** Repository format version for `restic init` (default: restic's, 2). */
  readonly version?: 1 | 2;
}

/** createResticRepo initializes a repository under os.tmpdir() with a cheap key. */
export function createResticRepo(opts: ResticRepoOptions = {}): ResticRepo {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-restic-'));
  const repo = join(dir, 'repo');
  const run = (args: string[], env: Record<string, string> = {}): string =>
    execFileSync('restic', ['-r', repo, '--no-cache', ...args], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, RESTIC_PASSWORD, TZ: 'UTC', ...env },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  run(['init', '-q', ...(opts.version ? ['--repository-version', String(opts.version)] : [])]);
  cheapenKeys(repo);
  return { dir, repo, run, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** runRestic runs restic on any repository directory with the given password; returns stdout. */
export function runRestic(repo: string, args: string[], password = RESTIC_PASSWORD, env: Record<string, string> = {}): string {
  return execFileSync('restic', ['-r', repo, '--no-cache', ...args], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmpdir(), RESTIC_PASSWORD: password, TZ: 'UTC', ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 256 * 1024 * 1024,
  });
}

// restic's Seal: IV || AES-256-CTR(plaintext) || Poly1305(ciphertext; r, AES-128_k(IV)).
function userKey(password: string, salt: Buffer, N: number, r: number, p: number): Buffer {
  return scryptSync(password, salt, 64, { N, r, p, maxmem: 512 * 2 ** 20 });
}

/** cheapenKeys re-wraps every key file of a local repository with N=1024 scrypt (tests only). */
export function cheapenKeys(repo: string, password = RESTIC_PASSWORD): void {
  const keysDir = join(repo, 'keys');
  for (const name of readdirSync(keysDir)) {
    const file = join(keysDir, name);
    const key = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    const salt = Buffer.from(String(key.salt), 'base64');
    const old = userKey(password, salt, Number(key.N), Number(key.r), Number(key.p));
    const data = Buffer.from(String(key.data), 'base64');
    const decipher = createCipheriv('aes-256-ctr', old.subarray(0, 32), data.subarray(0, 16));
    const masterKey = Buffer.concat([decipher.update(data.subarray(16, data.length - 16)), decipher.final()]);

    const cheap = userKey(password, salt, 1024, 8, 1);
    const iv = randomBytes(16);
    const cipher = createCipheriv('aes-256-ctr', cheap.subarray(0, 32), iv);
    const ciphertext = Buffer.concat([cipher.update(masterKey), cipher.final()]);
    const aes = createCipheriv('aes-128-ecb', cheap.subarray(32, 48), null).setAutoPadding(false);
    const s = Buffer.concat([aes.update(iv), aes.final()]);
    const mac = poly1305(ciphertext, Buffer.concat([cheap.subarray(48, 64), s]));
    const json = JSON.stringify({ ...key, N: 1024, r: 8, p: 1, data: Buffer.concat([iv, ciphertext, mac]).toString('base64') });
    writeFileSync(join(keysDir, createHash('sha256').update(json).digest('hex')), json);
    unlinkSync(file);
  }
}
