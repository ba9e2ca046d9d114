// Test support for two-phase prune: run `cairn prune` and read its --json summary, count packs on disk,
// open a repository through the engine, and run the prune job in-process with chosen two-phase settings.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_PRUNE_OPTIONS, pruneJob, runJobLocally, type PruneOutcome, type PrunePlan } from '../../../shared/maintenance/index.js';
import { acquireLease, checkLease, Repository } from '../../../shared/repository/index.js';
import { LocalBackend } from '../../../shared/storage/index.js';
import { cairnOk } from '../../support/cli.js';
import { RESTIC_PASSWORD } from '../../support/restic.js';

/** The environment for cairn: restic's test password, and no clock margin (marks usable after --keep-delete). */
export const CAIRN_ENV = { CAIRN_PASSWORD: RESTIC_PASSWORD, CAIRN_TEST_CLOCK_MARGIN: '0' };

export interface PruneSummary {
  mode: string;
  two_phase: { marked: { pack: string; action: string; age_ms: number }[]; new_marks: { pack: string; reason: string }[] } | null;
  outcome: PruneOutcome | null;
}

/** cairnPrune runs `cairn --json prune args...` and returns its summary line. */
export async function cairnPrune(repo: string, args: readonly string[] = []): Promise<PruneSummary> {
  const out = await cairnOk(['-r', repo, '--json', 'prune', ...args], { env: CAIRN_ENV });
  const line = out.trim().split('\n').reverse().find((l) => l.includes('"prune_summary"'));
  if (line === undefined) throw new Error(`no prune summary in: ${out}`);
  return JSON.parse(line) as PruneSummary;
}

/** packsOnDisk lists the pack IDs in a local repository's data/. */
export function packsOnDisk(repo: string): Set<string> {
  const ids = new Set<string>();
  for (const sub of readdirSync(join(repo, 'data'))) for (const f of readdirSync(join(repo, 'data', sub))) ids.add(f);
  return ids;
}

/** withRepository opens a local repository through the engine for `fn`. */
export async function withEngine<T>(path: string, fn: (repo: Repository) => Promise<T>): Promise<T> {
  const backend = new LocalBackend(path);
  try {
    return await fn(await Repository.open(backend, RESTIC_PASSWORD));
  } finally {
    await backend.close();
  }
}

export const MAINTAINER = { hostname: 'two-phase-test', username: 'test', pid: process.pid };

/** pruneInProcess runs the two-phase prune job under a lease, as `cairn prune` does, with explicit timing. */
export async function pruneInProcess(repo: Repository, keepDeleteMs: number, clockMarginMs = 0): Promise<{ plan: PrunePlan; outcome: PruneOutcome }> {
  const { lock } = await acquireLease(repo, MAINTAINER);
  try {
    return await runJobLocally(
      pruneJob,
      {
        repo, reporter: { log: () => undefined }, now: new Date(), clock: () => new Date(), identity: MAINTAINER,
        lease: { check: () => checkLease(repo, lock, new Date()) },
      },
      { ...DEFAULT_PRUNE_OPTIONS, twoPhase: { keepDeleteMs, clockMarginMs, instantDelete: false } },
    );
  } finally {
    await lock.release();
  }
}
