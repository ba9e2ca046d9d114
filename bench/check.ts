// Benchmark: `cairn check --read-data` against `restic check --read-data` (0.14) on one local repository
// that restic wrote (~300 MB stored by default: mostly incompressible files plus some text). Repeats are
// interleaved, so machine noise hits both tools alike. DESIGN §9: cairn's wall time must be ≤ restic's.
// Keys are re-wrapped with cheap scrypt, so the figures are the check itself, not the password.
//
//   node --import tsx bench/check.ts [--mib 300] [--repeats 3] [--bundle dist/cairn.mjs | --launcher]
//                                    [--repo DIR | --repo-cache DIR]
//
// Without --bundle, dist/cairn.mjs is used when it exists (what ships), else the sources through tsx.
// --launcher runs bin/cairn.js instead, as users do (its memory settings apply to backup only; see that file).
// --repo reuses a repository (password in RESTIC_PASSWORD) instead of building one.
// --repo-cache builds the repository in DIR on the first run and reuses it after (for profiling).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cheapenKeys } from '../test/support/restic.js';
import { measure, type Measurement } from './measure.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface CheckBenchOptions {
  /** Stored size to build, in MiB (ignored with `repo`). */
  readonly mib?: number;
  readonly repeats?: number;
  /** The CLI bundle to run; default dist/cairn.mjs when built, else the sources through tsx. */
  readonly bundle?: string;
  /** Run bin/cairn.js (the command users run) instead of a bundle. */
  readonly launcher?: boolean;
  /** An existing local repository to check instead of building one; `password` opens it. */
  readonly repo?: string;
  /** Build the repository in this directory once and reuse it on later runs (ignored with `repo`). */
  readonly repoCache?: string;
  readonly password?: string;
  readonly log?: (line: string) => void;
}

export interface CheckBenchResult {
  readonly storedMiB: number;
  readonly restic: Measurement[];
  readonly cairn: Measurement[];
  /** cairn wall time ÷ restic wall time, per interleaved repeat. */
  readonly ratios: number[];
  /** The 1-minute load average before the first and after the last repeat: a shared machine's noise. */
  readonly load: [number, number];
}

/** runCheckBench builds (or reuses) the repository, then times both tools `repeats` times, interleaved. */
export async function runCheckBench(opts: CheckBenchOptions = {}): Promise<CheckBenchResult> {
  const log = opts.log ?? ((line: string) => process.stderr.write(line + '\n'));
  const password = opts.password ?? process.env.RESTIC_PASSWORD ?? 'bench-check';
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmpdir(), RESTIC_PASSWORD: password, CAIRN_PASSWORD: password, TZ: 'UTC' };
  const bundle = opts.bundle ?? (existsSync(join(ROOT, 'dist', 'cairn.mjs')) ? join(ROOT, 'dist', 'cairn.mjs') : undefined);
  const launcher = join(ROOT, 'bin', 'cairn.js');
  const [cairnCmd, cairnArgv] = opts.launcher ? [launcher, []] : [process.execPath, bundle !== undefined ? [bundle] : ['--import', 'tsx', join(ROOT, 'client', 'main.ts')]];
  const cached = opts.repo === undefined && opts.repoCache !== undefined;
  const dir = opts.repo !== undefined ? undefined : (opts.repoCache ?? mkdtempSync(join(tmpdir(), 'cairn-bench-check-')));
  try {
    const repo = opts.repo ?? (cached && existsSync(join(dir!, 'repo', 'config')) ? join(dir!, 'repo') : buildRepo(dir!, opts.mib ?? 300, env, log));
    const storedMiB = Number(execFileSync('du', ['-sm', repo], { encoding: 'utf8' }).split('\t')[0]);
    log(`checking ${repo} (${storedMiB} MiB stored) with ${opts.launcher ? launcher : (bundle ?? 'the sources through tsx')}`);
    const result: CheckBenchResult = { storedMiB, restic: [], cairn: [], ratios: [], load: [loadavg()[0]!, 0] };
    for (let i = 0; i < (opts.repeats ?? 3); i++) {
      const r = await measure('restic', ['-r', repo, '--no-cache', '-q', 'check', '--read-data'], env);
      const c = await measure(cairnCmd, [...cairnArgv, '-r', repo, '-q', 'check', '--read-data'], { ...env, NODE_OPTIONS: '' });
      result.restic.push(r);
      result.cairn.push(c);
      result.ratios.push(c.wallS / r.wallS);
      log(`  repeat ${i + 1}: restic ${r.wallS.toFixed(2)} s, cairn ${c.wallS.toFixed(2)} s, ratio ${(c.wallS / r.wallS).toFixed(2)}`);
    }
    result.load[1] = loadavg()[0]!;
    return result;
  } finally {
    if (dir !== undefined && !cached) rmSync(dir, { recursive: true, force: true });
  }
}

/** buildRepo lets restic back up `mib` MiB: 90 % random files of 10 MiB, 10 % text that compresses well. */
function buildRepo(dir: string, mib: number, env: Record<string, string>, log: (line: string) => void): string {
  const repo = join(dir, 'repo');
  const src = join(dir, 'src');
  rmSync(repo, { recursive: true, force: true });
  rmSync(src, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const restic = (args: string[]): string => execFileSync('restic', ['-r', repo, '--no-cache', ...args], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  log(`building a ${mib} MiB repository with restic in ${dir}`);
  restic(['init', '-q']);
  cheapenKeys(repo, env.RESTIC_PASSWORD);
  mkdirSync(src);
  const random = Math.max(1, Math.round((mib * 0.9) / 10));
  for (let i = 0; i < random; i++) writeFileSync(join(src, `random-${i}`), randomBytes(10 << 20));
  const lines: string[] = [];
  for (let i = 0; lines.length < (mib << 20) * 0.1 * 6 / 40; i++) lines.push(`line ${i} ${randomBytes(8).toString('hex')}`);
  writeFileSync(join(src, 'text'), lines.join('\n'));
  restic(['backup', '-q', src]);
  rmSync(src, { recursive: true, force: true });
  return repo;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i < 0 ? undefined : process.argv[i + 1];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const mib = option('--mib');
  const repeats = option('--repeats');
  const bundle = option('--bundle');
  const repo = option('--repo');
  const repoCache = option('--repo-cache');
  const r = await runCheckBench({
    ...(mib ? { mib: Number(mib) } : {}),
    ...(repeats ? { repeats: Number(repeats) } : {}),
    ...(bundle ? { bundle } : {}),
    ...(repo ? { repo } : {}),
    ...(repoCache ? { repoCache } : {}),
    launcher: process.argv.includes('--launcher'),
  });
  const row = (name: string, ms: Measurement[]): string => {
    const walls = ms.map((m) => m.wallS);
    return `${name.padEnd(7)} wall median ${median(walls).toFixed(2)} s (range ${Math.min(...walls).toFixed(2)}–${Math.max(...walls).toFixed(2)}), ` +
      `cpu median ${median(ms.map((m) => m.cpuS)).toFixed(2)} s, peak RSS median ${median(ms.map((m) => m.peakRssMB)).toFixed(0)} MB`;
  };
  console.log(`check --read-data, ${r.storedMiB} MiB stored, ${r.ratios.length} interleaved repeats, load ${r.load[0].toFixed(1)} → ${r.load[1].toFixed(1)}`);
  console.log(row('restic', r.restic));
  console.log(row('cairn', r.cairn));
  console.log(`ratio cairn/restic wall: median ${median(r.ratios).toFixed(2)} (range ${Math.min(...r.ratios).toFixed(2)}–${Math.max(...r.ratios).toFixed(2)})`);
}
