// Test support: the Lambda bundles as Lambda would run them. `npm run build` writes dist/functions/*.mjs;
// the five are copied into an EMPTY directory (no node_modules, no package.json) next to a tiny driver that
// plays the Lambda runtime: it imports a bundle, calls `handler(event, context)` with a context whose
// getRemainingTimeInMillis counts down, and reports the result or the error as the runtime would
// ({errorType, errorMessage}). Each invocation is a fresh `node` process: a cold start every time.
//
// zstd: on Node < 22.15 node:zlib has no zstd, and the bundles load the zstd-napi addon at run time (it is
// external in the build, as in the CDK bundling). Lambda's Node 22 has zlib zstd; here NODE_PATH points at a
// separate directory holding ONLY a link to zstd-napi, so nothing else can be resolved from outside the
// bundle.
import { execFile, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
export const HANDLERS = ['job-plan', 'job-work', 'job-finalize', 'job-failed', 'monitor'] as const;
export type HandlerName = (typeof HANDLERS)[number];

const DRIVER = `
import { readFileSync, writeFileSync } from 'node:fs';
const [name, inFile, outFile, remaining] = process.argv.slice(2);
const started = Date.now();
const context = { awsRequestId: 'local-' + process.pid, getRemainingTimeInMillis: () => Number(remaining) - (Date.now() - started) };
let out;
try {
  const { handler } = await import('./' + name + '.mjs');
  out = { result: await handler(JSON.parse(readFileSync(inFile, 'utf8')), context) };
} catch (err) {
  out = { errorType: err && err.name ? err.name : 'Error', errorMessage: err && err.message ? err.message : String(err) };
}
writeFileSync(outFile, JSON.stringify(out ?? { result: null }));
`;

/** What an invocation returned: the handler's result, or the error as the Lambda runtime reports it. */
export type Invocation = { result: unknown } | { errorType: string; errorMessage: string };

export interface Sandbox {
  readonly dir: string;
  invoke(name: HandlerName, event: unknown, env: Record<string, string>, opts?: { remainingMs?: number }): Promise<Invocation & { logs: string }>;
  /** Removes the directories. */
  close(): void;
}

// Not tempDir(): these live for a whole suite, and are made inside a before() hook.
const makeDir = (prefix: string): string => mkdtempSync(join(tmpdir(), prefix));

/** buildSandbox runs `npm run build` and copies the five bundles into an empty directory. */
export async function buildSandbox(): Promise<Sandbox> {
  await promisify(execFile)(process.execPath, ['scripts/build.mjs'], { cwd: ROOT });
  const dir = makeDir('cairn-lambda-');
  for (const name of HANDLERS) copyFileSync(join(ROOT, 'dist/functions', `${name}.mjs`), join(dir, `${name}.mjs`));
  writeFileSync(join(dir, 'driver.mjs'), DRIVER);
  let nodePath: string | undefined;
  if (typeof (zlib as { zstdCompressSync?: unknown }).zstdCompressSync !== 'function') {
    nodePath = makeDir('cairn-zstd-only-');
    symlinkSync(join(ROOT, 'node_modules/zstd-napi'), join(nodePath, 'zstd-napi'));
  }
  const io = makeDir('cairn-lambda-io-');
  let seq = 0;
  return {
    dir,
    close() {
      for (const d of [dir, io, nodePath]) if (d) rmSync(d, { recursive: true, force: true });
    },
    invoke(name, event, env, opts = {}) {
      const n = seq++;
      const inFile = join(io, `${n}-in.json`);
      const outFile = join(io, `${n}-out.json`);
      writeFileSync(inFile, JSON.stringify(event));
      return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, ['driver.mjs', name, inFile, outFile, String(opts.remainingMs ?? 900_000)], {
          cwd: dir,
          env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...(nodePath ? { NODE_PATH: nodePath } : {}), ...env },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let logs = '';
        child.stdout.setEncoding('utf8').on('data', (d: string) => (logs += d));
        child.stderr.setEncoding('utf8').on('data', (d: string) => (logs += d));
        child.on('error', reject);
        child.on('close', (code) => {
          try {
            resolve({ ...(JSON.parse(readFileSync(outFile, 'utf8')) as Invocation), logs });
          } catch {
            reject(new Error(`${name} exited ${code} without a result: ${logs}`));
          }
        });
      });
    },
  };
}
