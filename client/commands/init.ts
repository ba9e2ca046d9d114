// `cairn init`: create a new repository (restic format version 2 unless asked otherwise).
import type { Command } from 'commander';
import { UsageError, shortId } from '../../shared/core/index.js';
import { Repository } from '../../shared/repository/index.js';
import { commandContext, nowGoTime, openStorage } from '../context.js';
import { repositoryUrl, resolvePassword } from '../globals.js';

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('create a new repository')
    .option('--repository-version <n>', 'repository format version: 1 or 2 (2 compresses)', '2')
    .action(async (opts: { repositoryVersion: string }, cmd: Command) => {
      const ctx = commandContext(cmd);
      const version = Number(opts.repositoryVersion);
      if (version !== 1 && version !== 2) throw new UsageError(`--repository-version: "${opts.repositoryVersion}" is not 1 or 2`);
      const url = repositoryUrl(ctx.globals);
      const backend = await openStorage(url, ctx.printer);
      try {
        const password = await resolvePassword(ctx.globals, (m) => ctx.printer.warn(m), 'enter password for new repository: ');
        const repo = await Repository.init(backend, password, { ...ctx.identity, version, created: nowGoTime() });
        ctx.printer.jsonLine({ message_type: 'initialized', id: repo.config.id, repository: url });
        ctx.printer.info(`created cairn repository ${shortId(repo.config.id)} at ${url} (format version ${version})`);
        ctx.printer.info('Please note that knowledge of your password is required to access the repository. Losing your password means that your data is irrecoverably lost.');
      } finally {
        await backend.close();
      }
    });
}
