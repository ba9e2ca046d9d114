// Benchmark: `cairn prune` against `restic prune` (0.14) on identical copies of one local repository.
// restic writes a history of daily snapshots whose files change between rounds, forgets all but the last
// two, and each repeat times both tools on fresh copies (interleaved, so machine noise hits both alike).
// DESIGN §9: cairn's wall time must be ≤ restic's. Prints a table with the median and range of each.
//
//   node --import tsx bench/prune.ts [--size small|large] [--repeats 3] [--bundle dist/cairn.mjs]
//
// Without --bundle, dist/cairn.mjs is used when it exists (what ships), else the sources through tsx.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cheapenKeys } from '../test/support/restic.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PASSWORD = 'bench-prune';
const SIZES = { small: { rounds: 6, mib: 16 }, large: { rounds: 8, mib: 96 } } as const;

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i < 0 ? undefined : process.argv[i + 1];
}

const size = (option('--size') ?? 'small') as keyof typeof SIZES;
const shape = SIZES[size] ?? SIZES.small;
const repeats = Number(option('--repeats') ?? 3);
const bundle = option('--bundle') ?? (existsSync(join(ROOT, 'dist', 'cairn.mjs')) ? join(ROOT, 'dist', 'cairn.mjs') : undefined);
const cairnArgv = bundle !== undefined ? [process.execPath, bundle] : [process.execPath, '--import', 'tsx', join(ROOT, 'client', 'main.ts')];
const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmpdir(), RESTIC_PASSWORD: PASSWORD, CAIRN_PASSWORD: PASSWORD, TZ: 'UTC' };

function restic(repo: string, args: string[]): string {
  return execFileSync('restic', ['-r', repo, '--no-cache', ...args], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28 });
}

function timed(argv: string[]): number {
  const t = performance.now();
  const r = spawnSync(argv[0]!, argv.slice(1), { env, stdio: ['ignore', 'ignore', 'pipe'], cwd: ROOT });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed: ${r.stderr.toString()}`);
  return (performance.now() - t) / 1000;
}

/** buildRepo writes the history: each round rewrites a fifth of the big files and some small ones. */
function buildRepo(dir: string): string {
  const repo = join(dir, 'repo');
  const src = join(dir, 'src');
  restic(repo, ['init', '-q']);
  cheapenKeys(repo, PASSWORD);
  mkdirSync(src);
  const files = 20;
  for (let round = 0; round < shape.rounds; round++) {
    for (let f = 0; f < files; f++) {
      if (round === 0 || f % 5 === round % 5) writeFileSync(join(src, `big-${f}`), randomBytes(Math.floor((shape.mib << 20) / files)));
    }
    mkdirSync(join(src, `r${round}`));
    for (let i = 0; i < 200; i++) writeFileSync(join(src, `r${round}`, `s${i}`), randomBytes(64).toString('hex'));
    if (round >= 2) rmSync(join(src, `r${round - 2}`), { recursive: true });
    restic(repo, ['backup', '-q', '--time', `2024-01-${String(round + 1).padStart(2, '0')} 10:00:00`, src]);
  }
  restic(repo, ['forget', '-q', '--keep-last', '2']);
  return repo;
}

function stats(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  return `${s[Math.floor(s.length / 2)]!.toFixed(2)} s (${s[0]!.toFixed(2)}–${s[s.length - 1]!.toFixed(2)})`;
}

const dir = mkdtempSync(join(tmpdir(), 'cairn-bench-prune-'));
try {
  process.stderr.write(`building a ${shape.rounds}-round history of ~${shape.mib} MiB per round in ${dir}\n`);
  const template = buildRepo(dir);
  const times = { cairn: [] as number[], restic: [] as number[] };
  for (let i = 0; i < repeats; i++) {
    for (const tool of (i % 2 === 0 ? ['restic', 'cairn'] : ['cairn', 'restic']) as ('cairn' | 'restic')[]) {
      const copy = join(dir, `${tool}-${i}`);
      cpSync(template, copy, { recursive: true });
      const argv = tool === 'restic' ? ['restic', '-r', copy, '--no-cache', 'prune'] : [...cairnArgv, '-r', copy, 'prune'];
      times[tool].push(timed(argv));
      restic(copy, ['check']);
      rmSync(copy, { recursive: true, force: true });
    }
  }
  const ratios = times.cairn.map((c, i) => c / times.restic[i]!);
  console.log(`\nprune, ${shape.rounds} rounds × ${shape.mib} MiB, keep-last 2, local repository, ${repeats} repeats; median (range)`);
  console.log('| tool | wall time |');
  console.log('|---|---|');
  console.log(`| cairn prune (${bundle !== undefined ? 'bundle' : 'tsx'}) | ${stats(times.cairn)} |`);
  console.log(`| restic 0.14 prune | ${stats(times.restic)} |`);
  console.log(`| cairn/restic | ${stats(ratios).replace(/ s/g, '')} |`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
