// The benchmark suite (`npm run bench`): cairn against restic 0.14 on one corpus, side by side in one run,
// plus the micro benchmarks and any standalone suites other parts add (bench/check.ts, bench/prune.ts).
// Prints a Markdown table ready to paste and writes everything to .bench-data/results.json.
//
//   npm run bench -- [--size large|small] [--only backup|micro|check|prune] [--repeats N] [--no-restore]
//                    [--bundle DIR]   (a built dist/ folder to measure instead of the current sources)
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CORPORA, prepareCorpus } from './corpus.js';
import { runBackupSuite, type ToolRun } from './backup-suite.js';
import { backupTable, type Row } from './report.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DATA = join(ROOT, '.bench-data');
const DIST = join(ROOT, 'dist');

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i < 0 ? undefined : process.argv[i + 1];
}

const size = (option('--size') ?? 'large') as keyof typeof CORPORA;
if (!(size in CORPORA)) throw new Error(`--size must be large or small, not ${size}`);
const only = option('--only');
const repeats = Number(option('--repeats') ?? 2);
const withRestore = !process.argv.includes('--no-restore');
const wants = (part: string): boolean => only === undefined || only.split(',').includes(part);
const log = (msg: string): void => console.error(msg);

/** newestMtime is the latest modification time of the sources that go into the bundle. */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const st = statSync(path);
    newest = Math.max(newest, st.isDirectory() ? newestMtime(path) : name.endsWith('.ts') ? st.mtimeMs : 0);
  }
  return newest;
}

/**
 * launcher returns the `cairn` command to measure — bin/cairn.js, as users run it (a shell line that starts
 * Node with cairn's memory settings) — next to a copy of the bundle: the one from --bundle, else dist/
 * rebuilt when a source file is newer (the bench measures what ships). The copy means a rebuild during the
 * run cannot change what is measured.
 */
function launcher(): string {
  const given = option('--bundle');
  if (given === undefined) {
    const main = join(DIST, 'cairn.mjs');
    const built = existsSync(main) ? statSync(main).mtimeMs : 0;
    if (built < Math.max(newestMtime(join(ROOT, 'client')), newestMtime(join(ROOT, 'shared')))) {
      log('bundle is stale: npm run build');
      const r = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
      if (r.status !== 0) throw new Error('build failed');
    }
  }
  const stage = join(DATA, 'bundles', given === undefined ? 'current' : 'given');
  rmSync(stage, { recursive: true, force: true });
  cpSync(given ?? DIST, join(stage, 'dist'), { recursive: true });
  cpSync(join(ROOT, 'bin'), join(stage, 'bin'), { recursive: true });
  return join(stage, 'bin', 'cairn.js');
}

/** runScript runs one benchmark script under tsx and returns its stdout (also echoed). */
function runScript(script: string, args: string[], nodeFlags: string[] = []): string {
  log(`running bench/${script} ${args.join(' ')}`);
  const r = spawnSync(process.execPath, [...nodeFlags, '--import', 'tsx', join(ROOT, 'bench', script), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`bench/${script} exited ${r.status}`);
  process.stdout.write(r.stdout);
  return r.stdout;
}

mkdirSync(DATA, { recursive: true });
const results: Record<string, unknown> = { date: new Date().toISOString(), node: process.version, size, argv: process.argv.slice(2) };
const markdown: string[] = [];

if (wants('backup')) {
  const cairnLauncher = launcher();
  const corpus = prepareCorpus(DATA, CORPORA[size], log);
  log(`corpus: ${corpus.files} files, ${(corpus.bytes / 1e6).toFixed(0)} MB in ${corpus.dir}`);
  const runs: ToolRun[] = await runBackupSuite({ root: DATA, corpusDir: corpus.dir, cairnLauncher, repeats, withRestore, log });
  const rows: Row[] = backupTable(runs);
  results.corpus = corpus;
  results.launcher = cairnLauncher;
  results.backup = { runs, rows };
  markdown.push(
    `Corpus: ${corpus.files} files, ${(corpus.bytes / 1e6).toFixed(0)} MB (\`--size ${size}\`), local repositories, ${repeats} interleaved repeats; median (range).`,
    '',
    '| step | metric | cairn | restic 0.14 | cairn/restic |',
    '|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.step} | ${r.metric} | ${r.cairn} | ${r.restic} | ${r.ratio} |`),
  );
}

if (wants('micro')) {
  results.micro = {
    chunker: runScript('chunker.ts', ['64']),
    crypto: runScript('crypto.ts', []),
    index: runScript('index.ts', ['--packs', '2000'], ['--expose-gc']),
  };
}

// Standalone suites other parts of the code base own; each prints its own table. Both run the installed
// command (the launcher), as the backup suite does, and keep their repositories in .bench-data between runs.
const suites: Record<string, string[]> = {
  check: ['--repeats', String(repeats), '--launcher', '--repo-cache', join(DATA, 'check-repo')],
  prune: ['--size', size, '--repeats', String(repeats), '--launcher', '--repo-cache', join(DATA, `prune-${size}`)],
};
for (const [part, args] of Object.entries(suites)) {
  if (wants(part) && existsSync(join(ROOT, 'bench', `${part}.ts`))) results[part] = runScript(`${part}.ts`, args);
}

writeFileSync(join(DATA, 'results.json'), JSON.stringify(results, null, 2));
if (markdown.length > 0) console.log(`\n${markdown.join('\n')}\n`);
log(`results written to ${join(DATA, 'results.json')}`);
