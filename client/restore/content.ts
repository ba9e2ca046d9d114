// Restore, step three: create and fill the files. Blobs are fetched pack by pack (one ranged read covers
// neighbouring blobs), each blob is decrypted and verified once and written at every place it occurs, so
// shared chunks cost one download. A few packs are in flight at once, so reading overlaps decoding. A file
// is created when its first blob arrives (as restic does): creating inodes is the slowest thing a restore
// does on many file systems (~0.35 ms per open(O_CREAT) measured here), so each file is opened once, not
// once to create and again to fill.
//
// Blobs are decoded (authenticated, decrypted, decompressed, hashed) on worker threads when there is more
// than one core, so that this thread spends its time on the file system: one thread doing both was the
// limit (1 GB / 54k files: ~9 s of decoding plus ~8 s of system calls, one after the other).
//
// Writes are synchronous: they land in the page cache at memory speed, and a thread-pool round trip per
// write would cost more than the copy (see create.ts). File descriptors are opened on demand, closed after
// a file's last blob, and capped, so a snapshot whose files straddle many packs cannot run out of them.
import { closeSync, constants, openSync, writeSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { CorruptDataError, PackCorruptError, StorageError, type Id } from '../../shared/core/index.js';
import { BlobDecodePool, decodeBlob, plaintextLength, type BlobLocation, type MasterIndex, type Repository } from '../../shared/repository/index.js';
import { createFile } from './create.js';

export interface FileToFill {
  /** The file's path in the snapshot, for messages. */
  readonly path: string;
  /** Where the file is written on disk (created here, replacing whatever is there). */
  readonly target: string;
  readonly size: number;
  readonly content: readonly Id[];
}

export interface FillOptions {
  /** Packs read at once. @default 4 */
  readonly parallel?: number;
  /** Called after each write with the bytes written. */
  readonly onBytes?: (bytes: number) => void;
  /**
   * Called when a pack cannot be read or its blobs do not verify; `files` are the snapshot paths left incomplete.
   * The other packs are still restored.
   */
  readonly onPackError: (err: PackCorruptError, files: string[]) => void;
  /** Called when a file cannot be created or written (its other blobs are skipped). */
  readonly onFileError: (path: string, err: unknown) => void;
}

export interface FillResult {
  /** Packs that could not be read or verified. */
  readonly failedPacks: number;
  /** Snapshot paths of files that could not be created or written (they may be missing on disk). */
  readonly failedFiles: ReadonlySet<string>;
}

interface Placement {
  readonly file: number;
  readonly offset: number;
}

interface NeededBlob {
  readonly id: Id;
  readonly loc: BlobLocation;
  readonly places: Placement[];
}

/** Blobs closer than this in a pack are fetched in one read rather than two. */
const MAX_GAP = 1024 * 1024;
/** Open file descriptors kept between writes; beyond this the least recently used is closed. */
const MAX_OPEN_FILES = 256;
/** Decoding threads: every core but the one this thread keeps busy with the file system. */
const DECODE_THREADS = Math.min(availableParallelism() - 1, 4);

/**
 * fillFiles creates every file and writes its content. Files of a damaged pack are still created (at full
 * size, with holes), so the tree is complete and the damage is named once, by pack. A blob missing from the
 * index throws before anything is written (the snapshot needs `cairn check`). A full disk throws at once,
 * since every later write would fail the same way.
 */
export async function fillFiles(repo: Repository, index: MasterIndex, files: readonly FileToFill[], opts: FillOptions): Promise<FillResult> {
  const byPack = new Map<Id, Map<Id, NeededBlob>>();
  const remaining = new Array<number>(files.length).fill(0);
  files.forEach((file, fileNo) => {
    let offset = 0;
    for (const id of file.content) {
      const loc = index.lookup('data', id);
      if (loc === undefined) throw new CorruptDataError(`data blob ${id.slice(0, 8)} of ${file.path} is not in the index: run \`cairn check\``);
      let blobs = byPack.get(loc.packId);
      if (blobs === undefined) byPack.set(loc.packId, (blobs = new Map()));
      let needed = blobs.get(id);
      if (needed === undefined) blobs.set(id, (needed = { id, loc, places: [] }));
      needed.places.push({ file: fileNo, offset });
      remaining[fileNo]!++;
      offset += plaintextLength(loc);
    }
  });

  const fds = new FdCache(files, MAX_OPEN_FILES);
  const failedFiles = new Set<string>();
  const broken = new Set<number>();
  const write = (fileNo: number, plain: Buffer, offset: number): void => {
    if (broken.has(fileNo)) return;
    try {
      const fd = fds.get(fileNo);
      for (let done = 0; done < plain.length; ) done += writeSync(fd, plain, done, plain.length - done, offset + done);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOSPC') throw err;
      broken.add(fileNo);
      failedFiles.add(files[fileNo]!.path);
      fds.close(fileNo);
      opts.onFileError(files[fileNo]!.path, err);
    }
  };
  const packs = [...byPack.entries()];
  const decoder = packs.length > 0 ? BlobDecodePool.create(repo.key, DECODE_THREADS) : undefined;
  let failed = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < packs.length) {
      const [packId, blobs] = packs[next++]!;
      const sorted = [...blobs.values()].sort((a, b) => a.loc.offset - b.loc.offset);
      for (const group of groupNearby(sorted)) {
        let plains: Buffer[];
        try {
          plains = await readGroup(repo, packId, group, decoder);
        } catch (err) {
          failed++;
          const affected = new Set([...blobs.values()].flatMap((b) => b.places.map((p) => files[p.file]!.path)));
          opts.onPackError(asPackError(packId, err), [...affected].sort());
          break;
        }
        group.forEach((blob, i) => {
          const plain = plains[i]!;
          for (const place of blob.places) {
            write(place.file, plain, place.offset);
            opts.onBytes?.(plain.length);
            if (--remaining[place.file]! === 0) fds.close(place.file);
          }
        });
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(opts.parallel ?? 4, packs.length) }, worker));
    // Files no blob reached (their packs failed, or they have no content): create them now.
    files.forEach((_, fileNo) => {
      if (!fds.wasCreated(fileNo) && !broken.has(fileNo)) write(fileNo, Buffer.alloc(0), 0);
      fds.close(fileNo);
    });
  } finally {
    fds.closeAll();
    await decoder?.close();
  }
  return { failedPacks: failed, failedFiles };
}

