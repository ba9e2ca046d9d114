// Backup targets read from files, restic 0.14's three ways: --files-from (one pattern per line, trimmed,
// `#` comments, each expanded like Go's filepath.Glob), --files-from-verbatim (one path per line, exactly
// as written) and --files-from-raw (paths separated by NUL bytes, as `find -print0` writes them).
import { lstatSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { posix } from 'node:path';
import { UsageError } from '../../shared/core/index.js';
import { compileGlob, GlobSyntaxError } from '../filter/glob.js';

export interface FilesFromOptions {
  readonly filesFrom?: readonly string[];
  readonly filesFromVerbatim?: readonly string[];
  readonly filesFromRaw?: readonly string[];
  /** A pattern that matched nothing (restic warns and goes on). */
  readonly warn: (message: string) => void;
}

/** readFilesFrom returns the targets named by the files, in restic's order: globbed, verbatim, raw. */
export function readFilesFrom(opts: FilesFromOptions): string[] {
  const targets: string[] = [];
  for (const file of opts.filesFrom ?? []) {
    for (const raw of readText(file, '--files-from').split('\n')) {
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) continue;
      const found = glob(line);
      if (found.length === 0) opts.warn(`pattern "${line}" does not match any files, skipping`);
      targets.push(...found);
    }
  }
  for (const file of opts.filesFromVerbatim ?? []) {
    for (const line of readText(file, '--files-from-verbatim').split('\n')) if (line !== '') targets.push(line.replace(/\r$/, ''));
  }
  for (const file of opts.filesFromRaw ?? []) {
    for (const name of readText(file, '--files-from-raw').split('\0')) if (name !== '') targets.push(name);
  }
  return targets;
}

function readText(file: string, flag: string): string {
  try {
    return readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (err) {
    throw new UsageError(`${flag}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

const META = /[*?[\\]/;

/** glob expands one pattern as filepath.Glob does: sorted matches per directory, hidden names included. */
export function glob(pattern: string): string[] {
  if (!META.test(pattern)) return lstatSync(pattern, { throwIfNoEntry: false }) ? [pattern] : [];
  const slash = pattern.lastIndexOf('/');
  const dirPart = slash < 0 ? '.' : slash === 0 ? '/' : pattern.slice(0, slash);
  const file = pattern.slice(slash + 1);
  const dirs = META.test(dirPart) ? glob(dirPart) : [dirPart];
  let matcher: (name: string) => boolean;
  try {
    matcher = compileGlob(file);
  } catch (err) {
    if (err instanceof GlobSyntaxError) throw new UsageError(`--files-from: malformed pattern "${pattern}"`);
    throw err;
  }
  const out: string[] = [];
  for (const dir of dirs) {
    if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) continue;
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      continue; // Go's glob ignores directories it cannot read.
    }
    for (const name of names) if (matcher(name)) out.push(slash < 0 ? name : posix.join(dir, name));
  }
  return out;
}
