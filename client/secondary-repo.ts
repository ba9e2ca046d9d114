// The second repository of a two-repository command (restic's "secondary repo"): for `copy`, the SOURCE,
// given by --from-repo / --from-password-file / --from-password-command / --from-key-hint or the
// CAIRN_FROM_* variables (falling back to RESTIC_FROM_*, as restic 0.14's copy reads them).
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { CairnError, RepositoryNotFoundError, UsageError, WrongPasswordError } from '../shared/core/index.js';
import { Repository } from '../shared/repository/index.js';
import type { Backend } from '../shared/storage/index.js';
import { openStorage } from './context.js';
import { env, readHidden, resolvePassword } from './globals.js';
import type { Printer } from './output/printer.js';

export interface SecondaryRepoFlags {
  fromRepo?: string;
  fromRepositoryFile?: string;
  fromPasswordFile?: string;
  fromPasswordCommand?: string;
  fromKeyHint?: string;
}

export function addSecondaryRepoOptions(cmd: Command): Command {
  return cmd
    .option('--from-repo <url>', 'source repository to copy snapshots from (env CAIRN_FROM_REPOSITORY)')
    .option('--from-repository-file <file>', 'read the source repository location from a file (env CAIRN_FROM_REPOSITORY_FILE)')
    .option('--from-password-file <file>', 'read the source repository password from a file (env CAIRN_FROM_PASSWORD_FILE)')
    .option('--from-password-command <command>', 'run a command to get the source repository password (env CAIRN_FROM_PASSWORD_COMMAND)')
    .option('--from-key-hint <id>', 'try this key file of the source repository first (env CAIRN_FROM_KEY_HINT)');
}

/** The source repository's location: --from-repo, --from-repository-file, then the environment. */
export function secondaryRepoUrl(flags: SecondaryRepoFlags): string {
  const url = flags.fromRepo ?? env('FROM_REPOSITORY');
  const file = flags.fromRepositoryFile ?? env('FROM_REPOSITORY_FILE');
  if (url !== undefined && file !== undefined) throw new UsageError('--from-repo and --from-repository-file both name a source repository: give only one');
  if (url !== undefined) return url;
  if (file !== undefined) {
    try {
      const first = readFileSync(file, 'utf8').split(/\r?\n/)[0]!.trim();
      if (first !== '') return first;
    } catch (err) {
      throw new UsageError(`cannot read the source repository file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  throw new UsageError('no source repository given: use --from-repo, or set CAIRN_FROM_REPOSITORY');
}

/**
 * The source repository's password: a password file or command (flag, then environment) before
 * CAIRN_FROM_PASSWORD, then a prompt on a terminal. Never the target's password: restic keeps them apart.
 */
export async function secondaryRepoPassword(flags: SecondaryRepoFlags, warn: (msg: string) => void): Promise<string> {
  const passwordFile = flags.fromPasswordFile ?? env('FROM_PASSWORD_FILE');
  const passwordCommand = flags.fromPasswordCommand ?? env('FROM_PASSWORD_COMMAND');
  if (passwordFile !== undefined || passwordCommand !== undefined) return resolvePassword({ passwordFile, passwordCommand }, warn);
  const direct = env('FROM_PASSWORD');
  if (direct !== undefined) return direct;
  if (process.stdin.isTTY) return readHidden('enter password for source repository: ');
  throw new UsageError('no password for the source repository: use --from-password-file, or set CAIRN_FROM_PASSWORD_FILE (or CAIRN_FROM_PASSWORD)');
}

/**
 * openSecondaryRepo opens the source repository; the caller closes `backend`. Errors name the source, so
 * a wrong password is not mistaken for the target's.
 */
export async function openSecondaryRepo(flags: SecondaryRepoFlags, printer: Printer): Promise<{ repo: Repository; backend: Backend; url: string }> {
  const url = secondaryRepoUrl(flags);
  const password = await secondaryRepoPassword(flags, (m) => printer.warn(m));
  const backend = await openStorage(url, printer);
  try {
    const keyHint = flags.fromKeyHint ?? env('FROM_KEY_HINT');
    return { repo: await Repository.open(backend, password, keyHint ? { keyHint } : {}), backend, url };
  } catch (err) {
    await backend.close();
    if (err instanceof WrongPasswordError) {
      throw new WrongPasswordError(`wrong password for the source repository ${url}: none of its keys opens with it; check --from-password-file or CAIRN_FROM_PASSWORD`, { cause: err });
    }
    if (err instanceof RepositoryNotFoundError) {
      throw new CairnError(err.code, `no source repository at ${url}: check --from-repo (or CAIRN_FROM_REPOSITORY)`, { cause: err });
    }
    throw err;
  }
}
