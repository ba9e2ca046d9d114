// The encoder pool's worker thread: receives batches of blob plaintexts, compresses (v2) and seals each one
// as encodeBlob does, and answers with the stored bytes of the whole batch in one transferred buffer. A blob
// that fails is answered with its error message; the others in the batch are still encoded.
//
// Each blob is sealed straight into the reply buffer (no sealed copy per blob), and the request's buffer is
// sent back so the pool can fill it again: every large allocation freed on a thread fragments that
// thread's malloc arena, which is what made the resident size grow far beyond the bytes in use.
import { parentPort, workerData } from 'node:worker_threads';
import type { MasterKey } from '../crypto/index.js';
import { SEAL_OVERHEAD } from '../crypto/index.js';
import { sealInto } from '../crypto/seal.js';
import { zstdCompress } from '../compression/index.js';
import type { EncodeReply, EncodeRequest, EncoderWorkerData } from './encoder-protocol.js';

const data = workerData as EncoderWorkerData;
const key: MasterKey = { encrypt: Buffer.from(data.encrypt), macK: Buffer.from(data.macK), macR: Buffer.from(data.macR) };
const port = parentPort!;

port.on('message', (req: EncodeRequest) => {
  // First compress every blob (v1 stores the plaintext as it is), then size the reply and seal into it.
  const bodies: (Uint8Array | string)[] = req.jobs.map((job) => {
    const plaintext = new Uint8Array(req.buffer, job.offset, job.length);
    if (data.version === 1) return plaintext;
    try {
      // restic 0.14 in auto mode compresses every blob in v2, even if it grows; the format allows both.
      return zstdCompress(plaintext);
    } catch (err) {
      return err instanceof Error ? err.message : String(err);
    }
  });
  let total = 0;
  for (const body of bodies) if (typeof body !== 'string') total += body.length + SEAL_OVERHEAD;
  const out = new Uint8Array(total);
  let offset = 0;
  const results: EncodeReply['results'] = bodies.map((body, i) => {
    if (typeof body === 'string') return { error: body };
    try {
      const length = sealInto(key, body, out, offset);
      const result = { offset, length, uncompressedLength: data.version === 1 ? 0 : req.jobs[i]!.length };
      offset += length;
      return result;
    } catch (err) {
      // Its reserved bytes stay unused at the end of the reply.
      return { error: err instanceof Error ? err.message : String(err) };
    }
  });
  const reply: EncodeReply = { batch: req.batch, buffer: out.buffer, results, request: req.buffer };
  port.postMessage(reply, [out.buffer, req.buffer]);
});
