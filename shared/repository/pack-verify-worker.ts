// The pack verification pool's worker thread: verifies each pack it is sent (verifyPack) and answers with
// the verdict. The pack's buffer was transferred here; it goes back with the answer when asked (to be
// read into again), else it is dropped.
import { parentPort, workerData } from 'node:worker_threads';
import { masterKeyFromParts } from './worker-thread.js';
import { verifyPack } from './pack-verify.js';
import type { PackVerifyReply, PackVerifyRequest, PackVerifyWorkerData } from './pack-verify-protocol.js';

const data = workerData as PackVerifyWorkerData;
const key = masterKeyFromParts(data);
const port = parentPort!;

port.on('message', (req: PackVerifyRequest) => {
  let reply: PackVerifyReply;
  try {
    reply = { job: req.job, verdict: verifyPack(key, req.packId, new Uint8Array(req.buffer, req.offset, req.length), req.indexed) };
  } catch (err) {
    reply = { job: req.job, error: err instanceof Error ? err.message : String(err) };
  }
  if (req.returnBuffer) port.postMessage({ ...reply, buffer: req.buffer }, [req.buffer]);
  else port.postMessage(reply);
});
