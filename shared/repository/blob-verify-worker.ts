// The blob verification pool's worker thread: verifies the blobs of each span it is sent (verifySpanBlobs)
// and answers with the verdicts, handing the span's buffer back with any newly encoded blobs.
import { parentPort, workerData } from 'node:worker_threads';
import { masterKeyFromParts } from './worker-thread.js';
import { verifySpanBlobs } from './blob-verify.js';
import type { BlobVerifyReply, BlobVerifyRequest, BlobVerifyWorkerData } from './blob-verify-protocol.js';

const data = workerData as BlobVerifyWorkerData;
const key = masterKeyFromParts(data);
const port = parentPort!;

port.on('message', (req: BlobVerifyRequest) => {
  let reply: BlobVerifyReply;
  try {
    reply = { job: req.job, buffer: req.buffer, verdicts: verifySpanBlobs(key, data.version, new Uint8Array(req.buffer), req.blobs) };
  } catch (err) {
    reply = { job: req.job, buffer: req.buffer, failure: err instanceof Error ? err.message : String(err) };
  }
  port.postMessage(reply, [req.buffer]);
});
