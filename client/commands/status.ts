// `cairn status`: what the cloud side knows — the latest maintenance jobs (their status objects) and the
// last reported backup of each host — read from the control bucket.
import type { Command } from 'commander';
import { listHosts, listStatuses } from '../../shared/control/index.js';
import { UsageError } from '../../shared/core/index.js';
import { commandContext } from '../context.js';
import { openClientControl } from '../remote/control.js';

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('show the latest maintenance jobs and the last backup of each host (from CAIRN_CONTROL_BUCKET)')
    .option('-n, --last <count>', 'how many jobs to show', '10')
    .action(async (opts: { last: string }, cmd: Command) => {
      const { printer } = commandContext(cmd);
      const limit = Number(opts.last);
      if (!Number.isSafeInteger(limit) || limit < 1) throw new UsageError(`--last: ${JSON.stringify(opts.last)} is not a positive whole number`);
      const store = await openClientControl();
      try {
        const [jobs, hosts] = await Promise.all([listStatuses(store, limit), listHosts(store)]);
        printer.jsonLine({ message_type: 'status', jobs, hosts });
        printer.out(jobs.length === 0 ? 'no maintenance jobs recorded' : 'jobs:');
        for (const j of jobs) {
          const when = j.finishedAt ?? j.startedAt ?? j.requestedAt ?? '';
          printer.out(`  ${j.requestId}  ${j.job.padEnd(6)}  ${j.state.padEnd(9)}  ${when}${j.error ? `  ${j.error.name}: ${j.error.message}` : ''}`);
        }
        printer.out(hosts.length === 0 ? 'no backups reported' : 'hosts:');
        for (const h of hosts) {
          printer.out(`  ${h.host.padEnd(16)}  last ${h.status} ${h.time}  last success ${h.lastSuccess ?? 'never'}${h.snapshotId ? `  snapshot ${h.snapshotId.slice(0, 8)}` : ''}`);
        }
      } finally {
        store.close();
      }
    });
}
