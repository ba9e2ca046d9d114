// The client's view of the control bucket: where job and host status live (CAIRN_CONTROL_BUCKET and
// CAIRN_CONTROL_PREFIX, the stack outputs ControlBucket and ControlPrefix), read with the backup
// credential, which may read `status/` and nothing else there.
import { openControlStore, type ControlStore } from '../../shared/control/index.js';
import { UsageError } from '../../shared/core/index.js';

/** openClientControl opens the control bucket named by the environment; UsageError when it is not set. */
export function openClientControl(env: NodeJS.ProcessEnv = process.env): Promise<ControlStore> {
  const bucket = env['CAIRN_CONTROL_BUCKET'];
  if (!bucket) throw new UsageError('no control bucket: set CAIRN_CONTROL_BUCKET (the stack output ControlBucket) to read job status');
  const endpoint = env['AWS_ENDPOINT_URL_S3'] ?? env['AWS_ENDPOINT_URL'];
  const region = env['AWS_REGION'] ?? env['AWS_DEFAULT_REGION'];
  return openControlStore({
    bucket,
    prefix: env['CAIRN_CONTROL_PREFIX'] || 'cairn/',
    ...(endpoint ? { endpoint } : {}),
    ...(region ? { region } : {}),
  });
}
