// Global options and the environment: where the repository is, how to get its password, how to talk.
// CAIRN_* variables win over RESTIC_* ones, so an existing restic cron script works by renaming the binary.
import { execSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { UsageError } from '../shared/core/index.js';

export interface GlobalOptions {
  repo?: string;
  passwordFile?: string;
  passwordCommand?: string;
  keyHint?: string;
  json?: boolean;
  quiet?: boolean;
  verbose?: boolean;
  cacheDir?: string;
  cache?: boolean;
  /** false with --no-lock (commander stores a negated flag under its positive name). */
  lock?: boolean;
}

/** env reads CAIRN_<name>, falling back to RESTIC_<name>. */
export function env(name: string): string | undefined {
  const value = process.env[`CAIRN_${name}`] ?? process.env[`RESTIC_${name}`];
  return value === '' ? undefined : value;
}

/** repositoryUrl is -r/--repo or CAIRN_REPOSITORY/RESTIC_REPOSITORY. */
export function repositoryUrl(g: GlobalOptions): string {
  const url = g.repo ?? env('REPOSITORY');
  if (url === undefined) throw new UsageError('no repository given: use -r/--repo or set CAIRN_REPOSITORY');
  return url;
}

/** readPasswordFile reads the first line of a password file, warning when others can read it. */
export function readPasswordFile(path: string, warn: (msg: string) => void): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
    const mode = statSync(path).mode;
    if ((mode & 0o077) !== 0) warn(`password file ${path} is readable by group or others: chmod 600 ${path}`);
  } catch (err) {
    throw new UsageError(`cannot read password file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return text.split(/\r?\n/)[0]!.trim();
}

function runPasswordCommand(command: string): string {
  try {
    return execSync(command, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).split(/\r?\n/)[0]!.trim();
  } catch (err) {
    throw new UsageError(`password command \`${command}\` failed: ${(err as Error).message.split('\n')[0]}`);
  }
}

/**
 * resolvePassword takes the first source given: --password-file, --password-command, then the
 * environment's PASSWORD, PASSWORD_FILE, PASSWORD_COMMAND (CAIRN_ before RESTIC_), then a prompt on a TTY.
 */
export async function resolvePassword(g: GlobalOptions, warn: (msg: string) => void, prompt = 'enter password for repository: '): Promise<string> {
  if (g.passwordFile !== undefined) return readPasswordFile(g.passwordFile, warn);
  if (g.passwordCommand !== undefined) return runPasswordCommand(g.passwordCommand);
  // Per prefix, restic's order (command, then file, then the password itself); CAIRN_* before RESTIC_*.
  for (const prefix of ['CAIRN_', 'RESTIC_']) {
    const value = (name: string): string | undefined => process.env[prefix + name] || undefined;
    const command = value('PASSWORD_COMMAND');
    if (command !== undefined) return runPasswordCommand(command);
    const file = value('PASSWORD_FILE');
    if (file !== undefined) return readPasswordFile(file, warn);
    const direct = value('PASSWORD');
    if (direct !== undefined) return direct;
  }
  if (process.stdin.isTTY) return readHidden(prompt);
  throw new UsageError('no password given: use --password-file, or set CAIRN_PASSWORD_FILE (or CAIRN_PASSWORD)');
}

/** readHidden prompts on the terminal without echoing what is typed. */
export async function readHidden(prompt: string): Promise<string> {
  process.stderr.write(prompt);
  const stdin = process.stdin;
  stdin.setRawMode(true);
  stdin.resume();
  let answer = '';
  try {
    return await new Promise<string>((resolve, reject) => {
      const onData = (buf: Buffer): void => {
        for (const ch of buf.toString('utf8')) {
          if (ch === '\r' || ch === '\n') {
            stdin.off('data', onData);
            resolve(answer);
            return;
          }
          if (ch === '\u0003') {
            stdin.off('data', onData);
            reject(new UsageError('interrupted'));
            return;
          }
          if (ch === '\u007f') answer = answer.slice(0, -1);
          else answer += ch;
        }
      };
      stdin.on('data', onData);
    });
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
    process.stderr.write('\n');
  }
}
