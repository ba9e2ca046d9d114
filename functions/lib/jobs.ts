// The job registry: which maintenance jobs the functions run, and how each is set up from the environment.
// An event names a job (`detail.job`); its `detail.options` go through the job's own options parser, the
// same one behind the CLI's flags, so a schedule's `{"readDataSubset": "2%"}` and `cairn check
// --read-data-subset 2%` mean the same. A job that needs more than the repository (copy: its target) binds
// it here.
import { UsageError } from '../../shared/core/index.js';
import {
  createCheckJob, createCopyJob, forgetPruneJob, parseCheckOptions, parseCopyOptions, parseForgetPruneOptions,
  type CheckResult, type Job,
} from '../../shared/maintenance/index.js';
import type { Repository } from '../../shared/repository/index.js';
import type { JobEnvironment } from './env.js';
import type { RawOptions } from './events.js';
import type { JobLockMode } from './job-lock.js';
import { openRepositoryAt } from './storage.js';

type AnyJob = Job<unknown, unknown, unknown, unknown, unknown>;

/** A job ready to run against an opened repository, with whatever else it opened. */
export interface BoundJob {
  readonly job: AnyJob;
  /** Other repositories the job touches; locked shared beside the main one while a step runs. */
  readonly repositories: readonly Repository[];
  close(): Promise<void>;
}

/** How the functions run one kind of job. */
export interface JobEntry {
  readonly name: string;
  /** Parses `detail.options` (throws UsageError naming the option). `env` supplies cloud-only defaults. */
  parseOptions(raw: RawOptions, env: JobEnvironment): unknown;
  /** Binds the engine's job to the repository (and opens what else it needs). */
  bind(env: JobEnvironment, repo: Repository): Promise<BoundJob>;
  /** The job's lock on the repository, held from plan to finalize (job-lock.ts). */
  readonly lock: JobLockMode;
  /**
   * A problem the outcome reveals although every step ran (check found damage): the job's status becomes
   * failed with this error, and an alert goes out.
   */
  problemOf?(outcome: unknown): { name: string; message: string } | undefined;
}

type Raw = Parameters<typeof parseForgetPruneOptions>[0];

/**
 * forget and prune are one job (forgetPruneJob): `forget` applies the policy and prunes when `prune` is
 * set, `prune` always prunes. Cloud runs get the delete-share guard from MAX_DELETE_SHARE unless the
 * request sets maxDeleteShare itself.
 */
function forgetPruneEntry(name: 'forget' | 'prune'): JobEntry {
  return {
    name,
    parseOptions: (raw, env) => {
      const options = parseForgetPruneOptions({
        maxDeleteShare: env.maxDeleteShare,
        ...(raw as Raw),
        ...(name === 'prune' ? { prune: true } : {}),
      });
      // The job's lock is fixed per entry; restic's prune would need the exclusive one.
      if (options.twoPhase.instantDelete) throw new UsageError('instantDelete is not available in scheduled runs (it stops all backups): run `cairn prune --instant-delete` instead');
      return options;
    },
    bind: async () => ({ job: forgetPruneJob as unknown as AnyJob, repositories: [], close: async () => undefined }),
    // Two-phase prune under the maintenance lease: backups go on; unused packs are marked and a later run
    // deletes them (forget's snapshot deletions need no more than that either).
    lock: 'lease',
  };
}

const check: JobEntry = {
  name: 'check',
  parseOptions: (raw) => parseCheckOptions(raw),
  bind: async () => ({ job: createCheckJob({ random: Math.random }) as unknown as AnyJob, repositories: [], close: async () => undefined }),
  // Check only reads; backups may go on (the check job's listing order makes that safe).
  lock: 'shared',
  problemOf(outcome) {
    const errors = (outcome as CheckResult).errors ?? [];
    if (errors.length === 0) return undefined;
    const first = errors[0] as { message?: unknown } | undefined;
    return { name: 'CheckFoundErrors', message: `check found ${errors.length} error(s) in the repository${typeof first?.message === 'string' ? `, first: ${first.message}` : ''}; see the status's figures` };
  },
};

const copy: JobEntry = {
  name: 'copy',
  parseOptions: (raw) => parseCopyOptions(raw as Parameters<typeof parseCopyOptions>[0]),
  async bind(env) {
    if (env.copy === undefined) throw new UsageError('copy is not set up: deploy with cairn:copyRepository to give it a target (COPY_REPOSITORY is unset)');
    const target = await openRepositoryAt(env.copy.repository, env.copy.password, env.s3);
    return {
      job: createCopyJob(target) as unknown as AnyJob,
      repositories: [target],
      close: () => target.backend.close(),
    };
  },
  lock: 'shared',
};

const REGISTRY: ReadonlyMap<string, JobEntry> = new Map([forgetPruneEntry('forget'), forgetPruneEntry('prune'), check, copy].map((e) => [e.name, e]));

/** The job names this build runs. */
export const JOB_NAMES: readonly string[] = [...REGISTRY.keys()];

/** jobEntry returns the entry for `name`; throws UsageError listing the known jobs otherwise. */
export function jobEntry(name: string): JobEntry {
  const entry = REGISTRY.get(name);
  if (entry === undefined) throw new UsageError(`unknown maintenance job ${JSON.stringify(name)}: this build runs ${JOB_NAMES.join(', ')}`);
  return entry;
}
