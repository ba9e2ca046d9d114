// Missed-backup monitoring (DESIGN §8). Two inputs, told apart by detail-type: a client's
// `cairn.backup.finished` event updates that host's record; the scheduler's hourly `cairn.monitor.tick`
// looks for hosts whose last successful backup is older than MISSED_BACKUP_HOURS and alerts once per day
// of silence per host (not every hour), remembering when it did in the host record.
import {
  listHosts, readHost, silentHosts, writeHost, type BackupOutcome, type ControlStore, type HostRecord,
} from '../../shared/control/index.js';
import { UsageError } from '../../shared/core/index.js';
import type { AlertPublisher } from './alerts.js';
import type { MonitorEnvironment } from './env.js';
import type { Logger } from './log.js';

/** detail-types the monitor handles (cdk/lib/maintenance-events.ts, backup-monitor.ts). */
export const BACKUP_FINISHED = 'cairn.backup.finished';
export const MONITOR_TICK = 'cairn.monitor.tick';

/** Least time between two alerts about the same silent host. */
export const REALERT_MS = 24 * 3600_000;

const OUTCOMES: readonly BackupOutcome[] = ['succeeded', 'incomplete', 'failed'];

export interface MonitorDependencies {
  readonly env: MonitorEnvironment;
  readonly control: ControlStore;
  readonly alerts: AlertPublisher;
  readonly now: Date;
  readonly log: Logger;
}

/** What one invocation did. */
export type MonitorResult = { recorded: HostRecord } | { silent: string[]; alerted: string[] };

/** handleMonitorEvent dispatches on detail-type; anything else is a UsageError. */
export async function handleMonitorEvent(deps: MonitorDependencies, event: unknown): Promise<MonitorResult> {
  const e = (typeof event === 'object' && event !== null ? event : {}) as Record<string, unknown>;
  const type = e['detail-type'];
  if (type === BACKUP_FINISHED) return { recorded: await recordBackup(deps, e['detail'], e['time']) };
  if (type === MONITOR_TICK) return findSilentHosts(deps);
  throw new UsageError(`the monitor handles ${BACKUP_FINISHED} and ${MONITOR_TICK} events, not ${JSON.stringify(type)}`);
}

async function recordBackup(deps: MonitorDependencies, detail: unknown, eventTime: unknown): Promise<HostRecord> {
  const d = (typeof detail === 'object' && detail !== null ? detail : {}) as Record<string, unknown>;
  const host = d['host'];
  const status = d['status'];
  if (typeof host !== 'string' || host === '') throw new UsageError('cairn.backup.finished needs detail.host');
  if (!OUTCOMES.includes(status as BackupOutcome)) throw new UsageError(`detail.status must be one of ${OUTCOMES.join(', ')}, not ${JSON.stringify(status)}`);
  const time = typeof d['time'] === 'string' ? d['time'] : typeof eventTime === 'string' ? eventTime : deps.now.toISOString();
  const previous = await readHost(deps.control, host);
  // An incomplete backup still wrote a snapshot; only a failed one leaves the host without a fresh backup.
  const ok = status !== 'failed';
  const record: HostRecord = {
    host,
    snapshotId: typeof d['snapshotId'] === 'string' ? d['snapshotId'] : null,
    status: status as BackupOutcome,
    time,
    stats: typeof d['stats'] === 'object' && d['stats'] !== null ? (d['stats'] as Record<string, unknown>) : {},
    lastSuccess: ok ? time : (previous?.lastSuccess ?? null),
    alertedAt: ok ? null : (previous?.alertedAt ?? null),
  };
  await writeHost(deps.control, record);
  deps.log.info('backup recorded', { host, status, snapshotId: record.snapshotId });
  return record;
}

async function findSilentHosts(deps: MonitorDependencies): Promise<{ silent: string[]; alerted: string[] }> {
  const maxAgeMs = deps.env.missedBackupHours * 3600_000;
  const silent = silentHosts(await listHosts(deps.control), deps.now, maxAgeMs);
  const due = silent.filter((r) => !r.alertedAt || deps.now.getTime() - Date.parse(r.alertedAt) >= REALERT_MS);
  if (due.length > 0) {
    const lines = due.map((r) => `${r.host}: last successful backup ${r.lastSuccess ?? 'never'}; latest report ${r.status} at ${r.time}`);
    await deps.alerts.publish(
      `cairn: ${due.length} host(s) without a backup for ${deps.env.missedBackupHours} h`,
      `No successful backup in the last ${deps.env.missedBackupHours} hours:\n${lines.join('\n')}`,
    );
    // Remember the alert only after it went out, so a failed publish is tried again next hour.
    for (const r of due) await writeHost(deps.control, { ...r, alertedAt: deps.now.toISOString() });
  }
  deps.log.info('hosts checked', { silent: silent.map((r) => r.host), alerted: due.map((r) => r.host) });
  return { silent: silent.map((r) => r.host), alerted: due.map((r) => r.host) };
}
