// Test fixtures for copy: small source trees, repositories opened in-process, the copy job run locally or
// step by step through JSON (as the Lambdas run it), and file listings to prove that nothing was written.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { silentReporter } from '../../../../shared/core/index.js';
import { LocalBackend } from '../../../../shared/storage/index.js';
import { Repository } from '../../../../shared/repository/index.js';
import { createCopyJob, runJobLocally, type CopyOptions, type CopyOutcome, type CopyPlan, type JobContext } from '../../../../shared/maintenance/index.js';
import { cheapenKeys } from '../../../support/restic.js';

export const IDENTITY = { hostname: 'copy-test', username: 'tester' } as const;

/** writeTree fills `dir` with a few kinds of entries; `variant` changes some contents. */
export function writeTree(dir: string, variant = 0): void {
  mkdirSync(join(dir, 'docs', 'deep'), { recursive: true });
  writeFileSync(join(dir, 'docs', 'a.txt'), 'hello copy\n');
  writeFileSync(join(dir, 'docs', 'deep', 'b.txt'), `variant ${variant}\n`.repeat(100));
  writeFileSync(join(dir, 'empty'), '');
  // Random bytes beyond the chunker's 512 KiB minimum: at least one real content-defined chunk.
  writeFileSync(join(dir, `big-${variant}.bin`), randomBytes(700 * 1024));
  writeFileSync(join(dir, 'shared.bin'), Buffer.alloc(600 * 1024, 7));
  symlinkSync('docs/a.txt', join(dir, 'link'));
}

export async function openRepo(dir: string, password: string): Promise<Repository> {
  return Repository.open(new LocalBackend(dir), password);
}

/** initRepo creates a cairn repository (random polynomial, its own master key) with a cheap key file. */
export async function initRepo(dir: string, password: string, version: 1 | 2 = 2): Promise<Repository> {
  await Repository.init(new LocalBackend(dir), password, { ...IDENTITY, created: new Date().toISOString(), version });
  cheapenKeys(dir, password);
  return openRepo(dir, password);
}

export function context(source: Repository): JobContext {
  return { repo: source, reporter: silentReporter, now: new Date(), identity: IDENTITY };
}

export function copyOptions(overrides: Partial<CopyOptions> = {}): CopyOptions {
  return { snapshots: [], filter: {}, itemBytes: 256 * 1024 * 1024, ...overrides };
}

export async function copyLocally(source: Repository, target: Repository, options = copyOptions()): Promise<{ plan: CopyPlan; outcome: CopyOutcome }> {
  return runJobLocally(createCopyJob(target), context(source), options);
}

/** copyStepwise runs plan, each item and finalize with every value passed through JSON text. */
export async function copyStepwise(source: Repository, target: Repository, options: CopyOptions): Promise<{ plan: CopyPlan; items: number; outcome: CopyOutcome }> {
  const job = createCopyJob(target, { packSize: 64 * 1024 });
  const through = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
  const { plan, items } = through(await job.plan(context(source), options));
  const results = [];
  for (const item of items) results.push(through(await job.work(context(source), through(plan), through(item))));
  return { plan, items: items.length, outcome: through(await job.finalize(context(source), plan, results)) };
}

/** listRepoFiles lists every file of a local repository (relative paths, sorted). */
export function listRepoFiles(dir: string): string[] {
  const out: string[] = [];
  const visit = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) visit(p);
      else out.push(relative(dir, p));
    }
  };
  visit(dir);
  return out.sort();
}
