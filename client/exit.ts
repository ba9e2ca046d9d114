// Outcomes that are not plain failures but need their own exit code.

/** The backup finished and wrote a snapshot, but some files could not be read (exit code 3, as restic). */
export class IncompleteBackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IncompleteBackupError';
  }
}
