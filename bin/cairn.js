#!/bin/sh
':' //; for a; do [ "$a" = backup ] && exec env MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_:-262144}" node --max-semi-space-size=2 "$0" "$@"; done; exec node "$0" "$@"
// The installed `cairn` command: runs the bundled CLI that `npm run build` writes.
//
// Run as a program this file is first a shell script: the line above starts Node on this same file (to
// JavaScript that line is a string and a comment). For `backup` it adds two memory settings, which cut a
// first backup's peak memory by about a third (bench/, `npm run bench -- --only backup`):
// - MALLOC_MMAP_THRESHOLD_: glibc serves buffers of 256 KiB and more straight from the system and returns
//   them when freed. By default one freed large buffer raises that threshold up to 32 MiB, after which the
//   freed read and encode buffers stay as holes in each thread's heap, resident but unused.
// - --max-semi-space-size=2: V8's young generation keeps 2 MiB semi-spaces instead of growing to 16 MiB
//   (32 MB resident); a backup's short-lived objects are collected a little more often, at no measured cost.
// Other commands keep Node's defaults: check and prune re-read large packs, which the fixed threshold turns
// into fresh mappings, and allocate more long-lived objects, which the small young generation collects
// more often (measured: check --read-data ~15 % slower, prune ~18 % more CPU with the settings).
// `node bin/cairn.js` skips the settings and works the same.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundle = fileURLToPath(new URL('../dist/cairn.mjs', import.meta.url));
if (!existsSync(bundle)) {
  process.stderr.write('cairn: not built yet; run `npm run build` first\n');
  process.exit(1);
}
await import(bundle);
