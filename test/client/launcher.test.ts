// bin/cairn.js, the installed `cairn` command: run as a program it must start Node (for backup with cairn's
// memory settings: glibc's mmap threshold, V8's young generation size) and then run the CLI; run with
// `node` it must still work. Needs the bundle (npm run build, which .ci/run does before the tests).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../support/tmp.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const LAUNCHER = join(ROOT, 'bin', 'cairn.js');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const built = existsSync(join(ROOT, 'dist', 'cairn.mjs'));

test('run as a program, the launcher gives backup the memory settings and other commands the defaults', { skip: !built && 'run npm run build first' }, () => {
  const dir = tempDir();
  // A preload that reports how this Node was started; NODE_OPTIONS reaches the process the launcher execs.
  const report = join(dir, 'report.json');
  const preload = join(dir, 'report.cjs');
  writeFileSync(preload, `require('node:fs').writeFileSync(${JSON.stringify(report)}, JSON.stringify({ execArgv: process.execArgv, mmap: process.env.MALLOC_MMAP_THRESHOLD_ }));`);
  const run = (args: string[], extra: NodeJS.ProcessEnv = {}): { stdout: string; execArgv: string[]; mmap?: string } => {
    const r = spawnSync(LAUNCHER, args, { encoding: 'utf8', env: { ...process.env, MALLOC_MMAP_THRESHOLD_: undefined, NODE_OPTIONS: `--require ${preload}`, ...extra } });
    assert.equal(r.status, 0, r.stderr);
    return { stdout: r.stdout, ...(JSON.parse(readFileSync(report, 'utf8')) as { execArgv: string[]; mmap?: string }) };
  };
  const backup = run(['backup', '--help']);
  assert.match(backup.stdout, /Usage: cairn backup/);
  assert.ok(backup.execArgv.includes('--max-semi-space-size=2'), `execArgv: ${backup.execArgv.join(' ')}`);
  assert.equal(backup.mmap, '262144');
  // A value the user set wins.
  assert.equal(run(['backup', '--help'], { MALLOC_MMAP_THRESHOLD_: '65536' }).mmap, '65536');
  const version = run(['--version']);
  assert.equal(version.stdout.trim(), VERSION);
  assert.deepEqual(version.execArgv, []);
  assert.equal(version.mmap, undefined);
});

test('run with node, the launcher is plain JavaScript and runs the CLI', { skip: !built && 'run npm run build first' }, () => {
  const r = spawnSync(process.execPath, [LAUNCHER, '--version'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), VERSION);
});
