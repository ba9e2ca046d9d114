// Repack batches: the prune job's work items. Repacked packs are grouped into batches of about 256 MiB of
// pack bytes, so one Lambda invocation reads, verifies and rewrites a batch in a few minutes (at ~60 MB/s),
// well inside its 15-minute limit. A batch carries everything its worker needs (pack IDs and the blobs to
// keep with their offsets), so a worker needs no index.
import type { RepackPack } from './plan.js';

/** Default bytes of old packs per work item. */
export const DEFAULT_BATCH_BYTES = 256 * 1024 * 1024;

/** One work item: packs to read and the blobs to copy out of each. */
export interface RepackBatch {
  packs: RepackPack[];
}

/**
 * repackBatches splits the plan's repack list into batches of at most `maxBytes` of pack size (a single
 * larger pack gets a batch of its own). Packs without blobs to keep need no work and are left out; they
 * are deleted at commit like the others. Order is kept: tree packs, which restic repacks first, come first.
 */
export function repackBatches(repack: readonly RepackPack[], maxBytes = DEFAULT_BATCH_BYTES): RepackBatch[] {
  const batches: RepackBatch[] = [];
  let current: RepackPack[] = [];
  let bytes = 0;
  for (const pack of repack) {
    if (pack.keep.length === 0) continue;
    if (current.length > 0 && bytes + pack.size > maxBytes) {
      batches.push({ packs: current });
      current = [];
      bytes = 0;
    }
    current.push(pack);
    bytes += pack.size;
  }
  if (current.length > 0) batches.push({ packs: current });
  return batches;
}
