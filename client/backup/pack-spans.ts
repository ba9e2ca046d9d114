// Planning ranged reads of blobs: blobs that sit close together in one pack are fetched with one read of the
// span that covers them, instead of one request each. A gap of a few unwanted bytes costs far less than a
// request (a file open locally, a round trip on S3).
import type { Id } from '../../shared/core/index.js';

/** Where a blob's stored bytes are: the pack and the byte range in it. */
export interface PackRange {
  readonly packId: Id;
  readonly offset: number;
  readonly length: number;
}

/** One read: `length` bytes from `offset` of one pack, covering every blob in `blobs` (in offset order). */
export interface PackSpan<T extends PackRange> {
  readonly packId: Id;
  readonly offset: number;
  readonly length: number;
  readonly blobs: readonly T[];
}

export interface SpanLimits {
  /** The most unwanted bytes read between two wanted blobs rather than starting a new read. */
  readonly maxGap: number;
  /** The most bytes one read may cover; a single blob longer than this still gets a read of its own. */
  readonly maxSpan: number;
}

/**
 * planSpans groups blobs by pack and merges those whose ranges are at most `maxGap` apart into one span of
 * at most `maxSpan` bytes. Every blob lands in exactly one span; spans of one pack do not overlap unless
 * the blobs' own ranges do.
 */
export function planSpans<T extends PackRange>(blobs: readonly T[], limits: SpanLimits): PackSpan<T>[] {
  const byPack = new Map<Id, T[]>();
  for (const blob of blobs) {
    const list = byPack.get(blob.packId);
    if (list === undefined) byPack.set(blob.packId, [blob]);
    else list.push(blob);
  }
  const spans: PackSpan<T>[] = [];
  for (const [packId, list] of byPack) {
    list.sort((a, b) => a.offset - b.offset);
    let members: T[] = [];
    let start = 0;
    let end = 0;
    for (const blob of list) {
      const blobEnd = blob.offset + blob.length;
      const fits = members.length > 0 && blob.offset - end <= limits.maxGap && Math.max(end, blobEnd) - start <= limits.maxSpan;
      if (fits) {
        members.push(blob);
        end = Math.max(end, blobEnd);
        continue;
      }
      if (members.length > 0) spans.push({ packId, offset: start, length: end - start, blobs: members });
      members = [blob];
      start = blob.offset;
      end = blobEnd;
    }
    if (members.length > 0) spans.push({ packId, offset: start, length: end - start, blobs: members });
  }
  return spans;
}
