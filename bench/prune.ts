// Benchmark: `cairn prune` against `restic prune` (0.14) on identical copies of one local repository.
// restic writes a history in which prune has real work: a deep directory tree (thousands of tree blobs per
// snapshot, a few hundred of them changed per round), many small files and big files rewritten between
// rounds, then `forget --keep-last`. Afterwards tree packs and early data packs are partly used (repacked),
// later data packs are wholly unused (deleted). Each repeat times every tool on a fresh copy, in rotating
// order so that machine noise hits all alike; `restic check` verifies each result.
// DESIGN §9: cairn's wall time must be ≤ restic's. Prints median (range) of wall, CPU and peak RSS, and of
// the per-repeat ratio cairn/restic. cairn runs in its default two-phase mode and with --instant-delete
// (restic's algorithm, deleting at once).
//
//   node --import tsx bench/prune.ts [--size small|large] [--repeats 3] [--bundle dist/cairn.mjs | --launcher]
//                                    [--repo-cache DIR] [--modes two-phase,instant]
//
// Without --bundle, dist/cairn.mjs is used when it exists (what ships), else the sources through tsx.
// --launcher runs bin/cairn.js instead, as users do (its memory settings apply to backup only; see that file).
// --repo-cache keeps the built repository in DIR and reuses it on the next run (for profiling).
import { execFileSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cheapenKeys } from '../test/support/restic.js';
import { measure, type Measurement } from './measure.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PASSWORD = 'bench-prune';

/** The history's shape: a tree of dirs × subdirs leaf directories of small files, plus big files. */
interface Shape {
  readonly dirs: number;
  readonly subdirs: number;
  readonly filesPerDir: number;
  readonly bigFiles: number;
  readonly bigMiB: number;
  /** Backups after the first one. */
  readonly rounds: number;
  /** Per round: big files rewritten, small files rewritten (at random places). */
  readonly bigChanged: number;
  readonly smallChanged: number;
  readonly keepLast: number;
}

const SIZES: Record<string, Shape> = {
  small: { dirs: 10, subdirs: 20, filesPerDir: 3, bigFiles: 10, bigMiB: 2, rounds: 8, bigChanged: 2, smallChanged: 60, keepLast: 3 },
  large: { dirs: 50, subdirs: 120, filesPerDir: 3, bigFiles: 40, bigMiB: 5, rounds: 24, bigChanged: 3, smallChanged: 800, keepLast: 6 },
};

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i < 0 ? undefined : process.argv[i + 1];
}

const sizeName = option('--size') ?? 'small';
const shape = SIZES[sizeName] ?? SIZES.small!;
const repeats = Number(option('--repeats') ?? 3);
const repoCache = option('--repo-cache');
const modes = (option('--modes') ?? 'two-phase,instant').split(',');
const bundle = option('--bundle') ?? (existsSync(join(ROOT, 'dist', 'cairn.mjs')) ? join(ROOT, 'dist', 'cairn.mjs') : undefined);
const launcher = process.argv.includes('--launcher') ? join(ROOT, 'bin', 'cairn.js') : undefined;
const cairnArgv = bundle !== undefined ? [bundle] : ['--import', 'tsx', join(ROOT, 'client', 'main.ts')];
const build = launcher !== undefined ? 'launcher' : bundle !== undefined ? 'bundle' : 'tsx';
const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmpdir(), RESTIC_PASSWORD: PASSWORD, CAIRN_PASSWORD: PASSWORD, TZ: 'UTC' };

function restic(repo: string, args: string[]): string {
  return execFileSync('restic', ['-r', repo, '--no-cache', ...args], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28 });
}

function smallFile(src: string, d: number, s: number, f: number): string {
  return join(src, 'tree', `d${d}`, `s${s}`, `f${f}`);
}

/** buildRepo writes the history with restic and forgets all but the last few snapshots. */
function buildRepo(dir: string): string {
  const repo = join(dir, 'repo');
  const src = join(dir, 'src');
  restic(repo, ['init', '-q']);
  cheapenKeys(repo, PASSWORD);
  mkdirSync(join(src, 'big'), { recursive: true });
  for (let d = 0; d < shape.dirs; d++) {
    for (let s = 0; s < shape.subdirs; s++) {
      mkdirSync(join(src, 'tree', `d${d}`, `s${s}`), { recursive: true });
      for (let f = 0; f < shape.filesPerDir; f++) writeFileSync(smallFile(src, d, s, f), randomBytes(randomInt(512, 6144)));
    }
  }
  const bigBytes = shape.bigMiB << 20;
  for (let b = 0; b < shape.bigFiles; b++) writeFileSync(join(src, 'big', `b${b}`), randomBytes(bigBytes));
  for (let round = 0; round <= shape.rounds; round++) {
    if (round > 0) {
      // Rewritten big files leave their old chunks unused once the old snapshots go; rewritten small files
      // do the same to single blobs scattered over many packs, and change a leaf tree and its parents.
      for (let i = 0; i < shape.bigChanged; i++) writeFileSync(join(src, 'big', `b${(round * shape.bigChanged + i) % shape.bigFiles}`), randomBytes(bigBytes));
      for (let i = 0; i < shape.smallChanged; i++) {
        const path = smallFile(src, randomInt(shape.dirs), randomInt(shape.subdirs), randomInt(shape.filesPerDir));
        writeFileSync(path, randomBytes(randomInt(512, 6144)));
      }
    }
    const day = new Date(Date.UTC(2024, 0, 1 + round, 10)).toISOString().slice(0, 19).replace('T', ' ');
    // 4 MiB packs, as restic wrote them before 0.14: four times as many packs to judge, read and delete.
    restic(repo, ['backup', '-q', '--pack-size', '4', '--host', 'bench', '--time', day, src]);
  }
  restic(repo, ['forget', '-q', '--keep-last', String(shape.keepLast)]);
  return repo;
}

