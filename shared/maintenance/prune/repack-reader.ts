// Reading a repack batch's old packs ahead of their use, verified. For each old pack one range read spans its
// kept blobs (fewer requests than one per blob; packs are at most tens of MiB); every kept blob is then
// authenticated, decrypted, decompressed and hashed to its ID — on worker threads when they are available,
// which was most of repack's CPU time on the calling thread. A few packs are read and verified ahead while
// the caller copies the current one into new packs, so storage, workers and the caller overlap. Packs come
// out in batch order, so a batch's new packs are the same whatever the threads.
import { availableParallelism } from 'node:os';
import type { Repository } from '../../repository/index.js';
import type { BlobVerdict, SpanBlob } from '../../repository/blob-verify-protocol.js';
import { BlobVerifyPool } from '../../repository/blob-verify-pool.js';
import { verifySpanBlobs } from '../../repository/blob-verify.js';
import type { RepackPack } from './plan.js';

/** One old pack's kept blobs: the span's bytes, each blob's place in it, and one verdict per blob. */
export interface VerifiedPack {
  readonly old: RepackPack;
  readonly bytes: Buffer;
  readonly blobs: readonly SpanBlob[];
  readonly verdicts: readonly BlobVerdict[];
}

/** Verification threads by default: every core (the calling thread mostly waits on storage meanwhile). */
export const DEFAULT_VERIFY_THREADS = availableParallelism();

/**
 * readVerified yields each pack of `olds` (all with blobs to keep) with its verdicts, in order. With
 * `threads` < 1, a single pack, or no worker script (a single-file Lambda bundle), verification runs on
 * this thread. Storage errors reject; damaged blobs are verdicts, for the caller to report.
 */
export async function* readVerified(repo: Repository, olds: readonly RepackPack[], threads = DEFAULT_VERIFY_THREADS): AsyncGenerator<VerifiedPack> {
  const pool = olds.length > 1 ? BlobVerifyPool.create(repo.key, repo.version, threads) : undefined;
  // Packs being read or verified beyond the one in use: one per thread keeps them busy, and bounds memory.
  const ahead = (pool === undefined ? 0 : threads) + 1;
  const queue: Promise<VerifiedPack>[] = [];
  let next = 0;

  const readOne = async (old: RepackPack): Promise<VerifiedPack> => {
    const start = old.keep[0]!.offset;
    const last = old.keep[old.keep.length - 1]!;
    const span = await repo.backend.read('data', old.packId, { offset: start, length: last.offset + last.length - start });
    const blobs: SpanBlob[] = old.keep.map((b) => ({
      type: b.type, id: b.id, offset: b.offset - start, length: b.length, uncompressedLength: b.uncompressed_length ?? 0,
    }));
    if (pool === undefined) return { old, bytes: span, blobs, verdicts: verifySpanBlobs(repo.key, repo.version, span, blobs) };
    const verified = await pool.verify(span, blobs);
    return { old, bytes: verified.bytes, blobs, verdicts: verified.verdicts };
  };
  const launch = (): void => {
    const p = readOne(olds[next++]!);
    p.catch(() => undefined); // awaited in order below; a failure is reported there
    queue.push(p);
  };

  try {
    while (next < olds.length && queue.length < ahead) launch();
    while (queue.length > 0) {
      const verified = await queue.shift()!;
      if (next < olds.length) launch();
      yield verified;
    }
  } finally {
    await pool?.close();
  }
}
