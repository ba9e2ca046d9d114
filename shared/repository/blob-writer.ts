// Saving blobs: deduplicate against the index and against blobs already on their way, have them compressed
// and sealed (by an encoder pool of worker threads when one can be started, else on this thread), fill one
// pack per blob type in arrival order, and upload full packs concurrently. Packs are assembled in temp
// files (pack-file.ts), so a pack on its way costs disk, not memory. Memory is bounded: save() waits while
// too many plaintext bytes are being encoded or written, or a finished pack is waiting for an upload slot.
// A pack enters the index only after its upload finished: an index never names a pack that is not stored.
import { availableParallelism } from 'node:os';
import type { BlobType, Id } from '../core/index.js';
import { DEFAULT_PACK_SIZE, encodeBlob, type EncodedBlob } from './pack-writer.js';
import { PackFile, removePackFile, type FinishedPackFile } from './pack-file.js';
import { EncoderPool } from './encoder-pool.js';
import type { MasterIndex } from './master-index.js';
import type { IndexWriter } from './index-writer.js';
import type { Repository } from './repository.js';

export interface BlobWriterOptions {
  /** Target pack size in bytes (restic's default 16 MiB). */
  readonly packSize?: number;
  /** Uploads in flight at most. */
  readonly uploads?: number;
  /**
   * Worker threads that compress and seal; 0 encodes on the calling thread. Default: one fewer than the
   * CPUs, at least one — the calling thread is busy reading, chunking and hashing (on 2 cores one worker
   * measured faster than two, and one malloc arena and worker heap, ~30–50 MB, smaller). Without
   * a loadable worker script (e.g. in a single-file bundle) blobs are encoded on the calling thread.
   */
  readonly encoderThreads?: number;
  /** Plaintext bytes being encoded at most before save() waits (default 4 MiB); also the bound on bytes being written to pack files. */
  readonly maxEncodingBytes?: number;
  /** Folder for the packs being assembled. @default os.tmpdir() */
  readonly tempDir?: string;
  /** Count what would be stored, but upload nothing (backup --dry-run). */
  readonly dryRun?: boolean;
  /** Called after each pack is stored and indexed. */
  readonly onPack?: (pack: { id: Id; size: number; blobs: number }) => void;
}

export interface BlobWriterStats {
  dataBlobs: number;
  treeBlobs: number;
  /** Bytes of new blobs as stored (compressed and sealed), restic's `data_added`. */
  bytesAdded: number;
  /** Bytes of new blob plaintext. */
  plainAdded: number;
  packs: number;
  /** Bytes of pack files uploaded. */
  bytesUploaded: number;
}

export class BlobWriter {
  private readonly repo: Repository;
  private readonly index: MasterIndex;
  private readonly indexWriter: IndexWriter;
  private readonly packSize: number;
  private readonly maxUploads: number;
  private readonly maxEncodingBytes: number;
  private readonly threads: number;
  private readonly onPack: BlobWriterOptions['onPack'];
  private readonly dryRun: boolean;
  private readonly tempDir: string | undefined;
  private readonly open: Record<BlobType, PackFile | undefined> = { data: undefined, tree: undefined };
  /** Blobs accepted but not yet indexed, keyed by type and ID. */
  private readonly pending = new Set<string>();
  /** undefined until the first save; null when blobs are encoded on this thread. */
  private pool: EncoderPool | null | undefined;
  private readonly encodings = new Set<Promise<void>>();
  private encodingBytes = 0;
  /** Packs whose last bytes are being written; they join `ready` when their file is complete. */
  private readonly finishing = new Set<Promise<void>>();
  /** Finished packs waiting for an upload slot. */
  private readonly ready: FinishedPackFile[] = [];
  private readonly uploads = new Set<Promise<void>>();
  /** save() calls waiting for room; woken whenever an encode or an upload settles. */
  private waiters: (() => void)[] = [];
  private failure: unknown;
  readonly stats: BlobWriterStats = { dataBlobs: 0, treeBlobs: 0, bytesAdded: 0, plainAdded: 0, packs: 0, bytesUploaded: 0 };

  constructor(repo: Repository, index: MasterIndex, indexWriter: IndexWriter, opts: BlobWriterOptions = {}) {
    this.repo = repo;
    this.index = index;
    this.indexWriter = indexWriter;
    this.packSize = opts.packSize ?? DEFAULT_PACK_SIZE;
    this.maxUploads = opts.uploads ?? 2;
    this.maxEncodingBytes = opts.maxEncodingBytes ?? 4 * 1024 * 1024;
    this.threads = opts.encoderThreads ?? Math.max(1, availableParallelism() - 1);
    this.onPack = opts.onPack;
    this.dryRun = opts.dryRun ?? false;
    this.tempDir = opts.tempDir;
  }

  /** has tells whether a blob is stored or on its way; such a blob need not be saved again. */
  has(type: BlobType, id: Id): boolean {
    return this.pending.has(type + id) || this.index.has(type, id);
  }

