// Reading one pack for --read-data: the whole file in one request, then verifyPack's checks (hash, header
// against the index, every blob), on a worker thread when there is one. A damaged pack never throws: each
// problem is a finding naming the pack and, where there is one, the blob.
import { NotFoundError } from '../../core/index.js';
import type { IndexBlob } from '../../format/index.js';
import type { Repository } from '../../repository/index.js';
import type { ByteBudget } from './byte-budget.js';
import type { PackVerifier } from './pack-verifier.js';
import type { Finding, PackToRead } from './types.js';

export type PackReadResult = { errors: Finding[]; bytes: number; blobs: number };

/** How readPack gets to verify a pack: the verifier, and the budget its bytes count against until verified. */
export type PackReading = { readonly verifier: PackVerifier; readonly budget: ByteBudget };

/**
 * readPack downloads `pack` and verifies it against `indexed`, the index's entries for it. Returns the
 * findings (all errors) and what was read. A pack that has vanished is a `pack-missing` finding; other
 * storage failures throw, so that the work item is retried rather than the pack declared damaged.
 */
export async function readPack(repo: Repository, pack: PackToRead, indexed: readonly IndexBlob[], reading: PackReading): Promise<PackReadResult> {
  const prefix = `pack ${pack.id.slice(0, 8)}: `;
  await reading.budget.acquire(pack.size);
  try {
    let bytes: Buffer;
    let lent: ArrayBuffer | undefined;
    try {
      bytes = await repo.backend.read('data', pack.id, undefined, (length) => (lent = reading.verifier.allocate(length)));
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
      return { errors: [{ kind: 'pack-missing', pack: pack.id, message: `${prefix}does not exist in the repository` }], bytes: 0, blobs: 0 };
    }
    const length = bytes.length;
    // The verifier takes its buffer back only if the backend read into it (S3's client brings its own).
    const verdict = await reading.verifier.verify(pack.id, bytes, indexed, bytes.buffer === lent);
    const errors = verdict.problems.map((p): Finding => ({
      kind: p.kind,
      pack: pack.id,
      ...(p.blob ? { blob: p.blob.id, blobType: p.blob.type } : {}),
      message: prefix + p.message,
    }));
    return { errors, bytes: length, blobs: verdict.blobs };
  } finally {
    reading.budget.release(pack.size);
  }
}
