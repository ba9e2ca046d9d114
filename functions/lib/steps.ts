// The four steps of a maintenance execution, as the handlers run them: plan (status running, plan and work
// list into the control bucket), work (one item, its result into the control bucket), finalize (plan and
// results back, commit, status succeeded with the outcome's figures) and failed (status failed with the
// error). Each step is idempotent: the state machine may run it again after a transient failure, and a
// rerun overwrites what the earlier attempt wrote.
import {
  loadPlan, loadResults, readStatus, saveResult, savePlan, writeStatus, type ControlStore, type JobStatus,
} from '../../shared/control/index.js';
import type { Identity, Repository } from '../../shared/repository/index.js';
import type { AlertPublisher } from './alerts.js';
import type { JobEnvironment } from './env.js';
import { TransientError } from './errors.js';
import { isPlanOutput, parseExecutionInput, parsePlanOutput, parseWorkInput, type PlanOutput } from './events.js';
import { removeJobLocks } from './job-lock.js';
import { jobEntry } from './jobs.js';
import { createLogger, type Logger } from './log.js';
import { withJobSession } from './session.js';
import { openControl, openJobRepository, openRepositoryAt } from './storage.js';

/** What the steps need from their handler: configuration, clock, who we are, and how to alert. */
export interface StepDependencies {
  readonly env: JobEnvironment;
  readonly identity: Identity;
  readonly now: () => Date;
  readonly alerts: AlertPublisher | undefined;
  readonly logger?: (fields: Record<string, unknown>) => Logger;
}

/** Time kept back from a work item for saving its result and returning (ms). */
export const RESULT_MARGIN_MS = 20_000;

const loggerOf = (deps: StepDependencies, fields: Record<string, unknown>): Logger => (deps.logger ?? createLogger)(fields);

async function withControl<T>(deps: StepDependencies, body: (control: ControlStore) => Promise<T>): Promise<T> {
  const control = await openControl(deps.env);
  try {
    return await body(control);
  } finally {
    control.close();
  }
}

/** planStep: execution input `{detail, eventId, time}` → the plan output the Map and Finalize take. */
export async function planStep(deps: StepDependencies, input: unknown): Promise<PlanOutput> {
  const { requestId, job, options, requestedAt } = parseExecutionInput(input);
  const log = loggerOf(deps, { requestId, job, step: 'plan' });
  const now = deps.now();
  return withControl(deps, async (control) => {
    await writeStatus(control, {
      requestId, job, state: 'running', requestedAt: requestedAt || null, startedAt: now.toISOString(), finishedAt: null,
      options, figures: null, error: null,
    });
    const entry = jobEntry(job);
    const parsed = entry.parseOptions(options, deps.env);
    const session = { requestId, entry, kind: 'plan' as const, now };
    const { plan, items } = await withJobSession(deps.env, deps.identity, log, session, ({ job: j, ctx }) => j.plan(ctx, parsed));
    const workList = await savePlan(control, requestId, plan, items);
    log.info('planned', { itemCount: items.length, workList: workList.key });
    return { requestId, job, options, workList, itemCount: items.length };
  });
}

// A warm container running the next item of the same job reuses the plan instead of reading it again.
let cachedPlan: { requestId: string; plan: unknown } | undefined;

/**
 * workStep runs one work item and stores its result under its index. `remainingMs` is the Lambda's
 * remaining time; the job sees it minus RESULT_MARGIN_MS, and when that runs out first the step throws
 * TransientError (the state machine retries the item) instead of being killed mid-write.
 */
export async function workStep(deps: StepDependencies, input: unknown, remainingMs?: () => number): Promise<{ requestId: string; n: number }> {
  const { requestId, job, item } = parseWorkInput(input);
  const log = loggerOf(deps, { requestId, job, step: 'work', n: item.n });
  const left = remainingMs === undefined ? undefined : () => remainingMs() - RESULT_MARGIN_MS;
  return withControl(deps, async (control) => {
    const entry = jobEntry(job);
    if (cachedPlan?.requestId !== requestId) cachedPlan = { requestId, plan: await loadPlan(control, requestId) };
    const plan = cachedPlan.plan;
    const session = { requestId, entry, kind: 'work' as const, now: deps.now(), ...(left ? { remainingMs: left } : {}) };
    const run = withJobSession(deps.env, deps.identity, log, session, ({ job: j, ctx }) => j.work(ctx, plan, item.item));
    const result = left === undefined ? await run : await beforeDeadline(run, left(), `work item ${item.n} of ${requestId}`);
    await saveResult(control, requestId, item.n, result);
    log.info('work item done');
    return { requestId, n: item.n };
  });
}

/**
 * beforeDeadline settles with `work`, or throws TransientError after `ms`. The abandoned work may resume
 * when the container is next thawed; its writes are content-addressed and it no longer saves a result,
 * so the retry's result is the one that counts.
 */
