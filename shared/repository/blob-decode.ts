// Decoding the blobs of a span of pack bytes into one buffer (restore): each blob authenticates, decrypts,
// decompresses and hashes to its ID, and its plaintext is copied into place. Pure CPU work on bytes already
// read, so that it runs the same on the calling thread or in a worker (blob-decode-worker.ts).
import { SEAL_OVERHEAD, type MasterKey } from '../crypto/index.js';
import { decodeBlobWithKey } from './blob-reader.js';
import type { SpanBlob } from './blob-verify-protocol.js';

/** The plaintext length a blob's index entry promises (the stored length less IV and MAC when uncompressed). */
export function plaintextLength(blob: Pick<SpanBlob, 'length' | 'uncompressedLength'>): number {
  return blob.uncompressedLength > 0 ? blob.uncompressedLength : blob.length - SEAL_OVERHEAD;
}

/**
 * decodeSpanBlobs returns the plaintexts of `blobs` (in `span`), back to back in one new ArrayBuffer, with
 * their lengths. Throws what decodeBlobWithKey throws for the first blob that does not verify.
 */
export function decodeSpanBlobs(key: MasterKey, span: Uint8Array, blobs: readonly SpanBlob[]): { plain: ArrayBuffer; lengths: number[] } {
  // Sized by the index; a blob whose plaintext differs in length fails its hash or decompression first.
  const total = blobs.reduce((n, b) => n + Math.max(0, plaintextLength(b)), 0);
  const plain = new Uint8Array(total);
  const lengths: number[] = [];
  let at = 0;
  for (const b of blobs) {
    // Decoded into this thread's scratch buffers, then copied once into the reply.
    const decoded = decodeBlobWithKey(key, b, b.id, span.subarray(b.offset, b.offset + b.length), true);
    if (at + decoded.length > total) throw new RangeError(`blob ${b.id.slice(0, 8)} decoded to ${decoded.length} bytes, more than its index entry says`);
    plain.set(decoded, at);
    lengths.push(decoded.length);
    at += decoded.length;
  }
  return { plain: plain.buffer, lengths };
}
