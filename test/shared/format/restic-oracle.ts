// Test helper: the real restic 0.14 binary as an oracle. Creates throw-away repositories under os.tmpdir()
// and reads their files' plaintext independently of cairn's own crypto and compression (node:crypto AES-CTR
// with the master key restic prints, the zstd CLI), so format tests compare against restic's exact bytes.
import { spawnSync } from 'node:child_process';
import { createDecipheriv } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PASSWORD = 'format-oracle';

/** A scratch directory removed by cleanup(). */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `cairn-format-${prefix}-`));
}

export function cleanup(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string>;
  input?: string | Buffer;
}

/** restic runs restic with the repository and password set and returns stdout; throws with stderr on failure. */
export function restic(repo: string, args: string[], opts: RunOptions = {}): Buffer {
  const r = spawnSync('restic', ['-r', repo, '--no-cache', ...args], {
    cwd: opts.cwd,
    env: { ...process.env, RESTIC_PASSWORD: PASSWORD, ...opts.env },
    input: opts.input,
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`restic ${args.join(' ')} failed (${r.status}): ${r.stderr.toString()}`);
  return r.stdout;
}

/** A restic repository with the master key needed to read its files. */
export class OracleRepo {
  readonly path: string;
  private key: Buffer | undefined;

  constructor(path: string) {
    this.path = path;
  }

  static init(path: string, version: 1 | 2 = 2): OracleRepo {
    restic(path, ['init', '-q', '--repository-version', String(version)]);
    return new OracleRepo(path);
  }

  run(args: string[], opts?: RunOptions): Buffer {
    return restic(this.path, args, opts);
  }

  /** ids lists the file names under a repository directory (data is two-level). */
  ids(dir: 'index' | 'snapshots' | 'locks' | 'keys' | 'data'): string[] {
    if (dir !== 'data') return readdirSync(join(this.path, dir)).sort();
    return readdirSync(join(this.path, 'data')).flatMap((sub) => readdirSync(join(this.path, 'data', sub))).sort();
  }

  filePath(dir: string, id: string): string {
    return dir === 'data' ? join(this.path, 'data', id.slice(0, 2), id) : join(this.path, dir, id);
  }

  /** open decrypts sealed bytes (IV || ciphertext || MAC) without checking the MAC. */
  open(sealed: Buffer): Buffer {
    if (this.key === undefined) {
      const mk = JSON.parse(this.run(['cat', 'masterkey']).toString()) as { encrypt: string };
      this.key = Buffer.from(mk.encrypt, 'base64');
    }
    const iv = sealed.subarray(0, 16);
    const decipher = createDecipheriv('aes-256-ctr', this.key, iv);
    return Buffer.concat([decipher.update(sealed.subarray(16, sealed.length - 16)), decipher.final()]);
  }

  /** plaintext returns an unpacked file's JSON bytes exactly as restic serialized them (decompressed if v2). */
  plaintext(dir: 'index' | 'snapshots' | 'locks' | 'config', id = ''): Buffer {
    const plain = this.open(readFileSync(dir === 'config' ? join(this.path, 'config') : this.filePath(dir, id)));
    if (plain[0] === 0x7b || plain[0] === 0x5b) return plain;
    if (plain[0] !== 2) throw new Error(`unknown plaintext encoding ${plain[0]}`);
    return unzstd(plain.subarray(1));
  }

  /**
   * blob returns a blob's plaintext, read straight from its pack through restic's index (one restic process
   * per blob, as `restic cat blob` needs, would spend most of a test in key derivation).
   */
  blob(id: string): Buffer {
    if (this.blobs === undefined) {
      this.blobs = new Map();
      for (const indexId of this.ids('index')) {
        const index = JSON.parse(this.plaintext('index', indexId).toString()) as {
          packs: { id: string; blobs: { id: string; offset: number; length: number; uncompressed_length?: number }[] }[];
        };
        for (const pack of index.packs) for (const b of pack.blobs) this.blobs.set(b.id, { pack: pack.id, ...b });
      }
    }
    const loc = this.blobs.get(id);
    if (loc === undefined) throw new Error(`blob ${id} is not in restic's index`);
    const packBytes = readFileSync(this.filePath('data', loc.pack));
    const plain = this.open(packBytes.subarray(loc.offset, loc.offset + loc.length));
    return loc.uncompressed_length ? unzstd(plain) : plain;
  }

  private blobs: Map<string, { pack: string; offset: number; length: number; uncompressed_length?: number }> | undefined;
}

export function unzstd(frame: Buffer): Buffer {
  const r = spawnSync('zstd', ['-d', '-c', '-q'], { input: frame, maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`zstd -d failed: ${r.stderr.toString()}`);
  return r.stdout;
}
