// `cairn remote forget|prune|check|copy [job flags] [--wait]`: ask the cloud side to run a maintenance job
// near the storage. Puts a `cairn.maintenance.requested` event on the bus (the same one the schedules
// send), prints the request id, and with --wait follows the job's status object until it ends.
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { CairnError, UsageError } from '../../shared/core/index.js';
import type { JobStatus } from '../../shared/control/index.js';
import { commandContext } from '../context.js';
import { openClientControl } from '../remote/control.js';
import { putEvent } from '../remote/event-bus.js';
import { checkJobOptions, parseJobArgs, REMOTE_JOBS, type RemoteJob } from '../remote/job-options.js';
import { parseWaitTimeout, waitForJob } from '../remote/wait.js';

/** detail-type of a maintenance request (cdk/lib/maintenance-events.ts). */
const MAINTENANCE_REQUESTED = 'cairn.maintenance.requested';

interface RemoteFlags {
  wait?: boolean;
  timeout: string;
  bus?: string;
  pollInterval: string;
}

export function registerRemote(program: Command): void {
  program
    .command('remote')
    .description('run forget, prune, check or copy in the cloud, next to the storage (job flags as for the local command)')
    .argument('<job>', `the job: ${REMOTE_JOBS.join(', ')}`)
    .argument('[job-flags...]', 'the job\'s flags, e.g. --keep-daily 7 --prune or --read-data-subset 5%')
    .option('--wait', 'wait for the job to finish; exit 1 if it failed')
    .option('--timeout <duration>', 'longest to wait, e.g. 30m or 2h', '30m')
    .option('--bus <name>', 'the event bus (env CAIRN_EVENT_BUS; the stack output EventBusName)')
    .addHelpText('after', '\nStatus is read from CAIRN_CONTROL_BUCKET (and CAIRN_CONTROL_PREFIX, default cairn/).')
    .option('--poll-interval <seconds>', 'seconds between status reads while waiting', '5')
    .allowUnknownOption()
    .action(async (job: string, jobArgs: string[], flags: RemoteFlags, cmd: Command) => {
      const ctx = commandContext(cmd);
      const { printer } = ctx;
      if (!(REMOTE_JOBS as readonly string[]).includes(job)) throw new UsageError(`unknown job ${JSON.stringify(job)}: use one of ${REMOTE_JOBS.join(', ')}`);
      const bus = flags.bus ?? process.env['CAIRN_EVENT_BUS'];
      if (!bus) throw new UsageError('no event bus: pass --bus or set CAIRN_EVENT_BUS (the stack output EventBusName)');
      const timeoutMs = parseWaitTimeout(flags.timeout);
      if (!Number.isFinite(timeoutMs)) throw new UsageError(`--timeout: ${JSON.stringify(flags.timeout)} is not a duration like 30m, 2h or 90s`);
      const options = parseJobArgs(jobArgs);
      checkJobOptions(job as RemoteJob, options);

      const requestId = randomUUID();
      const eventId = await putEvent(bus, MAINTENANCE_REQUESTED, { requestId, job, options });
      printer.jsonLine({ message_type: 'requested', requestId, job, options, eventId });
      printer.out(requestId);
      if (!flags.wait) return;

      const store = await openClientControl();
      let status: JobStatus | undefined;
      try {
        status = await waitForJob(store, requestId, {
          timeoutMs,
          intervalMs: Number(flags.pollInterval) * 1000,
          onState: (state) => printer.info(`${job} ${requestId}: ${state}`),
        });
      } finally {
        store.close();
      }
      if (status === undefined) {
        throw new CairnError('WAIT_TIMEOUT', `gave up waiting after ${flags.timeout}: the ${job} job ${requestId} has not finished; look again with \`cairn status\``);
      }
      printer.jsonLine({ message_type: 'status', ...status });
      if (status.state === 'failed') {
        throw new CairnError('JOB_FAILED', `the ${job} job ${requestId} failed: ${status.error?.name ?? 'Error'}: ${status.error?.message ?? 'no details'}`);
      }
      printer.info(`${job} ${requestId}: succeeded${status.finishedAt ? ` at ${status.finishedAt}` : ''}`);
    });
}
