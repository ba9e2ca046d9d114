// Job status: one JSON object per maintenance request at `status/<requestId>.json` in the control bucket.
// The plan step writes it as running, finalize as succeeded (with the job's figures), the failure step as
// failed (with the error); `cairn remote … --wait` and `cairn status` read it. It is the only place a
// client learns how a job it requested went, so its shape is a contract.
import { UsageError } from '../core/index.js';
import type { ControlStore } from './object-store.js';

/** Where a job is. `queued`: requested, no status written yet (clients show a missing object as queued). */
export type JobState = 'queued' | 'running' | 'succeeded' | 'failed';

/** The failure recorded in a failed status: the error's name (e.g. WrongPasswordError) and its one line. */
export interface JobError {
  readonly name: string;
  readonly message: string;
}

/** The status object. Times are RFC 3339 strings; null where not reached yet. */
export interface JobStatus {
  readonly requestId: string;
  readonly job: string;
  readonly state: JobState;
  /** When the request was made (the event's time). */
  readonly requestedAt: string | null;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  /** The options as requested (user strings, before parsing). */
  readonly options: Record<string, unknown>;
  /** The job's outcome figures once succeeded; null before. */
  readonly figures: unknown;
  readonly error: JobError | null;
}

const STATUS_DIR = 'status/';
/** Request ids and host names become object keys: keep them to a safe alphabet. */
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** statusKey is the relative key of a request's status; throws UsageError for an unsafe request id. */
export function statusKey(requestId: string): string {
  return `${STATUS_DIR}${checkName('request id', requestId)}.json`;
}

/** checkName rejects names that cannot be a single key segment (slashes, "..", empty, over 128 characters). */
export function checkName(what: string, name: string): string {
  if (!SAFE_NAME.test(name)) throw new UsageError(`${what} ${JSON.stringify(name)} is not usable: use letters, digits, ".", "_", ":" and "-" (at most 128)`);
  return name;
}

/** writeStatus stores `status`, replacing the previous one of the same request. */
export async function writeStatus(store: ControlStore, status: JobStatus): Promise<void> {
  await store.putJson(statusKey(status.requestId), status);
}

/** readStatus returns a request's status, or undefined while none was written. */
export async function readStatus(store: ControlStore, requestId: string): Promise<JobStatus | undefined> {
  return store.getJson<JobStatus>(statusKey(requestId));
}

/**
 * listStatuses returns the `limit` most recently written job statuses, newest first. Host records under
 * `status/hosts/` are not jobs and are skipped.
 */
export async function listStatuses(store: ControlStore, limit = 10): Promise<JobStatus[]> {
  const objects = (await store.list(STATUS_DIR))
    .filter((o) => !o.key.slice(STATUS_DIR.length).includes('/') && o.key.endsWith('.json'))
    .sort((a, b) => (b.lastModified?.getTime() ?? 0) - (a.lastModified?.getTime() ?? 0))
    .slice(0, limit);
  const statuses = await Promise.all(objects.map((o) => store.getJson<JobStatus>(o.key)));
  return statuses.filter((s): s is JobStatus => s !== undefined);
}

/** isFinished says whether a state is final. */
export function isFinished(state: JobState): boolean {
  return state === 'succeeded' || state === 'failed';
}
