// Saving blobs: deduplicate against the index and against blobs already on their way, fill one pack per blob
// type, and upload full packs concurrently with a bound on how many are in flight (which bounds memory).
// A pack enters the index only after its upload finished: an index never names a pack that is not stored.
import type { BlobType, Id } from '../core/index.js';
import { DEFAULT_PACK_SIZE, PackWriter, encodeBlob, type EncodedBlob, type FinishedPack } from './pack-writer.js';
import type { MasterIndex } from './master-index.js';
import type { IndexWriter } from './index-writer.js';
import type { Repository } from './repository.js';

export interface BlobWriterOptions {
  /** Target pack size in bytes (restic's default 16 MiB). */
  readonly packSize?: number;
  /** Uploads in flight at most; each holds one pack in memory. */
  readonly uploads?: number;
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
  private readonly onPack: BlobWriterOptions['onPack'];
  private readonly dryRun: boolean;
  private readonly open: Record<BlobType, PackWriter | undefined> = { data: undefined, tree: undefined };
  /** Blobs accepted but not yet indexed, keyed by type and ID. */
  private readonly pending = new Set<string>();
  private readonly uploads = new Set<Promise<void>>();
  private failure: unknown;
  readonly stats: BlobWriterStats = { dataBlobs: 0, treeBlobs: 0, bytesAdded: 0, plainAdded: 0, packs: 0, bytesUploaded: 0 };

  constructor(repo: Repository, index: MasterIndex, indexWriter: IndexWriter, opts: BlobWriterOptions = {}) {
    this.repo = repo;
    this.index = index;
    this.indexWriter = indexWriter;
    this.packSize = opts.packSize ?? DEFAULT_PACK_SIZE;
    this.maxUploads = opts.uploads ?? 2;
    this.onPack = opts.onPack;
    this.dryRun = opts.dryRun ?? false;
  }

  /** has tells whether a blob is stored or on its way; such a blob need not be saved again. */
  has(type: BlobType, id: Id): boolean {
    return this.pending.has(type + id) || this.index.has(type, id);
  }

  /**
   * save stores a blob unless it is known. Returns true when it was new. The returned promise also applies
   * backpressure: it waits while too many uploads are in flight.
   */
  async save(type: BlobType, id: Id, plaintext: Uint8Array): Promise<boolean> {
    if (this.has(type, id)) return false;
    return this.saveEncoded(encodeBlob(this.repo.key, this.repo.version, type, id, plaintext), plaintext.length);
  }

  /** saveEncoded adds a blob that was already compressed and sealed (e.g. by a worker thread). */
  async saveEncoded(blob: EncodedBlob, plainLength: number): Promise<boolean> {
    this.throwIfFailed();
    const key = blob.type + blob.id;
    if (this.pending.has(key) || this.index.has(blob.type, blob.id)) return false;
    this.pending.add(key);
    const packer = (this.open[blob.type] ??= new PackWriter(blob.type));
    packer.add(blob);
    if (blob.type === 'data') this.stats.dataBlobs++;
    else this.stats.treeBlobs++;
    this.stats.bytesAdded += blob.stored.length;
    this.stats.plainAdded += plainLength;
    if (packer.size >= this.packSize) await this.finishPack(blob.type);
    return true;
  }

  /** flush uploads the partly filled packs and waits for every upload; call before writing the index. */
  async flush(): Promise<void> {
    for (const type of ['data', 'tree'] as const) {
      if (this.open[type] !== undefined) await this.finishPack(type);
    }
    await Promise.all([...this.uploads]);
    this.throwIfFailed();
  }

  private async finishPack(type: BlobType): Promise<void> {
    const packer = this.open[type];
    this.open[type] = undefined;
    if (packer === undefined || packer.count === 0) return;
    while (this.uploads.size >= this.maxUploads) await Promise.race(this.uploads);
    this.throwIfFailed();
    const pack = packer.finish(this.repo.key);
    const upload = this.upload(pack).then(
      () => void this.uploads.delete(upload),
      (err: unknown) => {
        this.uploads.delete(upload);
        this.failure ??= err;
      },
    );
    this.uploads.add(upload);
  }

  private async upload(pack: FinishedPack): Promise<void> {
    if (this.dryRun) {
      this.stats.packs++;
      this.stats.bytesUploaded += pack.bytes.length;
      return;
    }
    await this.repo.backend.write('data', pack.id, pack.bytes);
    this.index.addPack(pack.id, pack.blobs.map((b) => ({ id: b.id, type: b.type, offset: b.offset, length: b.length, uncompressed_length: b.uncompressedLength })));
    for (const b of pack.blobs) this.pending.delete(b.type + b.id);
    this.stats.packs++;
    this.stats.bytesUploaded += pack.bytes.length;
    await this.indexWriter.addPack(pack.id, pack.blobs);
    this.onPack?.({ id: pack.id, size: pack.bytes.length, blobs: pack.blobs.length });
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
  }
}
