// Waiting for a requested job: poll its status object in the control bucket until it is final or the time
// is up. A missing object means the request has not been picked up yet (queued).
import { StorageError } from '../../shared/core/index.js';
import { isFinished, readStatus, type ControlStore, type JobState, type JobStatus } from '../../shared/control/index.js';

export interface WaitOptions {
  readonly timeoutMs: number;
  /** @default 5000 */
  readonly intervalMs?: number;
  /** Called when the state changes (queued → running → …). */
  readonly onState?: (state: JobState) => void;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

/** waitForJob returns the final status, or undefined when `timeoutMs` passed first. */
export async function waitForJob(store: ControlStore, requestId: string, opts: WaitOptions): Promise<JobStatus | undefined> {
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const deadline = now() + opts.timeoutMs;
  let last: JobState | undefined;
  for (;;) {
    let status: JobStatus | undefined;
    try {
      status = await readStatus(store, requestId);
    } catch (err) {
      // A status object read while it is being rewritten, or a network blip: ask again at the next poll.
      if (!(err instanceof StorageError && err.transient)) throw err;
      status = undefined;
    }
    const state = status?.state ?? last ?? 'queued';
    if (state !== last) opts.onState?.(state);
    last = state;
    if (status && isFinished(status.state)) return status;
    const left = deadline - now();
    if (left <= 0) return undefined;
    await sleep(Math.min(opts.intervalMs ?? 5000, left));
  }
}

/** parseWaitTimeout reads `30m`, `1h`, `90s`, `1h30m` (or plain seconds) into milliseconds; NaN if invalid. */
export function parseWaitTimeout(text: string): number {
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text);
  if (!m || text === '') return NaN;
  return ((Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 1000;
}
