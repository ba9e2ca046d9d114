// Reading a blob: find it in the index, fetch just its bytes from its pack, verify the MAC, decrypt,
// decompress, and check that the plaintext hashes to the blob's ID. A blob stored in several packs is
// tried in each before giving up, as restic does. Readers may pass the index of packs marked for deletion
// as a fallback: a snapshot written by a backup that deduplicated against a since-marked pack stays
// readable until the next prune recovers that pack.
import { CorruptDataError, hashId, type BlobType, type Id } from '../core/index.js';
import { open, openReusing, type MasterKey } from '../crypto/index.js';
import { zstdDecompress, zstdDecompressReusing } from '../compression/index.js';
import type { MasterIndex, BlobLocation } from './master-index.js';
import type { Repository } from './repository.js';

/** Largest plaintext a blob may claim: restic's chunks are ≤ 8 MiB; trees can be bigger but not unbounded. */
const MAX_BLOB_PLAINTEXT = 1 << 30;

/** decodeBlob turns a blob's stored bytes into its verified plaintext. */
export function decodeBlob(repo: Repository, loc: Pick<BlobLocation, 'uncompressedLength'>, id: Id, stored: Uint8Array): Buffer {
  return decodeBlobWithKey(repo.key, loc, id, stored);
}

/**
 * decodeBlobWithKey is decodeBlob given only the master key (a worker thread has no Repository). With
 * `reuse` the plaintext is a view of this thread's scratch buffers (openReusing, zstdDecompressReusing):
 * for callers that hash or re-encode it at once, as it is valid only until the next such call.
 */
export function decodeBlobWithKey(
  key: MasterKey,
  loc: Pick<BlobLocation, 'uncompressedLength'>,
  id: Id,
  stored: Uint8Array,
  reuse = false,
): Buffer {
  const sealedPlain = reuse ? openReusing(key, stored) : open(key, stored);
  const plain =
    loc.uncompressedLength <= 0
      ? sealedPlain
      : reuse
        ? zstdDecompressReusing(sealedPlain, loc.uncompressedLength)
        : zstdDecompress(sealedPlain, loc.uncompressedLength, MAX_BLOB_PLAINTEXT);
  if (hashId(plain) !== id) throw new CorruptDataError(`blob ${id.slice(0, 8)} does not match its ID (hash mismatch)`);
  return plain;
}

/**
 * readBlob returns the verified plaintext of a blob, or throws naming the blob and its pack. Live locations
 * are tried first, then those in `fallback` (marked packs, see LoadedIndex.marked).
 */
export async function readBlob(repo: Repository, index: MasterIndex, type: BlobType, id: Id, fallback?: MasterIndex): Promise<Buffer> {
  const locations = fallback ? [...index.lookupAll(type, id), ...fallback.lookupAll(type, id)] : index.lookupAll(type, id);
  if (locations.length === 0) throw new CorruptDataError(`${type} blob ${id.slice(0, 8)} is not in the index: run \`cairn check\``);
  let lastError: unknown;
  for (const loc of locations) {
    try {
      const stored = await repo.backend.read('data', loc.packId, { offset: loc.offset, length: loc.length });
      return decodeBlob(repo, loc, id, stored);
    } catch (err) {
      lastError = err;
    }
  }
  const where = locations.map((l) => l.packId.slice(0, 8)).join(', ');
  throw new CorruptDataError(`${type} blob ${id.slice(0, 8)} cannot be read from pack ${where}: ${(lastError as Error).message}`, { cause: lastError });
}
