// Reading packs ahead, while the plan still walks the trees. When plan and work items run in one process
// (the CLI), the verification threads would otherwise sit idle through the whole structure check and the
// data phase would start only after it; reading the packs to verify as soon as they are chosen overlaps
// the two. A work item takes the read it finds here, or claims the pack and reads it itself, so no pack is
// read twice. Memory stays bounded by the byte budget that every read holds while its pack is in memory.
import type { Id } from '../../core/index.js';
import type { IndexBlob } from '../../format/index.js';
import type { Repository } from '../../repository/index.js';
import { readPack, type PackReadResult, type PackReading } from './read-pack.js';
import type { PackToRead } from './types.js';

export class PackReadAhead {
  private readonly reads = new Map<Id, Promise<PackReadResult>>();
  private readonly claimed = new Set<Id>();
  private stopped = false;

  /** Starts reading `packs` in order, `parallel` at a time. */
  constructor(repo: Repository, packs: readonly PackToRead[], blobsOf: (pack: Id) => readonly IndexBlob[], reading: PackReading, parallel: number) {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (!this.stopped && next < packs.length) {
        const pack = packs[next++]!;
        if (this.claimed.has(pack.id)) continue;
        this.claimed.add(pack.id);
        const read = readPack(repo, pack, blobsOf(pack.id), reading);
        this.reads.set(pack.id, read);
        // A failure is the taker's to see; here it only ends this read.
        await read.catch(() => undefined);
      }
    };
    for (let i = 0; i < parallel; i++) void worker();
  }

  /** stop starts no further reads (those begun finish, and can still be taken). */
  stop(): void {
    this.stopped = true;
  }

  /**
   * take returns the read of `pack` begun here (once: a retried item reads again), or undefined after
   * claiming the pack, so that the caller reads it and this read-ahead skips it.
   */
  take(pack: Id): Promise<PackReadResult> | undefined {
    const read = this.reads.get(pack);
    this.reads.delete(pack);
    this.claimed.add(pack);
    return read;
  }
}
