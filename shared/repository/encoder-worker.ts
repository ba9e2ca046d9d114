// The encoder pool's worker thread: receives batches of blob plaintexts, compresses (v2) and seals each one
// with encodeBlob, and answers with the stored bytes of the whole batch in one transferred buffer. A blob
// that fails is answered with its error message; the others in the batch are still encoded.
import { parentPort, workerData } from 'node:worker_threads';
import type { MasterKey } from '../crypto/index.js';
import { encodeBlob } from './pack-writer.js';
import type { EncodeReply, EncodeRequest, EncoderWorkerData } from './encoder-protocol.js';

const data = workerData as EncoderWorkerData;
const key: MasterKey = { encrypt: Buffer.from(data.encrypt), macK: Buffer.from(data.macK), macR: Buffer.from(data.macR) };
const port = parentPort!;

port.on('message', (req: EncodeRequest) => {
  const stored: (Buffer | undefined)[] = [];
  const results: EncodeReply['results'][number][] = [];
  let total = 0;
  for (const job of req.jobs) {
    try {
      const blob = encodeBlob(key, data.version, job.type, job.id, new Uint8Array(req.buffer, job.offset, job.length));
      stored.push(blob.stored);
      results.push({ offset: total, length: blob.stored.length, uncompressedLength: blob.uncompressedLength });
      total += blob.stored.length;
    } catch (err) {
      stored.push(undefined);
      results.push({ error: err instanceof Error ? err.message : String(err) });
    }
  }
  const out = new Uint8Array(total);
  stored.forEach((b, i) => {
    const r = results[i];
    if (b !== undefined && r !== undefined && 'offset' in r) out.set(b, r.offset);
  });
  const reply: EncodeReply = { batch: req.batch, buffer: out.buffer, results };
  port.postMessage(reply, [out.buffer]);
});
