// Read spans: the blobs wanted from a pack, grouped into as few range reads as pays. A storage request
// costs far more than the bytes between two nearby blobs (local: an open, a read and a close; S3: a round
// trip of tens of milliseconds against ~10 ms per MiB), so blobs less than `maxGap` apart share one read.
// Spans are capped so that one read's buffer stays bounded. Used wherever many blobs are read: prune's tree
// walk, backup's parent-tree read-ahead, copy.
import type { Id } from '../core/index.js';

/** A blob's place in its pack. */
export interface BlobPlace {
  readonly offset: number;
  readonly length: number;
}

/** One range read and the blobs it covers, in offset order. */
export interface ReadSpan<B extends BlobPlace> {
  readonly offset: number;
  readonly length: number;
  readonly blobs: B[];
}

/** Bytes between two blobs below which one read covers both. */
export const DEFAULT_MAX_GAP = 1 << 20;
/** Largest span worth merging into (a whole 16 MiB pack plus its header fits). */
export const DEFAULT_MAX_SPAN = 20 << 20;

/**
 * readSpans sorts `blobs` (all of one pack) by offset and groups neighbours into spans: a blob joins the
 * current span when the gap before it is at most `maxGap` and the span stays within `maxSpan` bytes (a
 * single larger blob gets a span of its own). Every blob is in exactly one span.
 */
export function readSpans<B extends BlobPlace>(blobs: readonly B[], maxGap = DEFAULT_MAX_GAP, maxSpan = DEFAULT_MAX_SPAN): ReadSpan<B>[] {
  const sorted = [...blobs].sort((a, b) => a.offset - b.offset);
  const spans: ReadSpan<B>[] = [];
  let start = 0;
  let end = 0;
  let current: B[] = [];
  for (const b of sorted) {
    const blobEnd = b.offset + b.length;
    if (current.length > 0 && b.offset - end <= maxGap && Math.max(end, blobEnd) - start <= maxSpan) {
      current.push(b);
      end = Math.max(end, blobEnd);
      continue;
    }
    if (current.length > 0) spans.push({ offset: start, length: end - start, blobs: current });
    current = [b];
    start = b.offset;
    end = blobEnd;
  }
  if (current.length > 0) spans.push({ offset: start, length: end - start, blobs: current });
  return spans;
}

/** A blob's place, with the pack it is in. */
export interface PackPlace extends BlobPlace {
  readonly packId: Id;
}

/** A read span of one pack. */
export interface PackSpan<B extends PackPlace> extends ReadSpan<B> {
  readonly packId: Id;
}

/** The two limits of readSpans, together. */
export interface SpanLimits {
  readonly maxGap: number;
  readonly maxSpan: number;
}

/** planSpans groups blobs of any packs by pack and then into read spans (see readSpans); packs are never merged. */
export function planSpans<B extends PackPlace>(blobs: readonly B[], limits: SpanLimits = { maxGap: DEFAULT_MAX_GAP, maxSpan: DEFAULT_MAX_SPAN }): PackSpan<B>[] {
  const byPack = new Map<Id, B[]>();
  for (const blob of blobs) {
    const list = byPack.get(blob.packId);
    if (list === undefined) byPack.set(blob.packId, [blob]);
    else list.push(blob);
  }
  const spans: PackSpan<B>[] = [];
  for (const [packId, list] of byPack) for (const span of readSpans(list, limits.maxGap, limits.maxSpan)) spans.push({ packId, ...span });
  return spans;
}
