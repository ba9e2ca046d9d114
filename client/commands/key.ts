// `cairn key list|add|remove`: manage the passwords that open the repository.
import type { Command } from 'commander';
import { UsageError, shortId } from '../../shared/core/index.js';
import { addKey, listKeys, removeKey } from '../../shared/repository/index.js';
import { commandContext, nowGoTime, withRepository } from '../context.js';
import { readHidden, readPasswordFile } from '../globals.js';
import { displayTime, formatTable } from '../output/format.js';

export function registerKey(program: Command): void {
  const key = program.command('key').description('manage keys (passwords)');
  key
    .command('list')
    .description('list keys')
    .action(async (_opts: unknown, cmd: Command) => {
      const ctx = commandContext(cmd);
      await withRepository(ctx, 'shared', async ({ repo, printer }) => {
        const keys = await listKeys(repo.backend);
        if (printer.json) {
          // restic's shape exactly: short ID, local time without zone.
          printer.jsonLine(keys.map((k) => ({ current: k.id === repo.keyId, id: shortId(k.id), userName: k.username, hostName: k.hostname, created: displayTime(k.created) })));
          return;
        }
        printer.out(formatTable(['', 'ID', 'User', 'Host', 'Created'], keys.map((k) => [k.id === repo.keyId ? '*' : '', shortId(k.id), k.username, k.hostname, displayTime(k.created)])));
      });
    });
  key
    .command('add')
    .description('add a key (a new password for the same repository)')
    .option('--new-password-file <file>', 'read the new password from a file')
    .option('--host <host>', 'host name recorded in the key')
    .option('--user <user>', 'user name recorded in the key')
    .action(async (opts: { newPasswordFile?: string; host?: string; user?: string }, cmd: Command) => {
      const ctx = commandContext(cmd);
      await withRepository(ctx, 'shared', async ({ repo, printer, identity }) => {
        let password: string;
        if (opts.newPasswordFile !== undefined) password = readPasswordFile(opts.newPasswordFile, (m) => printer.warn(m));
        else if (process.stdin.isTTY) {
          password = await readHidden('enter new password: ');
          if ((await readHidden('enter password again: ')) !== password) throw new UsageError('passwords do not match');
        } else throw new UsageError('key add needs --new-password-file when not run on a terminal');
        const id = await addKey(repo.backend, repo.key, password, { hostname: opts.host ?? identity.hostname, username: opts.user ?? identity.username, created: nowGoTime() });
        printer.jsonLine({ message_type: 'key_added', id });
        printer.out(`saved new key as ${shortId(id)}`);
      });
    });
  key
    .command('remove')
    .description('remove a key (not the one in use)')
    .argument('<id>', 'key ID (full or unique prefix)')
    .action(async (prefix: string, _opts: unknown, cmd: Command) => {
      const ctx = commandContext(cmd);
      await withRepository(ctx, 'exclusive', async ({ repo, printer }) => {
        const matches = (await listKeys(repo.backend)).filter((k) => k.id.startsWith(prefix));
        if (matches.length !== 1) throw new UsageError(matches.length === 0 ? `no key with ID ${prefix}: see \`cairn key list\`` : `key ID ${prefix} is ambiguous`);
        await removeKey(repo.backend, matches[0]!.id, repo.keyId);
        printer.out(`removed key ${shortId(matches[0]!.id)}`);
      });
    });
}
