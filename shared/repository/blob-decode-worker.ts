// The blob decoding pool's worker thread: decodes the blobs of each span it is sent (decodeSpanBlobs) and
// answers with their plaintexts in one transferred buffer, or the first blob's damage.
import { parentPort, workerData } from 'node:worker_threads';
import { CorruptDataError } from '../core/index.js';
import { decodeSpanBlobs } from './blob-decode.js';
import type { BlobDecodeReply, BlobDecodeRequest, BlobDecodeWorkerData } from './blob-decode-protocol.js';
import { masterKeyFromParts } from './worker-thread.js';

const key = masterKeyFromParts(workerData as BlobDecodeWorkerData);
const port = parentPort!;

port.on('message', (req: BlobDecodeRequest) => {
  let reply: BlobDecodeReply;
  try {
    const { plain, lengths } = decodeSpanBlobs(key, new Uint8Array(req.buffer), req.blobs);
    port.postMessage({ job: req.job, plain, lengths } satisfies BlobDecodeReply, [plain]);
    return;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    reply = err instanceof CorruptDataError ? { job: req.job, damage: message } : { job: req.job, failure: message };
  }
  port.postMessage(reply);
});
