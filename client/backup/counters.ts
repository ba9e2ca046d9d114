// What a backup did, in restic's summary terms (files/dirs new, changed, unmodified; bytes processed).
export type Change = 'new' | 'changed' | 'unmodified';

export class BackupCounters {
  filesNew = 0;
  filesChanged = 0;
  filesUnmodified = 0;
  dirsNew = 0;
  dirsChanged = 0;
  dirsUnmodified = 0;
  /** Regular files seen (restic's total_files_processed counts nothing else). */
  items = 0;
  bytes = 0;
  others = 0;

  file(change: Change, size: number): void {
    if (change === 'new') this.filesNew++;
    else if (change === 'changed') this.filesChanged++;
    else this.filesUnmodified++;
    this.items++;
    this.bytes += size;
  }

  dir(change: Change): void {
    if (change === 'new') this.dirsNew++;
    else if (change === 'changed') this.dirsChanged++;
    else this.dirsUnmodified++;
  }

  /** A symlink, device or fifo: recorded, but not a file in restic's summary. */
  otherItem(): void {
    this.others++;
  }
}
