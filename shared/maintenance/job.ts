// The job model: every maintenance job is `plan → work items → finalize`. Plans, items and item results are
// plain JSON, so the same job runs in-process (the CLI's local runner) or spread over Lambda invocations by
// a Step Functions Distributed Map (functions/), with the control bucket carrying the JSON between steps.
// Each work item must be idempotent: a retried item redoes its work and returns an equivalent result.
import type { Reporter } from '../core/index.js';
import type { Identity, Repository } from '../repository/index.js';

/** JSON-serializable values only: plans, items and results cross process boundaries. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json | undefined };

/** What every step receives. `now` is passed in (time is an argument, never read deep inside). */
export interface JobContext {
  readonly repo: Repository;
  readonly reporter: Reporter;
  readonly now: Date;
  readonly identity: Identity;
  /** Milliseconds the step may still run (a Lambda's remaining time); undefined means no limit. */
  readonly remainingMs?: () => number;
  /** The clock, for steps that must read time more than once (two-phase prune's mark); default: `now`. */
  readonly clock?: () => Date;
  /**
   * The maintenance lease the step runs under, if any: two-phase prune calls `check` before each
   * destructive step and stops when it throws (the lease may have gone stale, so another maintainer may run).
   */
  readonly lease?: LeaseGuard;
}

/** What a destructive step asks of the maintenance lease. */
export interface LeaseGuard {
  /** Throws when the lease can no longer be trusted to be ours alone. */
  check(): Promise<void>;
}

export interface JobPlan<P, I> {
  readonly plan: P;
  readonly items: I[];
}

/**
 * A maintenance job. `O` options (already parsed), `P` plan, `I` work item, `W` item result, `R` outcome.
 * finalize receives the results in item order.
 */
export interface Job<O, P, I, W, R> {
  readonly name: string;
  plan(ctx: JobContext, options: O): Promise<JobPlan<P, I>>;
  work(ctx: JobContext, plan: P, item: I): Promise<W>;
  finalize(ctx: JobContext, plan: P, results: W[]): Promise<R>;
}

/** runJobLocally runs every step in this process, a few items at once, and returns the outcome. */
export async function runJobLocally<O, P, I, W, R>(job: Job<O, P, I, W, R>, ctx: JobContext, options: O, parallel = 2): Promise<{ plan: P; outcome: R }> {
  const { plan, items } = await job.plan(ctx, options);
  const results = new Array<W>(items.length);
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await job.work(ctx, plan, items[i]!);
      ctx.reporter.progress?.(job.name, ++done, items.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, items.length) }, worker));
  return { plan, outcome: await job.finalize(ctx, plan, results) };
}
