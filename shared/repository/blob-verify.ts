// Verifying the blobs of a span of pack bytes before they are copied into new packs (prune's repack): each
// must authenticate, decrypt, decompress and hash to its ID. A blob stored uncompressed in a v2 repository is
// compressed and sealed anew, as restic does when it repacks. Pure CPU work on bytes already read, so that it
// runs the same on the calling thread or in a worker (blob-verify-worker.ts).
import type { MasterKey } from '../crypto/index.js';
import { decodeBlobWithKey } from './blob-reader.js';
import type { BlobVerdict, SpanBlob } from './blob-verify-protocol.js';
import { encodeBlob } from './pack-writer.js';

/** verifySpanBlobs returns one verdict per blob of `span` (see BlobVerdict); it never throws for damage. */
export function verifySpanBlobs(key: MasterKey, version: 1 | 2, span: Uint8Array, blobs: readonly SpanBlob[]): BlobVerdict[] {
  return blobs.map((b) => {
    try {
      const stored = span.subarray(b.offset, b.offset + b.length);
      // Into reused buffers: the plaintext is hashed, and re-encoded (copied) before the next blob.
      const plain = decodeBlobWithKey(key, b, b.id, stored, true);
      if (version === 1 || b.uncompressedLength > 0) return null;
      const encoded = encodeBlob(key, version, b.type, b.id, plain);
      return { stored: encoded.stored, uncompressedLength: encoded.uncompressedLength };
    } catch (err) {
      return { error: err instanceof Error ? err.message : String(err) };
    }
  });
}
