// Pack usage: prune's view of the index. Every index entry is classified as used (the first copy of a blob
// that some snapshot needs), duplicate (a further copy of such a blob) or unused; then each pack gets its
// used and unused bytes, its blob type (data, tree or mixed) and whether it holds uncompressed blobs. This
// is restic 0.14's packInfoFromIndex: the numbers it produces decide every pack's fate, so they must match.
import { CorruptDataError, type BlobType, type Id } from '../../core/index.js';
import { BlobSet } from './blob-set.js';
import { COMPRESSED_ENTRY_SIZE, HEADER_LENGTH_SIZE, PLAIN_ENTRY_SIZE, SEAL_OVERHEAD, type IndexBlob } from '../../format/index.js';

/** What prune reads of the index: every (pack, blob) entry; it is iterated several times. */
export interface IndexEntries {
  entries(): Iterable<{ packId: Id; blob: IndexBlob }>;
}

/** blobKey names a blob handle (type and ID) in sets: data and tree blobs with one ID are different blobs. */
export function blobKey(type: BlobType, id: Id): string {
  return type === 'tree' ? 't' + id : 'd' + id;
}

/** A pack's type as prune sees it: the type of all its blobs, or mixed. */
export type PackType = BlobType | 'mixed';

/** Usage of one indexed pack. Header bytes count as used, as in restic. */
export interface PackUsage {
  type: PackType;
  usedBlobs: number;
  unusedBlobs: number;
  usedBytes: number;
  unusedBytes: number;
  /** Some blob is stored without compression. */
  uncompressed: boolean;
}

/** Blob and byte counts of the index, split as restic reports them before deciding anything. */
export interface IndexUsage {
  used: { blobs: number; bytes: number };
  duplicate: { blobs: number; bytes: number };
  unused: { blobs: number; bytes: number };
}

export interface PackUsageResult {
  /** Per indexed pack, in the order packs first appear in the index. */
  packs: Map<Id, PackUsage>;
  /** Used blobs that are in the index: all of them, or the index is incomplete. */
  keep: BlobSet;
  totals: IndexUsage;
}

/**
 * computePackUsage classifies every index entry against the used blobs. Throws CorruptDataError ("index is
 * not complete") when a used blob has no index entry: prune must not start then, because deleting anything
 * could lose data that the index failed to describe.
 */
export function computePackUsage(index: IndexEntries, usedKeys: ReadonlySet<string>): PackUsageResult {
  const used = BlobSet.from(usedKeys);
  const keep = new BlobSet();
  // Copies of a used blob; restic saturates at 255, which only affects which copy is chosen.
  const duplicates = new Map<string, number>();
  const totals: IndexUsage = { used: { blobs: 0, bytes: 0 }, duplicate: { blobs: 0, bytes: 0 }, unused: { blobs: 0, bytes: 0 } };
  for (const { blob } of index.entries()) {
    if (!used.hasBlob(blob.type, blob.id)) {
      count(totals.unused, blob.length);
    } else if (keep.addBlob(blob.type, blob.id)) {
      count(totals.used, blob.length);
    } else {
      const key = blobKey(blob.type, blob.id);
      duplicates.set(key, Math.min((duplicates.get(key) ?? 1) + 1, 255));
      count(totals.duplicate, blob.length);
    }
  }
  if (keep.size !== used.size) {
    const missing = [...used].filter((k) => !keep.has(k));
    const first = missing[0]!;
    throw new CorruptDataError(
      `index is not complete: ${missing.length} used blob(s) are in no index file (e.g. ${first[0] === 't' ? 'tree' : 'data'} ${first.slice(1, 9)}); ` +
        'prune will not start, to avoid losing data: run `restic rebuild-index`, then `cairn check`',
    );
  }

  const packs = new Map<Id, PackUsage>();
  for (const { packId, blob } of index.entries()) {
    let p = packs.get(packId);
    if (p === undefined) {
      // The header (entries + seal + length field) is counted as used space of the pack.
      p = { type: blob.type, usedBlobs: 0, unusedBlobs: 0, usedBytes: SEAL_OVERHEAD + HEADER_LENGTH_SIZE, unusedBytes: 0, uncompressed: false };
      packs.set(packId, p);
    }
    p.usedBytes += blob.uncompressed_length ? COMPRESSED_ENTRY_SIZE : PLAIN_ENTRY_SIZE;
    if (p.type !== blob.type) p.type = 'mixed';
    if (!blob.uncompressed_length) p.uncompressed = true;
    if (duplicates.size > 0 && duplicates.has(blobKey(blob.type, blob.id))) continue; // assigned below
    if (keep.hasBlob(blob.type, blob.id)) {
      p.usedBlobs++;
      p.usedBytes += blob.length;
    } else {
      p.unusedBlobs++;
      p.unusedBytes += blob.length;
    }
  }

  // One copy of each duplicated blob becomes used: a copy in a pack that already has used blobs (so that
  // pack is kept anyway), else the last copy seen; the other copies count as unused.
  if (duplicates.size > 0) {
    for (const { packId, blob } of index.entries()) {
      const key = blobKey(blob.type, blob.id);
      const remaining = duplicates.get(key);
      if (remaining === undefined) continue;
      const p = packs.get(packId)!;
      if (remaining !== 0 && (p.usedBlobs > 0 || remaining === 1)) {
        p.usedBlobs++;
        p.usedBytes += blob.length;
        duplicates.set(key, 0);
      } else {
        p.unusedBlobs++;
        p.unusedBytes += blob.length;
        if (remaining !== 0) duplicates.set(key, remaining - 1);
      }
    }
  }
  return { packs, keep, totals };
}

function count(c: { blobs: number; bytes: number }, bytes: number): void {
  c.blobs++;
  c.bytes += bytes;
}
