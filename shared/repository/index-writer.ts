// Index files record which blobs live where. New packs are collected here and written out as index files:
// at the end of a job, and earlier when the pending list grows past restic's per-file blob limit, holds
// `maxPacks` packs, or its oldest pack has waited `maxAgeMs` — so a long backup that is interrupted (killed,
// out of power) keeps most of what it uploaded: the next run finds those packs in the index and skips their
// blobs. Packs uploaded but never indexed are unreferenced leftovers that restic check only mentions and
// prune removes.
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

/** When to write an index file before the job ends. Every field is optional. */
export interface IndexWriterOptions {
  /** Write once this many packs are pending. @default no limit (only the blob limit) */
  readonly maxPacks?: number;
  /** Write once the oldest pending pack is this old (checked as packs arrive). @default no limit */
  readonly maxAgeMs?: number;
  /** The clock for maxAgeMs, in milliseconds. @default Date.now */
  readonly now?: () => number;
}

export class IndexWriter {
  private readonly repo: Repository;
  private readonly maxPacks: number;
  private readonly maxAgeMs: number;
  private readonly now: () => number;
  private pending: IndexPack[] = [];
  private pendingBlobs = 0;
  private pendingSince = 0;
  private readonly written: Id[] = [];

  constructor(repo: Repository, opts: IndexWriterOptions = {}) {
    this.repo = repo;
    this.maxPacks = opts.maxPacks ?? Infinity;
    this.maxAgeMs = opts.maxAgeMs ?? Infinity;
    this.now = opts.now ?? Date.now;
  }

  /** IDs of the index files written so far. */
  get files(): readonly Id[] {
    return this.written;
  }

  get pendingPacks(): number {
    return this.pending.length;
  }

  /** addPack records an uploaded pack; writes an index file once the pending list is full or old. */
  async addPack(packId: Id, blobs: readonly PackBlob[]): Promise<void> {
    if (this.pending.length === 0) this.pendingSince = this.now();
    this.pending.push(toIndexPack(packId, blobs));
    this.pendingBlobs += blobs.length;
    if (this.pendingBlobs >= maxBlobsPerIndex(this.repo.version) || this.pending.length >= this.maxPacks || this.now() - this.pendingSince >= this.maxAgeMs) {
      await this.flush();
    }
  }

  /**
   * retainPending keeps only the pending packs for which `keep` holds and returns the IDs of the others.
   * A backup whose lock may have gone stale calls it with a fresh listing of data/ before its last flush: a
   * prune may have marked and deleted an unindexed pack meanwhile, and an index file naming a pack that is
   * not stored would make every later check fail. (Blobs of dropped packs are caught by re-validation.)
   */
  retainPending(keep: (packId: Id) => boolean): Id[] {
    const dropped: Id[] = [];
    const kept: IndexPack[] = [];
    for (const p of this.pending) {
      if (keep(p.id)) kept.push(p);
      else dropped.push(p.id);
    }
    this.pending = kept;
    this.pendingBlobs = kept.reduce((n, p) => n + p.blobs.length, 0);
    return dropped;
  }

  /**
   * flush writes every pending pack into one new index file (none if nothing is pending). Safe to call while
   * other packs arrive: the pending list is taken before the write, so a pack added meanwhile waits for the
   * next file instead of being dropped; on failure the taken packs are put back.
   */
  async flush(supersedes: readonly Id[] = []): Promise<Id | undefined> {
    if (this.pending.length === 0 && supersedes.length === 0) return undefined;
    const packs = this.pending;
    const blobs = this.pendingBlobs;
    this.pending = [];
    this.pendingBlobs = 0;
    const file: IndexFile = { packs };
    if (supersedes.length > 0) file.supersedes = [...supersedes];
    let id: Id;
    try {
      id = await this.repo.saveJson('index', encodeIndexFile(file));
    } catch (err) {
      if (this.pending.length === 0) this.pendingSince = this.now();
      this.pending = [...packs, ...this.pending];
      this.pendingBlobs += blobs;
      throw err;
    }
    this.written.push(id);
    return id;
  }
}