  /**
   * save stores a blob unless it is known. Returns true when it was new. `plaintext` is the blob's bytes,
   * whole or in pieces to be joined; it is consumed (encoded or copied) before save returns its promise, so the caller may reuse the buffer at once. The promise
   * applies backpressure: it waits while too much is being encoded or uploads are saturated. An earlier
   * failure (encoding or upload) is thrown here.
   */
  async save(type: BlobType, id: Id, plaintext: Uint8Array | readonly Uint8Array[]): Promise<boolean> {
    this.throwIfFailed();
    const key = type + id;
    if (this.pending.has(key) || this.index.has(type, id)) return false;
    this.pending.add(key);
    const pool = (this.pool ??= (this.threads > 0 ? EncoderPool.create(this.repo.key, this.repo.version, this.threads) : undefined) ?? null);
    if (pool === null) {
      const whole = plaintext instanceof Uint8Array ? plaintext : Buffer.concat(plaintext);
      this.add(encodeBlob(this.repo.key, this.repo.version, type, id, whole), whole.length);
    } else {
      const size = plaintext instanceof Uint8Array ? plaintext.length : plaintext.reduce((n, p) => n + p.length, 0);
      this.encodingBytes += size;
      const encoding = pool.encode(type, id, plaintext).then(
        (blob) => this.addOrFail(blob, size),
        (err: unknown) => void (this.failure ??= err),
      );
      const tracked = encoding.finally(() => {
        this.encodingBytes -= size;
        this.encodings.delete(tracked);
        this.wake();
      });
      this.encodings.add(tracked);
    }
    while (this.failure === undefined && (this.encodingBytes > this.maxEncodingBytes || this.writingBytes() > this.maxEncodingBytes || this.ready.length > 0)) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    this.throwIfFailed();
    return true;
  }

  /** saveEncoded adds a blob that was already compressed and sealed; false when it is already known. */
  async saveEncoded(blob: EncodedBlob, plainLength: number): Promise<boolean> {
    this.throwIfFailed();
    const key = blob.type + blob.id;
    if (this.pending.has(key) || this.index.has(blob.type, blob.id)) return false;
    this.pending.add(key);
    this.add(blob, plainLength);
    while (this.failure === undefined && this.ready.length > 0) await new Promise<void>((resolve) => this.waiters.push(resolve));
    this.throwIfFailed();
    return true;
  }

  /** flush waits for every encode, uploads the partly filled packs and waits for every upload; call before writing the index. */
  async flush(): Promise<void> {
    while (this.encodings.size > 0) await Promise.all([...this.encodings]);
    this.throwIfFailed();
    for (const type of ['data', 'tree'] as const) this.finishPack(type);
    while (this.finishing.size > 0 || this.ready.length > 0 || this.uploads.size > 0) await Promise.all([...this.finishing, ...this.uploads]);
    this.throwIfFailed();
  }

  /**
   * close stops the encoder threads (idle threads never keep the process alive, but they hold memory) and
   * removes the temp files of packs that were never stored (after a failure or an interruption).
   */
  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    if (pool) await pool.close();
    const unfinished = [this.open.data, this.open.tree];
    this.open.data = this.open.tree = undefined;
    await Promise.allSettled([...this.finishing, ...this.uploads]);
    await Promise.all([...unfinished.map((p) => p?.discard()), ...this.ready.splice(0).map((p) => removePackFile(p.path))]);
  }

  /** Bytes handed to the file system and not yet written, over the open packs. */
  private writingBytes(): number {
    return (this.open.data?.pendingBytes ?? 0) + (this.open.tree?.pendingBytes ?? 0);
  }

  /** addOrFail is add for a blob that arrives from the encoder pool: a failure is kept for save() to throw. */
  private addOrFail(blob: EncodedBlob, plainLength: number): void {
    try {
      this.add(blob, plainLength);
    } catch (err) {
      this.failure ??= err;
    }
  }

  /** add appends an encoded blob to its type's pack and finishes the pack once it is full. */
  private add(blob: EncodedBlob, plainLength: number): void {
    const packer = (this.open[blob.type] ??= new PackFile(blob.type, { ...(this.tempDir !== undefined ? { dir: this.tempDir } : {}), onWritten: () => this.wake() }));
    packer.add(blob);
    if (blob.type === 'data') this.stats.dataBlobs++;
    else this.stats.treeBlobs++;
    this.stats.bytesAdded += blob.stored.length;
    this.stats.plainAdded += plainLength;
    if (packer.size >= this.packSize) this.finishPack(blob.type);
  }

  /** finishPack closes the open pack of `type`; once its file is complete it queues for an upload slot. */
  private finishPack(type: BlobType): void {
    const packer = this.open[type];
    this.open[type] = undefined;
    if (packer === undefined) return;
    if (packer.count === 0) {
      void packer.discard();
      return;
    }
    const finishing = packer.finish(this.repo.key).then(
      (pack) => {
        this.ready.push(pack);
        this.startUploads();
      },
      (err: unknown) => {
        this.failure ??= err;
        void packer.discard();
      },
    );
    const tracked = finishing.finally(() => {
      this.finishing.delete(tracked);
      this.wake();
    });
    this.finishing.add(tracked);
  }

  private startUploads(): void {
    while (this.uploads.size < this.maxUploads && this.ready.length > 0) {
      const pack = this.ready.shift()!;
      const upload = this.upload(pack)
        .catch((err: unknown) => void (this.failure ??= err))
        .finally(() => removePackFile(pack.path))
        .finally(() => {
          this.uploads.delete(upload);
          this.startUploads();
          this.wake();
        });
      this.uploads.add(upload);
    }
  }

  private async upload(pack: FinishedPackFile): Promise<void> {
    if (this.dryRun) {
      this.stats.packs++;
      this.stats.bytesUploaded += pack.size;
      return;
    }
    await this.repo.backend.write('data', pack.id, { path: pack.path, size: pack.size });
    this.index.addPack(pack.id, pack.blobs.map((b) => ({ id: b.id, type: b.type, offset: b.offset, length: b.length, uncompressed_length: b.uncompressedLength })));
    for (const b of pack.blobs) this.pending.delete(b.type + b.id);
    this.stats.packs++;
    this.stats.bytesUploaded += pack.size;
    await this.indexWriter.addPack(pack.id, pack.blobs);
    this.onPack?.({ id: pack.id, size: pack.size, blobs: pack.blobs.length });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
  }
}
