// An exclude file (--exclude-file, --iexclude-file) holds one pattern per line. restic reads it as text
// (a UTF-8 BOM is dropped, UTF-16 with a BOM is decoded), trims each line, skips blank lines and lines
// starting with `#`, and expands environment variables in what remains (`$$` for a literal dollar).
import { readFileSync } from 'node:fs';
import { UsageError } from '../../shared/core/errors.js';
import { expandEnv, type Env } from './expand-env.js';

/**
 * readPatternFile returns the patterns of one exclude file, in file order, expanded against `env`.
 * Throws a UsageError naming `flag` and the file when it cannot be read.
 */
export function readPatternFile(path: string, env: Env, flag = '--exclude-file'): string[] {
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new UsageError(`${flag}: cannot read pattern file ${path} (${reason}); check the path`, { cause: err });
  }
  const patterns: string[] = [];
  for (const rawLine of decodeText(data).split('\n')) {
    const line = trimGo(rawLine);
    if (line === '' || line.startsWith('#')) continue;
    patterns.push(expandEnv(line, env));
  }
  return patterns;
}

/** decodeText turns file bytes into a string the way restic's textfile.Read does. */
export function decodeText(data: Buffer): string {
  if (data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) return data.subarray(3).toString('utf8');
  if (data[0] === 0xff && data[1] === 0xfe) return data.subarray(2).toString('utf16le');
  if (data[0] === 0xfe && data[1] === 0xff) {
    const swapped = Buffer.from(data.subarray(2, 2 + ((data.length - 2) & ~1)));
    return swapped.swap16().toString('utf16le');
  }
  return data.toString('utf8');
}

// Go's unicode.IsSpace, which strings.TrimSpace uses. It differs from String.prototype.trim: U+0085 is
// space to Go, and U+FEFF is not.
const GO_SPACE = '\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const TRIM = new RegExp(`^[${GO_SPACE}]+|[${GO_SPACE}]+$`, 'g');

function trimGo(s: string): string {
  return s.replace(TRIM, '');
}
