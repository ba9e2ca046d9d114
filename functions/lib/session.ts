// One step's hold on the repository: open it (and the job's other repositories, e.g. the copy target),
// lock them for the job (job-lock.ts: a lock that outlives the step, so the whole job stays locked between
// invocations), hand the step a JobContext, and close everything however the step ends.
import { hostname } from 'node:os';
import type { Job, JobContext } from '../../shared/maintenance/index.js';
import type { Identity } from '../../shared/repository/index.js';
import type { JobEnvironment } from './env.js';
import { acquireStepLock, type StepLock } from './job-lock.js';
import type { BoundJob, JobEntry } from './jobs.js';
import type { Logger } from './log.js';
import { openJobRepository } from './storage.js';

/** What a step body receives. */
export interface StepSession {
  readonly job: Job<unknown, unknown, unknown, unknown, unknown>;
  readonly ctx: JobContext;
}

/** How a step ends its part: `last` (finalize) releases the job's locks, other steps hand them over. */
export type StepKind = 'plan' | 'work' | 'last';

/** lambdaIdentity names this function instance, e.g. `cairn-Work@169.254.10.3`. */
export function lambdaIdentity(env: Readonly<Record<string, string | undefined>>): Identity {
  return { hostname: `${env['AWS_LAMBDA_FUNCTION_NAME'] ?? 'cairn-function'}@${hostname()}`, username: 'cairn', pid: process.pid };
}

/** What a session is about. */
export interface SessionRequest {
  readonly requestId: string;
  readonly entry: JobEntry;
  readonly kind: StepKind;
  readonly now: Date;
  /** What the step may still spend (ms); undefined means no limit. */
  readonly remainingMs?: () => number;
}

/**
 * withJobSession runs `body` with the repository opened and the job's locks taken (exclusive or shared as
 * the entry says; other repositories of the job shared). On success a `last` step releases the job's
 * locks; any other outcome leaves them held for the next step, or for the failure step to release.
 */
export async function withJobSession<T>(env: JobEnvironment, identity: Identity, log: Logger, req: SessionRequest, body: (session: StepSession) => Promise<T>): Promise<T> {
  const repo = await openJobRepository(env);
  let bound: BoundJob | undefined;
  const locks: StepLock[] = [];
  let succeeded = false;
  try {
    bound = await req.entry.bind(env, repo);
    const onRefreshError = (err: unknown): void => log.warn('could not refresh the lock', { error: (err as Error).message });
    const main = await acquireStepLock(repo, req.requestId, req.entry.lock, () => new Date(), onRefreshError);
    locks.push(main);
    for (const other of bound.repositories) locks.push(await acquireStepLock(other, req.requestId, 'shared', () => new Date(), onRefreshError));
    const ctx: JobContext = {
      repo, reporter: log, now: req.now, clock: () => new Date(), identity,
      ...(req.entry.lock === 'lease' ? { lease: { check: () => main.check() } } : {}),
      ...(req.remainingMs ? { remainingMs: req.remainingMs } : {}),
    };
    const result = await body({ job: bound.job, ctx });
    succeeded = true;
    return result;
  } finally {
    for (const lock of locks) {
      await (succeeded && req.kind === 'last' ? lock.releaseAll() : lock.handOver())
        .catch((err: unknown) => log.warn('could not tidy the job\'s lock files', { error: (err as Error).message }));
    }
    await bound?.close().catch(() => undefined);
    await repo.backend.close();
  }
}
