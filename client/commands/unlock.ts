// `cairn unlock`: remove stale locks (older than 30 minutes, or left by a dead process on this host).
import type { Command } from 'commander';
import { removeLocks } from '../../shared/repository/index.js';
import { commandContext, withRepository } from '../context.js';

export function registerUnlock(program: Command): void {
  program
    .command('unlock')
    .description('remove stale locks left by crashed or killed processes')
    .option('--remove-all', 'remove every lock, also live ones (only when nothing else uses the repository)')
    .action(async (opts: { removeAll?: boolean }, cmd: Command) => {
      const ctx = commandContext(cmd);
      await withRepository(ctx, 'none', async ({ repo, printer, identity }) => {
        const removed = await removeLocks(repo, { all: Boolean(opts.removeAll), hostname: identity.hostname, now: new Date() });
        printer.jsonLine({ message_type: 'unlocked', removed });
        printer.out(removed === 0 ? 'no stale locks found' : `removed ${removed} lock${removed === 1 ? '' : 's'}`);
      });
    });
}
