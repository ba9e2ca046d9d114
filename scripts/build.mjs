#!/usr/bin/env node
// Builds what runs outside the source tree: the CLI bundle (dist/cairn.mjs, with the S3 SDK split into a
// chunk that only loads for s3: repositories) and one self-contained file per Lambda handler
// (dist/functions/<name>.mjs, runnable without node_modules).
import { build } from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { basename } from 'node:path';

// Some bundled dependencies are CommonJS and call require(); ESM output needs one defined.
const requireShim = "import { createRequire as __cairnCreateRequire } from 'node:module'; const require = __cairnCreateRequire(import.meta.url);";

rmSync('dist', { recursive: true, force: true });

await build({
  // Each worker thread's script is its own entry at the top of dist/ (see shared/repository/worker-thread.ts).
  entryPoints: {
    cairn: 'client/main.ts',
    'encoder-worker': 'shared/repository/encoder-worker.ts',
    'pack-verify-worker': 'shared/repository/pack-verify-worker.ts',
    'blob-verify-worker': 'shared/repository/blob-verify-worker.ts',
    'blob-decode-worker': 'shared/repository/blob-decode-worker.ts',
  },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // zstd-napi is a native addon: loaded from node_modules at run time (Node >= 22.15 uses node:zlib instead).
  external: ['zstd-napi'],
  banner: { js: requireShim },
  logLevel: 'warning',
});

const handlers = readdirSync('functions').filter((f) => f.endsWith('.ts') && !f.startsWith('_'));
await build({
  entryPoints: handlers.map((f) => `functions/${f}`),
  outdir: 'dist/functions',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  external: ['zstd-napi'],
  banner: { js: requireShim },
  logLevel: 'warning',
});
console.log(`built dist/cairn.mjs and ${handlers.length} functions: ${handlers.map((f) => basename(f, '.ts')).join(', ')}`);
