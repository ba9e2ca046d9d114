// Telling the cloud how a backup ended: with CAIRN_EVENT_BUS set, every backup — succeeded, incomplete or
// failed — puts a `cairn.backup.finished` event on the bus, so the monitor can alert on hosts that fail or go
// silent. Sending is best effort: a backup never fails because its event could not be sent.
import { emitBackupFinished, type BackupFinished } from '../remote/backup-event.js';
import type { Printer } from '../output/printer.js';
import { IncompleteBackupError } from '../exit.js';
import { summaryFields } from './report.js';
import type { BackupResult } from './run-backup.js';

/** Collects the result from inside the backup, so a failure after it still reports the snapshot. */
export interface OutcomeRecorder {
  result?: BackupResult;
}

/** withBackupEvent runs the backup and then sends its outcome (when a bus is configured). */
export async function withBackupEvent(printer: Printer, host: string, run: (recorder: OutcomeRecorder) => Promise<void>): Promise<void> {
  const bus = process.env.CAIRN_EVENT_BUS;
  const recorder: OutcomeRecorder = {};
  let status: BackupFinished['status'] = 'succeeded';
  try {
    await run(recorder);
  } catch (err) {
    status = err instanceof IncompleteBackupError ? 'incomplete' : 'failed';
    throw err;
  } finally {
    const r = recorder.result;
    // A dry run wrote nothing and is not a backup the monitor should count.
    const dryRun = r !== undefined && r.snapshotId === undefined && status !== 'failed';
    if (bus && !dryRun) {
      const stats = r ? summaryFields(r) : {};
      await emitBackupFinished(bus, { host, snapshotId: r?.snapshotId ?? null, status, stats }).catch((err: unknown) =>
        printer.warn(`could not send the backup-finished event to ${bus}: ${(err as Error).message}`),
      );
    }
  }
}
