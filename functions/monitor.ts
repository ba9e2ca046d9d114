// Lambda handler: the backup monitor. `cairn.backup.finished` events record a host's latest backup; the
// hourly `cairn.monitor.tick` alerts on hosts with no successful backup for MISSED_BACKUP_HOURS.
import { snsPublisher } from './lib/alerts.js';
import { readMonitorEnvironment } from './lib/env.js';
import { forStateMachine } from './lib/errors.js';
import type { LambdaContext } from './lib/handler.js';
import { createLogger, describeError } from './lib/log.js';
import { handleMonitorEvent, type MonitorResult } from './lib/monitor.js';
import { openControl } from './lib/storage.js';

const env = readMonitorEnvironment(process.env);
const alerts = snsPublisher(env.alertTopicArn, process.env);

export const handler = async (event: unknown, context?: LambdaContext): Promise<MonitorResult> => {
  const log = createLogger({ step: 'monitor', eventId: (event as { id?: unknown } | null)?.id, awsRequestId: context?.awsRequestId });
  const control = await openControl(env);
  try {
    return await handleMonitorEvent({ env, control, alerts, now: new Date(), log }, event);
  } catch (err) {
    log.error('monitor failed', describeError(err));
    // EventBridge and Scheduler retry a failed invocation; a transient failure is worth that.
    throw forStateMachine(err);
  } finally {
    control.close();
  }
};
