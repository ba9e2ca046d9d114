#!/usr/bin/env node
// The installed `cairn` command: runs the bundled CLI that `npm run build` writes.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundle = fileURLToPath(new URL('../dist/cairn.mjs', import.meta.url));
if (!existsSync(bundle)) {
  process.stderr.write('cairn: not built yet; run `npm run build` first\n');
  process.exit(1);
}
await import(bundle);