/**
 * readGroup fetches one stretch of a pack and returns the verified plaintext of each blob in it, decoded by
 * `decoder`'s threads when there are some.
 */
async function readGroup(repo: Repository, packId: Id, group: NeededBlob[], decoder: BlobDecodePool | undefined): Promise<Buffer[]> {
  const start = group[0]!.loc.offset;
  const last = group[group.length - 1]!;
  const bytes = await repo.backend.read('data', packId, { offset: start, length: last.loc.offset + last.loc.length - start });
  if (decoder !== undefined) {
    const blobs = group.map(({ id, loc }) => ({ type: 'data' as const, id, offset: loc.offset - start, length: loc.length, uncompressedLength: loc.uncompressedLength }));
    return decoder.decode(bytes, blobs);
  }
  return group.map((blob) => decodeBlob(repo, blob.loc, blob.id, bytes.subarray(blob.loc.offset - start, blob.loc.offset - start + blob.loc.length)));
}

/** Damage (bad MAC, wrong hash, short file) names the pack; other failures keep their own message too. */
function asPackError(packId: Id, err: unknown): PackCorruptError {
  if (err instanceof PackCorruptError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const damaged = err instanceof CorruptDataError || (err instanceof StorageError && !err.transient);
  return new PackCorruptError(packId, damaged ? message : `cannot be read (${message})`, { cause: err });
}

function groupNearby(sorted: NeededBlob[]): NeededBlob[][] {
  const groups: NeededBlob[][] = [];
  let current: NeededBlob[] = [];
  let end = -1;
  for (const blob of sorted) {
    if (current.length > 0 && blob.loc.offset - end > MAX_GAP) {
      groups.push(current);
      current = [];
    }
    current.push(blob);
    end = blob.loc.offset + blob.loc.length;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/**
 * Open descriptors by file number, least recently used first (a Map keeps insertion order). The first
 * `get` of a file creates it; later ones (after an eviction) reopen it.
 */
class FdCache {
  private readonly open = new Map<number, number>();
  private readonly created: boolean[];

  constructor(
    private readonly files: readonly FileToFill[],
    private readonly limit: number,
  ) {
    this.created = new Array<boolean>(files.length).fill(false);
  }

  wasCreated(file: number): boolean {
    return this.created[file]!;
  }

  get(file: number): number {
    const fd = this.open.get(file);
    if (fd !== undefined) {
      this.open.delete(file);
      this.open.set(file, fd);
      return fd;
    }
    if (this.open.size >= this.limit) this.close(this.open.keys().next().value!);
    const { target, size } = this.files[file]!;
    let opened: number;
    if (this.created[file]) {
      // O_NOFOLLOW: we created this file; a symlink here now means someone swapped it.
      opened = openSync(target, constants.O_WRONLY | constants.O_NOFOLLOW);
    } else {
      opened = createFile(target, size);
      this.created[file] = true;
    }
    this.open.set(file, opened);
    return opened;
  }

  close(file: number): void {
    const fd = this.open.get(file);
    if (fd === undefined) return;
    this.open.delete(file);
    closeSync(fd);
  }

  closeAll(): void {
    for (const file of [...this.open.keys()]) this.close(file);
  }
}
