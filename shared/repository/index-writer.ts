// Index files record which blobs live where. New packs are collected here and written out as index files:
// at the end of a job, and earlier when the pending list grows past restic's per-file blob limit, so a long
// backup that is interrupted keeps most of what it uploaded.
import type { Id } from '../core/index.js';
import { encodeIndexFile, type IndexFile, type IndexPack, type PackBlob } from '../format/index.js';
import type { Repository } from './repository.js';

/** restic starts a new index file after this many blobs (v2; 50 000 in v1). */
export function maxBlobsPerIndex(version: 1 | 2): number {
  return version === 2 ? 150_000 : 50_000;
}

/** toIndexPack converts a pack's header entries to the index file's shape. */
export function toIndexPack(packId: Id, blobs: readonly PackBlob[]): IndexPack {
  return {
    id: packId,
    blobs: blobs.map((b) =>
      b.uncompressedLength !== undefined && b.uncompressedLength > 0
        ? { id: b.id, type: b.type, offset: b.offset, length: b.length, uncompressed_length: b.uncompressedLength }
        : { id: b.id, type: b.type, offset: b.offset, length: b.length },
    ),
  };
}

export class IndexWriter {
  private readonly repo: Repository;
  private pending: IndexPack[] = [];
  private pendingBlobs = 0;
  private readonly written: Id[] = [];

  constructor(repo: Repository) {
    this.repo = repo;
  }

  /** IDs of the index files written so far. */
  get files(): readonly Id[] {
    return this.written;
  }

  get pendingPacks(): number {
    return this.pending.length;
  }

  /** addPack records an uploaded pack; writes an index file once the pending list is full. */
  async addPack(packId: Id, blobs: readonly PackBlob[]): Promise<void> {
    this.pending.push(toIndexPack(packId, blobs));
    this.pendingBlobs += blobs.length;
    if (this.pendingBlobs >= maxBlobsPerIndex(this.repo.version)) await this.flush();
  }

  /** flush writes every pending pack into one new index file (none if nothing is pending). */
  async flush(supersedes: readonly Id[] = []): Promise<Id | undefined> {
    if (this.pending.length === 0 && supersedes.length === 0) return undefined;
    const file: IndexFile = { packs: this.pending };
    if (supersedes.length > 0) file.supersedes = [...supersedes];
    const id = await this.repo.saveJson('index', encodeIndexFile(file));
    this.pending = [];
    this.pendingBlobs = 0;
    this.written.push(id);
    return id;
  }
}
