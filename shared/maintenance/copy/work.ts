// One copy work item: read the listed blobs from their source packs (ranged reads, neighbouring blobs in one
// request), verify each against its ID, re-encrypt it under the target's master key, fill new target packs
// (data and trees apart) and upload them. No index is written here: the item returns the new packs' index
// entries and finalize indexes them all at once. A retried item uploads fresh packs (new IVs, new names);
// the packs of a failed attempt stay unindexed, and prune removes them.
import { hashId, PackCorruptError, type BlobType, type Id } from '../../core/index.js';
import { open, seal } from '../../crypto/index.js';
import { zstdDecompress } from '../../compression/index.js';
import type { IndexBlob, IndexPack } from '../../format/index.js';
import { DEFAULT_PACK_SIZE, PackWriter, encodeBlob, readSpans, toIndexPack, type EncodedBlob, type Repository } from '../../repository/index.js';
import type { CopyItem } from './plan.js';

/** Neighbouring blobs closer than this are fetched in one read (the gap is read and dropped). */
const MAX_GAP = 256 * 1024;
/** One read spans at most this many bytes (unless a single blob is larger); 32 MiB measured no faster, only bigger. */
const MAX_SPAN = 8 * 1024 * 1024;
/** restic's chunks are ≤ 8 MiB; a tree may be larger, but a claim beyond this is damage. */
const MAX_BLOB_PLAINTEXT = 1 << 30;

export interface CopyItemResult {
  /** The new target packs and their blobs, in index-file shape. */
  readonly packs: IndexPack[];
  readonly blobs: number;
  /** Source bytes read (blobs and the gaps between them). */
  readonly bytesRead: number;
  /** Bytes of new target pack files. */
  readonly bytesUploaded: number;
}

export interface CopyWorkOptions {
  /** Target pack size; restic's 16 MiB by default. */
  readonly packSize?: number;
  /** Pack uploads in flight at most. Default 2. */
  readonly uploads?: number;
}

/** copyItem copies one work item's blobs from `source` into new packs of `target`. */
export async function copyItem(source: Repository, target: Repository, item: CopyItem, opts: CopyWorkOptions = {}): Promise<CopyItemResult> {
  const packSize = opts.packSize ?? DEFAULT_PACK_SIZE;
  const maxUploads = opts.uploads ?? 2;
  const writers: Record<BlobType, PackWriter | undefined> = { data: undefined, tree: undefined };
  const uploads = new Set<Promise<void>>();
  const packs: IndexPack[] = [];
  let failure: unknown;
  let bytesRead = 0;
  let bytesUploaded = 0;
  let blobs = 0;

  const finish = async (type: BlobType): Promise<void> => {
    const writer = writers[type];
    writers[type] = undefined;
    if (!writer || writer.count === 0) return;
    while (uploads.size >= maxUploads) await Promise.race(uploads);
    if (failure !== undefined) throw failure;
    const pack = writer.finish(target.key);
    const upload = target.backend.write('data', pack.id, pack.bytes).then(
      () => {
        uploads.delete(upload);
        packs.push(toIndexPack(pack.id, pack.blobs));
        bytesUploaded += pack.bytes.length;
      },
      (err: unknown) => {
        uploads.delete(upload);
        failure ??= err;
      },
    );
    uploads.add(upload);
  };

  for (const pack of item.packs) {
    for (const span of readSpans(pack.blobs, MAX_GAP, MAX_SPAN)) {
      const bytes = await source.backend.read('data', pack.id, { offset: span.offset, length: span.length });
      bytesRead += bytes.length;
      for (const blob of span.blobs) {
        const stored = bytes.subarray(blob.offset - span.offset, blob.offset - span.offset + blob.length);
        const encoded = reencode(source, target, pack.id, blob, stored);
        const writer = (writers[blob.type] ??= new PackWriter(blob.type));
        writer.add(encoded);
        blobs++;
        if (writer.size >= packSize) await finish(blob.type);
      }
    }
  }
  await finish('data');
  await finish('tree');
  await Promise.all([...uploads]);
  if (failure !== undefined) throw failure;
  return { packs, blobs, bytesRead, bytesUploaded };
}

/**
 * reencode verifies a source blob and seals it for the target. A compressed blob going into a v2 target
 * keeps its zstd frame (decompressed only to check the ID), which spares recompressing every chunk; into a
 * v1 target it is stored plain, as v1 has no compression.
 */
function reencode(source: Repository, target: Repository, packId: Id, blob: IndexBlob, stored: Uint8Array): EncodedBlob {
  let opened: Buffer;
  let plain: Buffer;
  const compressedLength = blob.uncompressed_length ?? 0;
  try {
    opened = open(source.key, stored);
    plain = compressedLength > 0 ? zstdDecompress(opened, compressedLength, MAX_BLOB_PLAINTEXT) : opened;
  } catch (err) {
    throw new PackCorruptError(packId, `${blob.type} blob ${blob.id.slice(0, 8)} cannot be read: ${(err as Error).message}`, { cause: err });
  }
  if (hashId(plain) !== blob.id) throw new PackCorruptError(packId, `${blob.type} blob ${blob.id.slice(0, 8)} does not match its ID`);
  if (target.version === 2 && compressedLength > 0) {
    return { type: blob.type, id: blob.id, stored: seal(target.key, opened), uncompressedLength: compressedLength };
  }
  return encodeBlob(target.key, target.version, blob.type, blob.id, plain);
}