async function beforeDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  if (ms <= 0) throw new TransientError(`${what}: too little time left to start; retrying`);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TransientError(`${what} did not finish in the time left; retrying`)), ms);
  });
  work.catch(() => undefined);
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** finalizeStep: plan output → commit, status succeeded with the job's outcome as figures. */
export async function finalizeStep(deps: StepDependencies, input: unknown): Promise<{ requestId: string; state: 'succeeded' | 'failed' }> {
  const out = parsePlanOutput(input);
  const { requestId, job } = out;
  const log = loggerOf(deps, { requestId, job, step: 'finalize' });
  return withControl(deps, async (control) => {
    const entry = jobEntry(job);
    const plan = await loadPlan(control, requestId);
    const results = await loadResults(control, requestId, out.itemCount);
    const session = { requestId, entry, kind: 'last' as const, now: deps.now() };
    const outcome = await withJobSession(deps.env, deps.identity, log, session, ({ job: j, ctx }) => j.finalize(ctx, plan, results));
    const previous = await readStatus(control, requestId);
    const problem = entry.problemOf?.(outcome);
    await writeStatus(control, {
      requestId, job, state: problem ? 'failed' : 'succeeded', requestedAt: previous?.requestedAt ?? null,
      startedAt: previous?.startedAt ?? null, finishedAt: deps.now().toISOString(), options: out.options,
      figures: outcome ?? null, error: problem ?? null,
    });
    if (problem) {
      log.error('job finished with problems', { error: problem });
      // The execution itself succeeded, so the state machine sends no alert: this is the only one.
      await deps.alerts?.publish(`cairn ${job}: ${problem.name}`, JSON.stringify({ requestId, job, error: problem }, null, 2));
    } else {
      log.info('job succeeded');
    }
    return { requestId, state: problem ? 'failed' : 'succeeded' };
  });
}

/**
 * failedStep records the failed status. Its input is the failing state's input plus Step Functions'
 * `error: {Error, Cause}`: the execution input when Plan failed, the plan output afterwards. Returns the
 * status written, or undefined when the input names no request (it is then only logged).
 */
export async function failedStep(deps: StepDependencies, input: unknown): Promise<JobStatus | undefined> {
  const failure = describeFailure((input as { error?: unknown } | null)?.error);
  let request: { requestId: string; job: string; options: Record<string, unknown>; requestedAt: string | null };
  try {
    if (isPlanOutput(input)) request = { requestId: input.requestId, job: input.job, options: input.options ?? {}, requestedAt: null };
    else {
      const parsed = parseExecutionInput(input);
      request = { ...parsed, requestedAt: parsed.requestedAt || null };
    }
  } catch (err) {
    loggerOf(deps, { step: 'failed' }).error('a job failed but its input names no request; no status written', { failure, reason: (err as Error).message });
    return undefined;
  }
  const log = loggerOf(deps, { requestId: request.requestId, job: request.job, step: 'failed' });
  return withControl(deps, async (control) => {
    const previous = await readStatus(control, request.requestId);
    const status: JobStatus = {
      requestId: request.requestId, job: request.job, state: 'failed',
      requestedAt: previous?.requestedAt ?? request.requestedAt, startedAt: previous?.startedAt ?? null,
      finishedAt: deps.now().toISOString(), options: request.options, figures: previous?.figures ?? null, error: failure,
    };
    await writeStatus(control, status);
    log.error('job failed', { error: failure });
    await releaseJobLocks(deps, request.requestId, log);
    return status;
  });
}

/**
 * releaseJobLocks removes what the job's steps left locked (job-lock.ts), best effort: when the failure
 * was that the repository cannot be opened, no step locked it either.
 */
async function releaseJobLocks(deps: StepDependencies, requestId: string, log: Logger): Promise<void> {
  const targets: (() => Promise<Repository>)[] = [() => openJobRepository(deps.env)];
  const copy = deps.env.copy;
  if (copy) targets.push(() => openRepositoryAt(copy.repository, copy.password, deps.env.s3));
  for (const open of targets) {
    let repo: Repository | undefined;
    try {
      repo = await open();
      const removed = await removeJobLocks(repo, requestId);
      if (removed > 0) log.info('released the job\'s locks', { location: repo.backend.location, removed });
    } catch (err) {
      log.warn('could not release the job\'s locks', { error: (err as Error).message });
    } finally {
      await repo?.backend.close();
    }
  }
}

/**
 * describeFailure turns Step Functions' `{Error, Cause}` into the status's error: for a Lambda error the
 * Cause is the runtime's JSON `{errorType, errorMessage, …}`; its message (first line) is what a person reads.
 */
export function describeFailure(error: unknown): { name: string; message: string } {
  const e = (typeof error === 'object' && error !== null ? error : {}) as { Error?: unknown; Cause?: unknown };
  const name = typeof e.Error === 'string' ? e.Error : 'Error';
  let message = typeof e.Cause === 'string' ? e.Cause : '';
  try {
    const cause = JSON.parse(message) as { errorMessage?: unknown };
    if (typeof cause.errorMessage === 'string') message = cause.errorMessage;
  } catch {
    // A plain-text cause (States.Timeout, a Map failure) is shown as it is.
  }
  return { name, message: (message.split('\n')[0] ?? '').slice(0, 1000) || `the job failed with ${name}` };
}
