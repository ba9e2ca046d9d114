// Sizes given on the command line (--exclude-larger-than), in restic's notation: a decimal integer with an
// optional one-letter unit b, k, m, g or t (either case), each step a factor of 1024. "512" is bytes.

import { UsageError } from '../../shared/core/errors.js';

const UNITS: Readonly<Record<string, number>> = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/**
 * parseSize returns the size in bytes. Throws a UsageError naming `flag` for anything else (no number,
 * a fraction, an unknown unit, or more than 2^53 bytes).
 */
export function parseSize(value: string, flag = '--exclude-larger-than'): number {
  const m = /^([+-]?\d+)([bkmgtBKMGT]?)$/.exec(value);
  const bytes = m ? Number(m[1]) * (UNITS[m[2]!.toLowerCase()] ?? 1) : NaN;
  if (!Number.isSafeInteger(bytes)) {
    throw new UsageError(`${flag}: invalid size ${JSON.stringify(value)}: write a whole number with an optional unit k, m, g or t (1024-based), e.g. 500k or 2G`);
  }
  return bytes;
}
