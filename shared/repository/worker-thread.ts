// Starting a worker thread from either layout the code runs in: the TypeScript sources under tsx (tests,
// `npm run bench` without a build) or the esbuild output, where each worker is its own entry at the top of
// dist/ (scripts/build.mjs) and the module asking for it may sit in a chunk one folder down.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { MasterKey } from '../crypto/index.js';

/**
 * workerScript finds the entry point of worker `name` (e.g. 'encoder-worker') next to this module: the
 * .ts source, or dist/<name>.mjs. Undefined when neither exists, e.g. inside a single-file Lambda bundle;
 * callers then do the work on their own thread.
 */
export function workerScript(name: string): URL | undefined {
  for (const candidate of [`./${name}.ts`, `./${name}.mjs`, `../${name}.mjs`]) {
    const url = new URL(candidate, import.meta.url);
    if (url.protocol === 'file:' && existsSync(fileURLToPath(url))) return url;
  }
  return undefined;
}

/**
 * startWorker runs a worker script. From source the script is TypeScript, and the tsx loader this thread
 * runs under is not inherited by workers (Node 20), so a tiny bootstrap registers tsx first.
 */
export function startWorker(script: URL, workerData: unknown): Worker {
  if (!script.pathname.endsWith('.ts')) return new Worker(script, { workerData });
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(script.href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}

/** The parts of a master key as a worker receives them (typed arrays survive the structured clone). */
export interface MasterKeyParts {
  readonly encrypt: Uint8Array;
  readonly macK: Uint8Array;
  readonly macR: Uint8Array;
}

/** masterKeyParts is what a pool sends a worker of its master key. */
export function masterKeyParts(key: MasterKey): MasterKeyParts {
  return { encrypt: key.encrypt, macK: key.macK, macR: key.macR };
}

/** masterKeyFromParts rebuilds, inside a worker, the master key its pool sent in workerData. */
export function masterKeyFromParts(parts: MasterKeyParts): MasterKey {
  return { encrypt: Buffer.from(parts.encrypt), macK: Buffer.from(parts.macK), macR: Buffer.from(parts.macR) };
}
