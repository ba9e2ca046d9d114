// A job's working set in the control bucket, between its steps: `jobs/<requestId>/plan.json` (the plan),
// `jobs/<requestId>/work-list.json` (the JSON array the Distributed Map reads, one entry per work item,
// each carrying its index n) and `jobs/<requestId>/results/<n>.json` (each item's result). Every write is
// a whole-object overwrite, so a retried step simply writes again.
import { CairnError } from '../core/index.js';
import type { ControlStore } from './object-store.js';
import { checkName } from './status.js';

/** One entry of a work list: the item's index (its result's name) and the job's item. */
export interface WorkListEntry<I = unknown> {
  readonly n: number;
  readonly item: I;
}

/** Where a work list is, as the state machine's item reader takes it. */
export interface WorkListLocation {
  readonly bucket: string;
  readonly key: string;
}

const jobDir = (requestId: string): string => `jobs/${checkName('request id', requestId)}/`;

/** planKey, workListKey and resultKey are the relative keys of a job's objects. */
export const planKey = (requestId: string): string => `${jobDir(requestId)}plan.json`;
export const workListKey = (requestId: string): string => `${jobDir(requestId)}work-list.json`;
export const resultKey = (requestId: string, n: number): string => `${jobDir(requestId)}results/${n}.json`;

/**
 * savePlan stores the plan and the work list (plan first: a work list never points at a missing plan) and
 * returns where the work list is.
 */
export async function savePlan<P, I>(store: ControlStore, requestId: string, plan: P, items: readonly I[]): Promise<WorkListLocation> {
  await store.putJson(planKey(requestId), plan);
  const entries: WorkListEntry<I>[] = items.map((item, n) => ({ n, item }));
  await store.putJson(workListKey(requestId), entries);
  return { bucket: store.bucket, key: store.fullKey(workListKey(requestId)) };
}

/** loadPlan reads a job's plan; throws a CairnError (JOB_STATE) when it is missing. */
export async function loadPlan<P>(store: ControlStore, requestId: string): Promise<P> {
  const plan = await store.getJson<P>(planKey(requestId));
  if (plan === undefined) throw new CairnError('JOB_STATE', `request ${requestId}: no plan at ${store.location}${planKey(requestId)}: the plan step did not finish`);
  return plan;
}

/** saveResult stores work item n's result, replacing one a previous attempt wrote. */
export async function saveResult<W>(store: ControlStore, requestId: string, n: number, result: W): Promise<void> {
  // undefined is not JSON; store null so the object still exists and says the item ran.
  await store.putJson(resultKey(requestId, n), result === undefined ? null : result);
}

/**
 * loadResults reads the results of items 0..count-1 in item order; throws a CairnError (JOB_STATE) naming
 * the first item without one.
 */
export async function loadResults<W>(store: ControlStore, requestId: string, count: number, parallel = 16): Promise<W[]> {
  const results = new Array<W>(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const n = next++;
      const result = await store.getJson<W>(resultKey(requestId, n));
      if (result === undefined) throw new CairnError('JOB_STATE', `request ${requestId}: work item ${n} has no result at ${store.location}${resultKey(requestId, n)}`);
      results[n] = result;
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, count) }, worker));
  return results;
}