function folderBytes(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) total += statSync(join(e.parentPath, e.name)).size;
  return total;
}

function summary(xs: readonly number[], digits: number, unit = ''): string {
  const s = [...xs].sort((a, b) => a - b);
  const median = s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  return `${median.toFixed(digits)}${unit} (${s[0]!.toFixed(digits)}–${s[s.length - 1]!.toFixed(digits)})`;
}

function load(): string {
  return loadavg().map((x) => x.toFixed(2)).join(' ');
}

type Tool = 'restic' | 'cairn' | 'cairn --instant-delete';
const tools: Tool[] = ['restic', ...(modes.includes('two-phase') ? ['cairn' as const] : []), ...(modes.includes('instant') ? ['cairn --instant-delete' as const] : [])];

function argvOf(tool: Tool, copy: string): [string, string[]] {
  if (tool === 'restic') return ['restic', ['-r', copy, '--no-cache', 'prune']];
  const args = ['-r', copy, 'prune', ...(tool === 'cairn' ? [] : ['--instant-delete'])];
  return launcher !== undefined ? [launcher, args] : [process.execPath, [...cairnArgv, ...args]];
}

const dir = mkdtempSync(join(tmpdir(), 'cairn-bench-prune-'));
try {
  let template: string;
  const started = performance.now();
  if (repoCache !== undefined && existsSync(join(repoCache, 'repo', 'config'))) {
    template = join(repoCache, 'repo');
    process.stderr.write(`reusing ${template}\n`);
  } else {
    const home = repoCache ?? dir;
    mkdirSync(home, { recursive: true });
    process.stderr.write(`building ${shape.rounds + 1} snapshots of ${shape.dirs * shape.subdirs} directories in ${home}\n`);
    template = buildRepo(home);
    rmSync(join(home, 'src'), { recursive: true, force: true });
  }
  const buildS = (performance.now() - started) / 1000;
  const packs = readdirSync(join(template, 'data'), { recursive: true }).filter((n) => String(n).length > 60).length;
  const repoMB = folderBytes(template) / 1e6;
  const plan = restic(template, ['prune', '--dry-run']).split('\n').filter((l) => /^(to repack|this removes|to delete|total prune|unused size after)/.test(l.trim()));
  process.stderr.write(`repository: ${repoMB.toFixed(0)} MB, ${packs} packs (${buildS.toFixed(0)} s); restic's plan:\n  ${plan.map((l) => l.trim()).join('\n  ')}\n`);

  const loadBefore = load();
  const results = new Map<Tool, Measurement[]>(tools.map((t) => [t, []]));
  for (let i = 0; i < repeats; i++) {
    // Rotate the order so no tool always runs first (a cold page cache or a neighbour's burst).
    const order = tools.map((_, k) => tools[(k + i) % tools.length]!);
    for (const tool of order) {
      const copy = join(dir, `copy-${i}`);
      cpSync(template, copy, { recursive: true });
      const [cmd, args] = argvOf(tool, copy);
      const m = await measure(cmd, args, env);
      results.get(tool)!.push(m);
      process.stderr.write(`repeat ${i + 1}: ${tool}: ${m.wallS.toFixed(2)} s wall, ${m.cpuS.toFixed(2)} s CPU, ${m.peakRssMB.toFixed(0)} MB\n`);
      restic(copy, ['check', '-q']);
      rmSync(copy, { recursive: true, force: true });
    }
  }

  const base = results.get('restic')!;
  console.log(
    `\nprune of a ${repoMB.toFixed(0)} MB repository (${packs} packs, ${shape.rounds + 1} snapshots of ${shape.dirs * shape.subdirs} dirs, ` +
      `keep-last ${shape.keepLast}), local, ${repeats} interleaved repeats, load ${loadBefore} → ${load()}; median (range)`,
  );
  console.log('| tool | wall | CPU | peak RSS | wall ratio to restic | CPU ratio to restic |');
  console.log('|---|---|---|---|---|---|');
  for (const tool of tools) {
    const ms = results.get(tool)!;
    const label = tool === 'restic' ? 'restic 0.14 prune' : tool === 'cairn' ? `cairn prune (two-phase, ${build})` : `cairn prune --instant-delete (${build})`;
    const ratio = (f: (m: Measurement) => number): string => (tool === 'restic' ? '1' : summary(ms.map((m, k) => f(m) / f(base[k]!)), 2));
    console.log(
      `| ${label} | ${summary(ms.map((m) => m.wallS), 2, ' s')} | ${summary(ms.map((m) => m.cpuS), 2, ' s')} | ${summary(ms.map((m) => m.peakRssMB), 0, ' MB')} | ` +
        `${ratio((m) => m.wallS)} | ${ratio((m) => m.cpuS)} |`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
