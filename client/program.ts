// The command tree: global options, then one module per command under commands/.
import { Command, Option } from 'commander';
import { registerInit } from './commands/init.js';
import { registerSnapshots } from './commands/snapshots.js';
import { registerLs } from './commands/ls.js';
import { registerCat } from './commands/cat.js';
import { registerRestore } from './commands/restore.js';
import { registerKey } from './commands/key.js';
import { registerUnlock } from './commands/unlock.js';
import { registerBackup } from './commands/backup.js';
import { registerForget } from './commands/forget.js';
import { registerPrune } from './commands/prune.js';
import { registerCopy } from './commands/copy.js';
import { registerCheck } from './commands/check.js';
import { registerRemote } from './commands/remote.js';
import { registerStatus } from './commands/status.js';
import { configureUsageErrors } from './output/usage-errors.js';

export function buildProgram(): Command {
  const program = new Command('cairn')
    .description('Encrypted, deduplicated backups in restic\'s repository format, with maintenance that runs next to the storage.')
    .version('0.1.0', '-V, --version')
    .option('-r, --repo <url>', 'repository: a directory, or s3:host/bucket/prefix (env CAIRN_REPOSITORY)')
    .option('-p, --password-file <file>', 'read the password from the first line of a file (env CAIRN_PASSWORD_FILE)')
    .option('--password-command <command>', 'run a command and use its first output line as the password (env CAIRN_PASSWORD_COMMAND)')
    .option('--key-hint <id>', 'try this key file first')
    .option('--json', 'machine-readable output (restic\'s JSON shapes)')
    .option('-q, --quiet', 'print only errors')
    .option('-v, --verbose', 'more detail, and stack traces on errors')
    .addOption(new Option('--cache-dir <dir>', 'directory for the local cache').hideHelp())
    .addOption(new Option('--no-cache', 'do not use a local cache').hideHelp())
    .option('--no-lock', 'do not lock the repository (read-only commands only)');

  for (const register of [registerInit, registerBackup, registerSnapshots, registerLs, registerCat, registerRestore, registerKey, registerUnlock, registerCopy, registerCheck, registerForget, registerPrune, registerRemote, registerStatus]) {
    register(program);
  }
  configureUsageErrors(program);
  return program;
}
