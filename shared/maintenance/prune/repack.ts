// Repacking one batch: read the kept blobs of each old pack, verify them (MAC, decompression, ID), and write
// them into new packs, trees and data apart. New packs are uploaded but NOT indexed here: the batch returns
// their index entries and the commit writes one complete index. Until then the new packs are unreferenced,
// so a prune killed mid-way leaves only garbage that the next run deletes, never a dangling index entry.
import { PackCorruptError, type BlobType, type Id, type Reporter } from '../../core/index.js';
import type { IndexPack } from '../../format/index.js';
import { decodeBlob, encodeBlob, PackWriter, toIndexPack, type Repository } from '../../repository/index.js';
import type { RepackBatch } from './batches.js';
import type { RepackPack } from './plan.js';

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
 * unindexed packs of a failed attempt are deleted by the next prune as unreferenced.
 */
export async function repackBatch(repo: Repository, batch: RepackBatch, packSize: number, reporter?: Reporter): Promise<RepackResult> {
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

  const olds = batch.packs.filter((p) => p.keep.length > 0);
  // One read spanning all kept blobs: fewer requests than one per blob, and packs are at most tens of MiB.
  // The next pack is read while this one is verified and copied, so storage and CPU overlap.
  const readKept = (old: RepackPack): Promise<Buffer> => {
    const start = old.keep[0]!.offset;
    const last = old.keep[old.keep.length - 1]!;
    return repo.backend.read('data', old.packId, { offset: start, length: last.offset + last.length - start });
  };
  let next = olds.length > 0 ? readKept(olds[0]!) : undefined;
  for (let i = 0; i < olds.length; i++) {
    const old = olds[i]!;
    const span = await next!;
    next = i + 1 < olds.length ? readKept(olds[i + 1]!) : undefined;
    next?.catch(() => undefined); // awaited in the next round; a failure then is reported there
    const start = old.keep[0]!.offset;
    result.bytesRead += span.length;
    for (const blob of old.keep) {
      const stored = span.subarray(blob.offset - start, blob.offset - start + blob.length);
      let plain: Buffer;
      try {
        plain = decodeBlob(repo, { uncompressedLength: blob.uncompressed_length ?? 0 }, blob.id, stored);
      } catch (err) {
        throw new PackCorruptError(old.packId, `${blob.type} blob ${blob.id.slice(0, 8)} cannot be read (${(err as Error).message}); prune stopped before deleting anything: run \`cairn check --read-data\``, { cause: err });
      }
      const writer = (open[blob.type] ??= new PackWriter(blob.type, spare.pop() ?? Buffer.allocUnsafe(packSize + PACK_SLACK)));
      writer.add(reuseOrEncode(repo, blob.type, blob.id, stored, plain, blob.uncompressed_length ?? 0));
      if (writer.size >= packSize) {
        finish(blob.type);
        // Keep at most two uploads in flight, which bounds memory to a few packs.
        if (uploads.length >= 2) await Promise.all(uploads.splice(0));
        if (failure !== undefined) throw failure;
      }
    }
    reporter?.log('debug', `repacked ${old.keep.length} blobs of pack ${old.packId.slice(0, 8)}`);
  }
  finish('tree');
  finish('data');
  await Promise.all(uploads);
  if (failure !== undefined) throw failure;
  return result;
}

/**
 * reuseOrEncode keeps a verified blob's stored bytes when they are already in the right form (compressed in
 * v2, or any blob in v1): re-encrypting would only change the IV, and the blob's ID names its plaintext, not
 * its ciphertext. An uncompressed blob in a v2 repository is compressed now (restic does the same).
 */
function reuseOrEncode(repo: Repository, type: BlobType, id: Id, stored: Buffer, plain: Buffer, uncompressedLength: number) {
  if (repo.version === 1 || uncompressedLength > 0) return { type, id, stored: Buffer.from(stored), uncompressedLength };
  return encodeBlob(repo.key, repo.version, type, id, plain);
}
