// Test support for two-phase prune: run `cairn prune` and read its --json summary, count packs on disk,
// open a repository through the engine, and run the prune job in-process with chosen two-phase settings.
import { spawn, type ChildProcess } from 'node:child_process';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_PRUNE_OPTIONS, pruneJob, runJobLocally, type PruneOutcome, type PrunePlan } from '../../../shared/maintenance/index.js';
import { acquireLease, checkLease, Repository } from '../../../shared/repository/index.js';
import { LocalBackend } from '../../../shared/storage/index.js';
import { cairnOk, cliCommand } from '../../support/cli.js';
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

/** A cairn process started in the background, for tests that suspend it or run several at once. */
export interface CairnChild {
  readonly child: ChildProcess;
  /** Everything it printed so far (stdout and stderr interleaved). */
  output(): string;
  /** Resolves with its exit code and output once it ends. */
  readonly done: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

/** spawnCairn starts `cairn args...` from source with CAIRN_ENV plus `env` (the runner's CAIRN_* removed). */
export function spawnCairn(args: readonly string[], env: Record<string, string> = {}): CairnChild {
  const clean: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(CAIRN_|RESTIC_|AWS_)/.test(k)) clean[k] = v;
  const [exe, ...pre] = cliCommand();
  const child = spawn(exe!, [...pre, ...args], { env: { ...clean, ...CAIRN_ENV, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let all = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => ((stdout += d), (all += d)));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => ((stderr += d), (all += d)));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return { child, output: () => all, done };
}

/** hashTree maps each regular file below `root` (relative path) to its SHA-256: a source state to compare. */
export function hashTree(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string): void => {
    for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
      const r = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) walk(r);
      else if (e.isFile()) out.set(r, createHash('sha256').update(readFileSync(join(root, r))).digest('hex'));
    }
  };
  walk('');
  return out;
}

/** waitFor polls `cond` every 20 ms until it holds, failing after `timeoutMs`. */
export async function waitFor(cond: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The forget+prune command the concurrency tests loop: keeps 2 snapshots per group, deletes after 1 s. */
export const PRUNE = ['forget', '--keep-last', '2', '--prune', '--keep-delete', '1s'];

/** backupOnce runs `cairn --json backup [extra] paths...`, expects success and returns the snapshot's full ID. */
export async function backupOnce(repo: string, paths: readonly string[], extra: readonly string[] = []): Promise<string> {
  const { code, stdout, stderr } = await spawnCairn(['-r', repo, '--json', 'backup', ...extra, ...paths]).done;
  assert.equal(code, 0, stderr);
  const summary = stdout.split('\n').filter((l) => l.includes('"summary"')).map((l) => JSON.parse(l) as { id?: string })[0];
  assert.ok(summary?.id, stdout);
  return summary.id;
}

/**
 * The clock margin of the looping prunes. It cannot be 0 here: a backup whose session starts after a mark's
 * time but lists the index before the marking index file lands sees the pack live, and with no margin the
 * next prune may delete it under that backup's snapshot. The margin (15 min by default) must exceed the
 * time the marking commit takes; for these small repositories 2 s does, and deletions still happen.
 */
const LOOP_CLOCK_MARGIN = '2s';

/**
 * pruneLoop runs `cairn --json` PRUNE back to back until `stop(runs)` holds; returns the runs and the packs
 * they deleted (from each run's prune summary).
 */
export async function pruneLoop(repo: string, stop: (runs: number) => boolean): Promise<{ runs: number; packsDeleted: number }> {
  let runs = 0;
  let packsDeleted = 0;
  while (!stop(runs)) {
    const { code, stdout, stderr } = await spawnCairn(['-r', repo, '--json', ...PRUNE], { CAIRN_TEST_CLOCK_MARGIN: LOOP_CLOCK_MARGIN }).done;
    assert.equal(code, 0, stderr);
    const line = stdout.split('\n').reverse().find((l) => l.includes('"prune_summary"'));
    packsDeleted += line === undefined ? 0 : ((JSON.parse(line) as PruneSummary).outcome?.packsDeleted ?? 0);
    runs++;
  }
  return { runs, packsDeleted };
}

/** writeShared makes `src/shared`: six 1.5 MB random files every backup in a concurrency test shares. */
export function writeShared(src: string): string {
  const shared = join(src, 'shared');
  mkdirSync(shared, { recursive: true });
  for (let i = 0; i < 6; i++) writeFileSync(join(shared, `s${i}.bin`), randomBytes(1_500_000));
  return shared;
}
