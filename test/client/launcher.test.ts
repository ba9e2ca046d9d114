// bin/cairn.js, the installed `cairn` command: run as a program it must start Node with cairn's memory
// settings (glibc's mmap threshold, V8's young generation size) and then run the CLI; run with `node` it
// must still work. Needs the bundle (npm run build, which .ci/run does before the tests).
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

test('run as a program, the launcher starts Node with the memory settings and runs the CLI', { skip: !built && 'run npm run build first' }, () => {
  const dir = tempDir();
  // A preload that reports how this Node was started; NODE_OPTIONS reaches the process the launcher execs.
  const report = join(dir, 'report.json');
  const preload = join(dir, 'report.cjs');
  writeFileSync(preload, `require('node:fs').writeFileSync(${JSON.stringify(report)}, JSON.stringify({ execArgv: process.execArgv, mmap: process.env.MALLOC_MMAP_THRESHOLD_ }));`);
  const r = spawnSync(LAUNCHER, ['--version'], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: `--require ${preload}` } });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), VERSION);
  const seen = JSON.parse(readFileSync(report, 'utf8')) as { execArgv: string[]; mmap?: string };
  assert.ok(seen.execArgv.includes('--max-semi-space-size=2'), `execArgv: ${seen.execArgv.join(' ')}`);
  assert.equal(seen.mmap, '262144');
  // A value the user set wins.
  const own = spawnSync(LAUNCHER, ['--version'], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: `--require ${preload}`, MALLOC_MMAP_THRESHOLD_: '65536' } });
  assert.equal(own.status, 0, own.stderr);
  assert.equal((JSON.parse(readFileSync(report, 'utf8')) as { mmap?: string }).mmap, '65536');
});

test('run with node, the launcher is plain JavaScript and runs the CLI', { skip: !built && 'run npm run build first' }, () => {
  const r = spawnSync(process.execPath, [LAUNCHER, '--version'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), VERSION);
});
