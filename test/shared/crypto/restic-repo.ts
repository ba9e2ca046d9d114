// Test support: a throw-away restic 0.14 repository, made by the real binary, to use as the oracle.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ResticRepo {
  readonly dir: string;
  readonly password: string;
  /** Runs restic on the repository with the repository password; returns stdout. */
  run(args: string[]): string;
  /** Runs restic with another password (passed through a password file). */
  runWithPassword(password: string, args: string[]): string;
  keyFileNames(): string[];
  readKeyFile(name: string): Buffer;
  cleanup(): void;
}

function restic(env: NodeJS.ProcessEnv, args: string[]): string {
  return execFileSync('restic', ['--no-cache', '-q', ...args], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** initResticRepo runs `restic init` in a fresh temp directory. */
export function initResticRepo(password = 'correct horse battery staple'): ResticRepo {
  const base = mkdtempSync(join(tmpdir(), 'cairn-crypto-'));
  const dir = join(base, 'repo');
  const env = { PATH: process.env.PATH, HOME: base, RESTIC_PASSWORD: password };
  restic(env, ['-r', dir, 'init']);
  return {
    dir,
    password,
    run: (args) => restic(env, ['-r', dir, ...args]),
    runWithPassword(other, args) {
      const file = join(base, 'password');
      writeFileSync(file, other);
      return restic({ PATH: process.env.PATH, HOME: base }, ['-r', dir, '--password-file', file, ...args]);
    },
    keyFileNames: () => readdirSync(join(dir, 'keys')),
    readKeyFile: (name) => readFileSync(join(dir, 'keys', name)),
    cleanup: () => rmSync(base, { recursive: true, force: true }),
  };
}
