// kill -9 during `cairn prune`, at random moments spread over its phases (planning, repacking, writing the
// index, deleting old index files, deleting packs): afterwards restic check passes, the kept snapshots
// restore, a repeated prune completes the job, and a further prune finds nothing to do.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { silentReporter } from '../../../shared/core/index.js';
import { openBackend } from '../../../shared/storage/index.js';
import { Repository } from '../../../shared/repository/index.js';
import { DEFAULT_PRUNE_OPTIONS, loadPrunePlan, pruneJob, runJobLocally, type JobContext } from '../../../shared/maintenance/index.js';
import { cliCommand } from '../../support/cli.js';
import { createResticRepo, runRestic, RESTIC_PASSWORD, type ResticRepo } from '../../support/restic.js';
import { compareTrees } from '../../support/tree-compare.js';
import { buildHistory, copyRepo, type History } from './fixture.js';

/** The progress lines cairn prune prints, in order; a trial kills shortly after one of them. */
const PHASES = ['loading indexes', 'finding data', 'repacking', 'writing the new index', 'deleting old index files', 'deleting packs'];
const TRIALS = 12;
/** The index and deletion phases are short: kill sooner after their line to land inside them. */
const SHORT_PHASES = new Set(['writing the new index', 'deleting old index files', 'deleting packs']);

let restic: ResticRepo;
let history: History;
let kept: string[];

before(() => {
  restic = createResticRepo();
  history = buildHistory(restic, 5, 4);
  kept = history.ids.slice(-2);
  restic.run(['forget', '--keep-last', '2']);
  for (const id of kept) restic.run(['restore', id, '--target', join(restic.dir, 'before', id)]);
});

after(() => restic?.cleanup());

/** Runs cairn prune and SIGKILLs it `delayMs` after it prints `phase`; returns the last phase it printed. */
function pruneAndKill(repo: string, phase: string, delayMs: number): Promise<{ lastPhase: string; killed: boolean }> {
  const [exe, ...args] = cliCommand();
  const child = spawn(exe!, [...args, '-r', repo, 'prune'], { env: { ...process.env, CAIRN_PASSWORD: RESTIC_PASSWORD }, stdio: ['ignore', 'pipe', 'pipe'] });
  let lastPhase = '(start)';
  let killed = false;
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    for (const p of PHASES) if (text.includes(p)) lastPhase = p;
    if (text.includes(phase) && !killed) {
      killed = true;
      if (delayMs === 0) child.kill('SIGKILL');
      else setTimeout(() => child.kill('SIGKILL'), delayMs);
    }
  });
  return new Promise((resolve) => child.on('close', (_code, signal) => resolve({ lastPhase, killed: signal === 'SIGKILL' })));
}

async function openCtx(repo: string): Promise<JobContext> {
  const r = await Repository.open(await openBackend(repo), RESTIC_PASSWORD);
  return { repo: r, reporter: silentReporter, now: new Date(), identity: { hostname: 'test', username: 'test' } };
}

/** One trial: copy, prune and kill, then check, restore, complete, check again. */
async function trial(n: number, log: (line: string) => void): Promise<string | undefined> {
  const repo = join(restic.dir, `trial-${n}`);
  copyRepo(restic.repo, repo);
  const phase = PHASES[n % PHASES.length]!;
  const delay = Math.floor(Math.random() * (SHORT_PHASES.has(phase) ? 2 : 8));
  const { lastPhase, killed } = await pruneAndKill(repo, phase, delay);
  log(`trial ${n}: aimed ${delay} ms after "${phase}", ${killed ? `killed after "${lastPhase}"` : 'too late (prune had finished)'}`);

  // The killed process left its lock; restic removes it as stale (same host, dead PID).
  runRestic(repo, ['unlock']);
  runRestic(repo, ['check']);
  for (const id of kept) {
    const target = join(restic.dir, `after-${n}`, id);
    runRestic(repo, ['restore', id, '--target', target]);
    assert.deepEqual(compareTrees(join(restic.dir, 'before', id), target), [], `trial ${n}: snapshot ${id.slice(0, 8)} restores`);
  }

  const ctx = await openCtx(repo);
  try {
    await runJobLocally(pruneJob, ctx, DEFAULT_PRUNE_OPTIONS);
    const again = await loadPrunePlan(ctx, DEFAULT_PRUNE_OPTIONS);
    assert.deepEqual(
      { repack: again.stats.packs.repack, remove: again.stats.packs.remove, unref: again.stats.packs.unref },
      { repack: 0, remove: 0, unref: 0 },
      `trial ${n}: a further prune finds nothing to do`,
    );
  } finally {
    await ctx.repo.backend.close();
  }
  runRestic(repo, ['check', ...(n % 5 === 0 ? ['--read-data'] : [])]);
  return killed ? lastPhase : undefined;
}

test(`kill -9 at ${TRIALS} random points of prune: the repository stays valid and a second prune completes it`, async (t) => {
  const hit = new Set<string>();
  // Two trials at a time: each spends most of its time waiting on child processes.
  for (let n = 0; n < TRIALS; n += 2) {
    const phases = await Promise.all([trial(n, (l) => t.diagnostic(l)), trial(n + 1, (l) => t.diagnostic(l))]);
    for (const p of phases) if (p !== undefined) hit.add(p);
  }
  t.diagnostic(`phases interrupted: ${[...hit].join(', ')}`);
  // Where a kill lands is timing; three distinct phases over ten trials is the floor seen on a loaded machine.
  assert.ok(hit.size >= 3, `kills landed in ${hit.size} distinct phases: ${[...hit].join(', ')}`);
});
