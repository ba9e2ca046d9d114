// What a backup tells its user: a live status line on a terminal, restic-shaped JSON lines with --json
// (status, error, summary), and a short summary otherwise. With -q only errors remain.
import { shortId } from '../../shared/core/index.js';
import type { BlobWriter } from '../../shared/repository/index.js';
import type { Printer } from '../output/printer.js';
import { formatBytes } from '../output/format.js';
import type { BackupCounters } from './counters.js';
import type { BackupResult } from './run-backup.js';

export class BackupReporter {
  errors = 0;
  private readonly started = Date.now();
  private lastJson = 0;

  constructor(private readonly printer: Printer) {}

  error(path: string, err: unknown): void {
    this.errors++;
    const message = err instanceof Error ? ((err as NodeJS.ErrnoException).code ? `${(err as NodeJS.ErrnoException).code}: ${err.message}` : err.message) : String(err);
    // restic prints its JSON error lines on stderr too, keeping stdout to status and summary lines.
    const line = this.printer.json ? JSON.stringify({ message_type: 'error', error: { message }, during: 'archival', item: path }) : `error: ${path}: ${message}`;
    this.printer.clearStatus();
    process.stderr.write(line + '\n');
  }

  changed(path: string): void {
    this.printer.warn(`${path} changed while it was being read; the stored copy may mix old and new content`);
  }

  progress(c: BackupCounters, w: BlobWriter): void {
    const seconds = (Date.now() - this.started) / 1000;
    if (this.printer.json) {
      if (Date.now() - this.lastJson < 1000) return;
      this.lastJson = Date.now();
      this.printer.jsonLine({ message_type: 'status', seconds_elapsed: Math.floor(seconds), files_done: c.items, bytes_done: c.bytes, error_count: this.errors || undefined });
      return;
    }
    const rate = seconds > 0 ? c.bytes / seconds : 0;
    this.printer.status(`[${formatDuration(seconds)}] ${c.items} files, ${formatBytes(c.bytes)} read (${formatBytes(rate)}/s), ${formatBytes(w.stats.bytesAdded)} new, ${w.stats.packs} packs stored${this.errors ? `, ${this.errors} errors` : ''}`);
  }

  summary(r: BackupResult): void {
    const c = r.counters;
    const s = r.writer.stats;
    if (this.printer.json) {
      this.printer.jsonLine({
        ...summaryFields(r),
        // Beyond restic's shape: the full ID (restic 0.15+ prints it in snapshot_id) and the upload volume.
        id: r.snapshotId,
        bytes_uploaded: s.bytesUploaded,
        dry_run: r.snapshotId === undefined || undefined,
      });
      return;
    }
    const p = this.printer;
    if (r.parent) p.info(`using parent snapshot ${shortId(r.parent)}`);
    p.info(`Files:       ${c.filesNew} new, ${c.filesChanged} changed, ${c.filesUnmodified} unmodified`);
    p.info(`Dirs:        ${c.dirsNew} new, ${c.dirsChanged} changed, ${c.dirsUnmodified} unmodified`);
    p.info(`Added to the repository: ${formatBytes(s.bytesAdded)} (${formatBytes(s.bytesUploaded)} uploaded in ${s.packs} packs)`);
    p.info(`processed ${c.items} files, ${formatBytes(c.bytes)} in ${formatDuration(r.durationMs / 1000)}`);
    p.info(r.snapshotId ? `snapshot ${shortId(r.snapshotId)} saved` : 'dry run: nothing was written');
  }
}

function formatDuration(seconds: number): string {
  const s = Math.floor(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** summaryFields are restic's backup summary fields, for --json and for the backup-finished event. */
export function summaryFields(r: BackupResult): Record<string, unknown> {
  const c = r.counters;
  const s = r.writer.stats;
  return {
    message_type: 'summary',
    files_new: c.filesNew,
    files_changed: c.filesChanged,
    files_unmodified: c.filesUnmodified,
    dirs_new: c.dirsNew,
    dirs_changed: c.dirsChanged,
    dirs_unmodified: c.dirsUnmodified,
    data_blobs: s.dataBlobs,
    tree_blobs: s.treeBlobs,
    data_added: s.bytesAdded,
    total_files_processed: c.items,
    total_bytes_processed: c.bytes,
    total_duration: r.durationMs / 1000,
    snapshot_id: r.snapshotId ? shortId(r.snapshotId) : undefined,
  };
}
