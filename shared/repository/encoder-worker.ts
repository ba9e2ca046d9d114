// The encoder pool's worker thread: receives batches of blob plaintexts, compresses (v2) and seals each one
// as encodeBlob does, and answers with the stored bytes of the whole batch in one transferred buffer. A blob
// that fails is answered with its error message; the others in the batch are still encoded.
//
// Each blob is compressed straight into the reply buffer and sealed there in place, and reply buffers come
// back from the pool once their blobs are stored: no buffer is allocated per blob, and few per batch. Every
// large allocation freed on a thread fragments that thread's malloc arena and waits for a garbage
// collection that a worker with a tiny JavaScript heap rarely runs — together what made the resident size
// grow far beyond the bytes in use.
import { parentPort, workerData } from 'node:worker_threads';
import { masterKeyFromParts } from './worker-thread.js';
import { SEAL_OVERHEAD } from '../crypto/index.js';
import { sealInto } from '../crypto/seal.js';
import { zstdCompressBound, zstdCompressInto } from '../compression/index.js';
import type { EncodeReply, EncodeRequest, EncoderWorkerData } from './encoder-protocol.js';
import { SpareBuffers } from './spare-buffers.js';

const data = workerData as EncoderWorkerData;
const key = masterKeyFromParts(data);
const port = parentPort!;
/** Where the sealed bytes start: after the IV, so compression writes where the ciphertext goes. */
const IV_SIZE = 16;

/** Reply buffers handed back, reused for later replies up to this many bytes (most chunks are 1–2 MiB). */
const spare = new SpareBuffers(8 * 1024 * 1024);

/** encodeInto writes blob `plaintext` sealed at `offset` of `out` and returns its stored length. */
function encodeInto(plaintext: Uint8Array, out: Uint8Array, offset: number): number {
  if (data.version === 1) return sealInto(key, plaintext, out, offset);
  // restic 0.14 in auto mode compresses every blob in v2, even if it grows; the format allows both.
  const body = out.subarray(offset + IV_SIZE, offset + IV_SIZE + zstdCompressBound(plaintext.length));
  const length = zstdCompressInto(body, plaintext);
  return sealInto(key, body.subarray(0, length), out, offset);
}

port.on('message', (req: EncodeRequest) => {
  for (const buffer of req.recycled) spare.keep(buffer);
  // Room for every blob at its worst case; blobs are packed back to back, so compressed ones leave the
  // slack at the end.
  let room = 0;
  for (const job of req.jobs) room += zstdCompressBound(job.length) + SEAL_OVERHEAD;
  const out = new Uint8Array(spare.take(room));
  let offset = 0;
  const results: EncodeReply['results'] = req.jobs.map((job) => {
    try {
      const length = encodeInto(new Uint8Array(req.buffer, job.offset, job.length), out, offset);
      const result = { offset, length, uncompressedLength: data.version === 1 ? 0 : job.length };
      offset += length;
      return result;
    } catch (err) {
      return { error: err instanceof Error ? err.message : String(err) };
    }
  });
  const reply: EncodeReply = { batch: req.batch, buffer: out.buffer as ArrayBuffer, results, request: req.buffer };
  port.postMessage(reply, [out.buffer as ArrayBuffer, req.buffer]);
});
