// Repacking one batch: read the kept blobs of each old pack, verify them (MAC, decompression, ID), and write
// them into new packs, trees and data apart. New packs are uploaded but NOT indexed here: the batch returns
// their index entries and the commit writes one complete index. Until then the new packs are unreferenced,
// so a prune killed mid-way leaves only garbage that the next run deletes, never a dangling index entry.
import { PackCorruptError, type BlobType, type Reporter } from '../../core/index.js';
import type { IndexPack } from '../../format/index.js';
import { PackWriter, toIndexPack, type Repository } from '../../repository/index.js';
import type { RepackBatch } from './batches.js';
import { DEFAULT_VERIFY_THREADS, readVerified } from './repack-reader.js';

/** Room past the target size in a pack buffer: the blob that crosses the target, and the header. */
const PACK_SLACK = 1 << 20;

/** What a batch produced: the new packs, as index file entries. JSON, so it can travel between processes. */
export interface RepackResult {
  packs: IndexPack[];
  /** Bytes of old packs read. */
  bytesRead: number;
  /** Bytes of new packs written. */
  bytesWritten: number;
}

/**
 * repackBatch copies every kept blob of the batch into new packs of about `packSize` bytes and uploads them.
 * Idempotent in effect: a retry writes other new packs (fresh IVs give new names) and returns those; the
 * unindexed packs of a failed attempt are deleted by the next prune as unreferenced. Kept blobs are verified
 * on `threads` worker threads (0: on this one).
 */
export async function repackBatch(
  repo: Repository,
  batch: RepackBatch,
  packSize: number,
  reporter?: Reporter,
  threads = DEFAULT_VERIFY_THREADS,
): Promise<RepackResult> {
  const open: Record<BlobType, PackWriter | undefined> = { data: undefined, tree: undefined };
  const result: RepackResult = { packs: [], bytesRead: 0, bytesWritten: 0 };
  const uploads: Promise<void>[] = [];
  // Pack buffers come back here once their upload is done: a fresh writer grew its buffer by doubling from
  // 64 KiB, copying and discarding ~2 pack sizes of memory per new pack.
  const spare: Buffer[] = [];
  let failure: unknown;

  const finish = (type: BlobType): void => {
    const writer = open[type];
    open[type] = undefined;
    if (writer === undefined || writer.count === 0) return;
    const pack = writer.finish(repo.key);
    result.packs.push(toIndexPack(pack.id, pack.blobs));
    result.bytesWritten += pack.bytes.length;
    uploads.push(
      repo.backend.write('data', pack.id, pack.bytes).then(() => void spare.push(pack.buffer), (err: unknown) => void (failure ??= err)),
    );
  };

  for await (const { old, bytes, blobs, verdicts } of readVerified(repo, batch.packs.filter((p) => p.keep.length > 0), threads)) {
    result.bytesRead += bytes.length;
    for (let i = 0; i < blobs.length; i++) {
      const blob = blobs[i]!;
      const verdict = verdicts[i]!;
      if (verdict !== null && 'error' in verdict) {
        throw new PackCorruptError(old.packId, `${blob.type} blob ${blob.id.slice(0, 8)} cannot be read (${verdict.error}); prune stopped before deleting anything: run \`cairn check --read-data\``);
      }
      // A verified blob already in the right form keeps its stored bytes: re-encrypting would only change
      // the IV, and the blob's ID names its plaintext. An uncompressed one (v2) comes back compressed.
      const stored = verdict === null ? bytes.subarray(blob.offset, blob.offset + blob.length) : Buffer.from(verdict.stored.buffer, verdict.stored.byteOffset, verdict.stored.byteLength);
      const uncompressedLength = verdict === null ? blob.uncompressedLength : verdict.uncompressedLength;
      const writer = (open[blob.type] ??= new PackWriter(blob.type, spare.pop() ?? Buffer.allocUnsafe(packSize + PACK_SLACK)));
      writer.add({ type: blob.type, id: blob.id, stored, uncompressedLength });
      if (writer.size >= packSize) {
        finish(blob.type);
        // Keep at most two uploads in flight, which bounds memory to a few packs.
        if (uploads.length >= 2) await Promise.all(uploads.splice(0));
        if (failure !== undefined) throw failure;
      }
    }
    reporter?.log('debug', `repacked ${blobs.length} blobs of pack ${old.packId.slice(0, 8)}`);
  }
  finish('tree');
  finish('data');
  await Promise.all(uploads);
  if (failure !== undefined) throw failure;
  return result;
}
