// Reading index files while the lock is being acquired. Taking a lock costs a deliberate 200 ms pause (the
// re-check restic also makes), and every command that locks then reads the whole index: reading it during
// the pause saves up to that much on every backup, check and prune. It is safe because index files are
// immutable and named by their hash: the command still lists the index after its lock is held, takes the
// files it finds here and reads the rest itself, so a file a prune added or removed meanwhile is handled as
// if nothing had been read early. Bounded in bytes, and a file that fails to load is simply read again.
// Only read-only commands use it (check, restore) for now. Backup and prune used it too until a concurrency
// test failed with a tree missing; the cause turned out to be the test's zero clock margin (see
// test/interop/two-phase/support.ts), not the early read, but they keep the plain order until that is
// shown by enough runs of the two-phase concurrency tests.
import type { Id } from '../core/index.js';

/** Decrypted index bytes held at most (a large repository's index is read normally past this). */
const MAX_BYTES = 32 * 1024 * 1024;
const PARALLEL = 4;

export class IndexPrefetch {
  private readonly files = new Map<Id, Promise<Buffer | undefined>>();
  private stopped = false;
  private bytes = 0;

  /** start lists the index files and reads them, a few at a time, until stop() or the byte bound. */
  constructor(list: () => Promise<Id[]>, read: (id: Id) => Promise<Buffer>) {
    void this.run(list, read).catch(() => undefined);
  }

  /** stop starts no further reads; what was read stays until taken. */
  stop(): void {
    this.stopped = true;
  }

  /** take hands over the bytes of index file `id` if they were read here (once), else undefined. */
  take(id: Id): Promise<Buffer | undefined> | undefined {
    const file = this.files.get(id);
    if (file !== undefined) this.files.delete(id);
    return file;
  }

  private async run(list: () => Promise<Id[]>, read: (id: Id) => Promise<Buffer>): Promise<void> {
    const ids = await list();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (!this.stopped && this.bytes < MAX_BYTES && next < ids.length) {
        const id = ids[next++]!;
        const file = read(id).then(
          (bytes) => {
            this.bytes += bytes.length;
            return bytes;
          },
          () => undefined,
        );
        this.files.set(id, file);
        await file;
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
  }
}
