// A pack assembled in a temp file, as restic assembles its packs: a backup keeps several packs on their way
// (one filling per blob type, some uploading), and holding each 16 MiB pack in memory was most of the
// backup's peak memory. Blobs are appended with positional writes on libuv's thread pool (small blobs are
// gathered into a staging buffer first, so 50k small files do not cost 50k writes), and the pack's SHA-256
// is computed as the bytes go by, so finishing needs no second read.
import { createHash, randomBytes, type Hash } from 'node:crypto';
import { closeSync, openSync, unlink, write } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StorageError, type BlobType, type Id } from '../core/index.js';
import { seal, type MasterKey } from '../crypto/index.js';
import { encodePackHeader, type PackBlob } from '../format/index.js';
import type { EncodedBlob } from './pack-writer.js';

/** Small blobs are copied into a staging buffer of this size and written together. */
const STAGING_BYTES = 1024 * 1024;
/** A blob at least this large is written straight from its own buffer instead of being staged. */
const DIRECT_BYTES = STAGING_BYTES / 4;
/** Staging buffers whose writes completed, kept for the next ones (writes in flight hold the others). */
const spareStaging: Buffer[] = [];
const MAX_SPARE_STAGING = 4;

/** A finished pack: its ID, its header entries and the file holding its bytes. */
export interface FinishedPackFile {
  readonly id: Id;
  readonly path: string;
  readonly size: number;
  readonly blobs: PackBlob[];
}

export interface PackFileOptions {
  /** Folder for the temp file. @default os.tmpdir() ($TMPDIR, as restic uses) */
  readonly dir?: string;
  /** Called whenever a write completes, so a caller waiting on writtenBehind() can look again. */
  readonly onWritten?: () => void;
}

export class PackFile {
  readonly type: BlobType;
  readonly path: string;
  private fd: number | undefined;
  private readonly hash: Hash = createHash('sha256');
  private readonly blobs: PackBlob[] = [];
  private readonly onWritten: (() => void) | undefined;
  /** Bytes appended (staged or written), i.e. the file offset of the next blob. */
  private offset = 0;
  private staging: Buffer | undefined;
  /** File offset of staging[0]. */
  private stagingStart = 0;
  private stagingUsed = 0;
  private writesInFlight = 0;
  private bytesInFlight = 0;
  private drained: (() => void)[] = [];
  private failure: Error | undefined;

  /** Opens a fresh temp file for a pack of `type`; fails with a StorageError that names the folder. */
  constructor(type: BlobType, opts: PackFileOptions = {}) {
    const dir = opts.dir ?? tmpdir();
    this.type = type;
    this.path = join(dir, `cairn-pack-${randomBytes(8).toString('hex')}`);
    this.onWritten = opts.onWritten;
    try {
      this.fd = openSync(this.path, 'wx', 0o600);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new StorageError(`cannot create a pack file in ${dir} (set TMPDIR to a writable folder with room): ${reason}`, false, { cause: err });
    }
  }

  /** Bytes of blobs appended so far (the header comes at finish). */
  get size(): number {
    return this.offset;
  }

  get count(): number {
    return this.blobs.length;
  }

  /** Bytes handed to the thread pool and not yet on disk (page cache): what this pack holds in memory. */
  get pendingBytes(): number {
    return this.bytesInFlight + this.stagingUsed;
  }

  /** add appends a sealed blob. Its bytes are copied or written before the blob's buffer could be reused. */
  add(blob: EncodedBlob): void {
    this.throwIfFailed();
    const entry: PackBlob = { type: blob.type, id: blob.id, offset: this.offset, length: blob.stored.length };
    if (blob.uncompressedLength > 0) entry.uncompressedLength = blob.uncompressedLength;
    this.blobs.push(entry);
    this.append(blob.stored, blob.release);
  }

  /**
   * finish appends the sealed header and its length, waits until every byte is in the file and closes it.
   * The pack's ID is the SHA-256 of all its bytes.
   */
  async finish(key: MasterKey): Promise<FinishedPackFile> {
    const header = seal(key, encodePackHeader(this.blobs));
    const length = Buffer.alloc(4);
    length.writeUInt32LE(header.length);
    this.append(header);
    this.append(length);
    this.flushStaging();
    await this.whenWritten();
    this.close();
    this.throwIfFailed();
    return { id: this.hash.digest('hex'), path: this.path, size: this.offset, blobs: this.blobs };
  }

  /** discard closes and removes the file; safe to call at any time, more than once. */
  async discard(): Promise<void> {
    await this.whenWritten().catch(() => undefined);
    this.close();
    await removePackFile(this.path);
  }

  /** append adds bytes at the end; `release` is called once they are copied or written. */
  private append(bytes: Uint8Array, release?: () => void): void {
    this.hash.update(bytes);
    if (bytes.length >= DIRECT_BYTES) {
      this.flushStaging();
      this.writeAt(bytes, this.offset, release);
      this.offset += bytes.length;
      return;
    }
    if (this.staging !== undefined && this.stagingUsed + bytes.length > this.staging.length) this.flushStaging();
    if (this.staging === undefined) {
      this.staging = spareStaging.pop() ?? Buffer.allocUnsafeSlow(STAGING_BYTES);
      this.stagingStart = this.offset;
      this.stagingUsed = 0;
    }
    this.staging.set(bytes, this.stagingUsed);
    release?.();
    this.stagingUsed += bytes.length;
    this.offset += bytes.length;
  }

  private flushStaging(): void {
    const staging = this.staging;
    if (staging === undefined) return;
    this.staging = undefined;
    const used = this.stagingUsed;
    this.stagingUsed = 0;
    this.writeAt(staging.subarray(0, used), this.stagingStart, () => {
      if (spareStaging.length < MAX_SPARE_STAGING) spareStaging.push(staging);
    });
  }

  /** writeAt writes `bytes` at `position` in the background, then calls `finished` (also after a failure). */
  private writeAt(bytes: Uint8Array, position: number, finished: (() => void) | undefined): void {
    if (this.fd === undefined || this.failure !== undefined) {
      finished?.();
      return;
    }
    this.writesInFlight++;
    this.bytesInFlight += bytes.length;
    const fd = this.fd;
    let done = 0;
    const settle = (err: Error | null, count = 0): void => {
      done += count;
      if (err === null && done < bytes.length) {
        // A short write (rare on local files): write the rest.
        write(fd, bytes, done, bytes.length - done, position + done, settle);
        return;
      }
      this.writesInFlight--;
      this.bytesInFlight -= bytes.length;
      if (err !== null) this.failure ??= new StorageError(`writing pack file ${this.path} failed: ${err.message}`, false, { cause: err });
      finished?.();
      if (this.writesInFlight === 0) {
        const waiters = this.drained;
        this.drained = [];
        for (const w of waiters) w();
      }
      this.onWritten?.();
    };
    write(fd, bytes, 0, bytes.length, position, settle);
  }

  private whenWritten(): Promise<void> {
    if (this.writesInFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.drained.push(resolve));
  }

  private close(): void {
    if (this.fd === undefined) return;
    const fd = this.fd;
    this.fd = undefined;
    try {
      closeSync(fd);
    } catch (err) {
      this.failure ??= new StorageError(`closing pack file ${this.path} failed: ${err instanceof Error ? err.message : String(err)}`, false, { cause: err });
    }
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
  }
}

/** removePackFile deletes a pack's temp file; one that is already gone is fine. */
export function removePackFile(path: string): Promise<void> {
  return new Promise((resolve) => unlink(path, () => resolve()));
}
