// The event a backup sends when it ends (`cairn.backup.finished`), so the cloud's monitor knows each host's
// last backup and can alert on machines that went silent. Sent by the backup command when CAIRN_EVENT_BUS
// is set; a failure to send is the caller's to report as a warning, never a failed backup.
import { putEvent, type BusOptions } from './event-bus.js';

/** detail-type of the event (cdk/lib/maintenance-events.ts BACKUP_FINISHED). */
export const BACKUP_FINISHED = 'cairn.backup.finished';

/** What a backup reports. */
export interface BackupFinished {
  readonly host: string;
  /** The snapshot written; null when the backup failed before writing one. */
  readonly snapshotId: string | null;
  /** succeeded; incomplete (snapshot written, some files unreadable: exit code 3); failed. */
  readonly status: 'succeeded' | 'incomplete' | 'failed';
  /** The backup's summary figures (restic's summary fields). */
  readonly stats: Record<string, unknown>;
}

/** emitBackupFinished puts the event on `bus` and returns its event id. */
export function emitBackupFinished(bus: string, outcome: BackupFinished, opts: BusOptions = {}): Promise<string> {
  return putEvent(bus, BACKUP_FINISHED, {
    host: outcome.host,
    snapshotId: outcome.snapshotId,
    status: outcome.status,
    stats: outcome.stats,
    time: new Date().toISOString(),
  }, opts);
}
