// The backup benchmark: cairn (the built bundle) and restic 0.14 each on a fresh local repository, on the
// same corpus, interleaved (the order alternates per repeat, so a noisy neighbour hurts both alike): first
// backup, unchanged re-run, bytes stored, restore of the latest snapshot. Keys are re-wrapped with cheap
// scrypt so key derivation does not blur the figures.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cheapenKeys } from '../test/support/restic.js';
import { measure, type Measurement } from './measure.js';

export type Tool = 'cairn' | 'restic';
export type Step = 'backup first' | 'backup unchanged' | 'restore latest';

export interface ToolRun {
  readonly tool: Tool;
  readonly steps: Partial<Record<Step, Measurement>>;
  readonly storedBytes: number;
}

export interface BackupSuiteOptions {
  readonly root: string;
  readonly corpusDir: string;
  readonly cairnLauncher: string;
  readonly repeats: number;
  readonly withRestore: boolean;
  readonly log: (msg: string) => void;
}

const PASSWORD = 'bench';

function toolEnv(home: string): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, RESTIC_PASSWORD: PASSWORD, TZ: 'UTC' };
}

/**
 * settle flushes dirty pages and, when allowed (root), empties the page cache, then reads `warm` back in,
 * so that every timed step starts from the same cache: its input in memory, nothing else. Restoring 1 GB into
 * a page cache already full of the previous runs' files made the kernel reclaim on the writer's time: the
 * same restore took 11 s on a clean cache and 30-36 s after a few runs, for both tools (system time 5 s →
 * 28 s). Returns whether the cache could be emptied.
 */
function settle(warm: string): boolean {
  execFileSync('sync');
  let dropped = true;
  try {
    writeFileSync('/proc/sys/vm/drop_caches', '3');
  } catch {
    dropped = false;
  }
  execFileSync('sh', ['-c', `find '${warm}' -type f -exec cat {} + > /dev/null`]);
  return dropped;
}

function duBytes(dir: string): number {
  return Number(execFileSync('du', ['-sb', dir], { encoding: 'utf8' }).split('\t')[0]);
}

function command(tool: Tool, launcher: string, repo: string, args: string[]): [string, string[]] {
  return tool === 'cairn' ? [launcher, ['-r', repo, '--no-cache', '-q', ...args]] : ['restic', ['-r', repo, '--no-cache', '-q', ...args]];
}

async function runTool(tool: Tool, opts: BackupSuiteOptions): Promise<ToolRun> {
  const work = mkdtempSync(join(opts.root, `run-${tool}-`));
  const repo = join(work, 'repo');
  const env = toolEnv(work);
  try {
    execFileSync('restic', ['-r', repo, 'init', '-q'], { env, stdio: 'ignore' });
    cheapenKeys(repo, PASSWORD);
    if (!settle(opts.corpusDir)) opts.log('  (cannot empty the page cache without root: times depend on what earlier runs left in it)');
    const run = (args: string[]): Promise<Measurement> => {
      const [cmd, argv] = command(tool, opts.cairnLauncher, repo, args);
      return measure(cmd, argv, env);
    };
    const steps: Partial<Record<Step, Measurement>> = {};
    steps['backup first'] = await run(['backup', opts.corpusDir]);
    opts.log(`  ${tool} backup first: ${steps['backup first'].wallS.toFixed(2)} s`);
    steps['backup unchanged'] = await run(['backup', opts.corpusDir]);
    opts.log(`  ${tool} backup unchanged: ${steps['backup unchanged'].wallS.toFixed(2)} s`);
    const storedBytes = duBytes(repo);
    if (opts.withRestore) {
      const target = join(work, 'restore');
      mkdirSync(target);
      settle(repo);
      steps['restore latest'] = await run(['restore', 'latest', '--target', target]);
      opts.log(`  ${tool} restore latest: ${steps['restore latest'].wallS.toFixed(2)} s`);
    }
    return { tool, steps, storedBytes };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** runBackupSuite returns every tool's runs, `repeats` of each, alternating which tool goes first. */
export async function runBackupSuite(opts: BackupSuiteOptions): Promise<ToolRun[]> {
  // Every run reads its corpus in first (settle in runTool), so neither tool pays for a cold page cache.
  const runs: ToolRun[] = [];
  for (let i = 0; i < opts.repeats; i++) {
    const order: Tool[] = i % 2 === 0 ? ['cairn', 'restic'] : ['restic', 'cairn'];
    opts.log(`repeat ${i + 1}/${opts.repeats}`);
    for (const tool of order) runs.push(await runTool(tool, opts));
  }
  return runs;
}
