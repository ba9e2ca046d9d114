// Parsing check options from user strings. CLI flags and a scheduled event's `detail.options` both come
// through here, so `cairn check --read-data-subset 2%` and `{"readDataSubset": "2%"}` mean the same thing
// and fail with the same message naming the flag.
import { UsageError } from '../../core/index.js';
import type { CheckOptions, ReadDataSubset } from './types.js';

/** The raw option names parseCheckOptions understands (camelCased flags). */
export const CHECK_OPTION_NAMES: readonly string[] = ['readData', 'readDataSubset'];

/** restic's size suffixes: binary multiples, upper or lower case. */
const SIZE_UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/**
 * parseCheckOptions validates raw options keyed by camelCased flag name: `readData` (a boolean, or the
 * strings "true"/"false") and `readDataSubset` (`n/t` with 1 ≤ n ≤ t ≤ 256, `x%` or `x.y%` with
 * 0 < x ≤ 100, or a size like `500M`/`2G` with restic's k/m/g/t binary suffixes). Keys listed in
 * `ignoreKeys` are skipped; an unknown key, a bad value, or both options at once throws a UsageError
 * naming the flag.
 */
export function parseCheckOptions(raw: Record<string, unknown>, ignoreKeys: readonly string[] = []): CheckOptions {
  const opts: CheckOptions = { readData: false };
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined || ignoreKeys.includes(key)) continue;
    if (key === 'readData') opts.readData = parseBoolean(value);
    else if (key === 'readDataSubset') opts.readDataSubset = parseReadDataSubset(value);
    else throw new UsageError(`unknown check option ${JSON.stringify(key)}; known: ${CHECK_OPTION_NAMES.join(', ')}`);
  }
  if (opts.readData && opts.readDataSubset !== undefined) {
    throw new UsageError('--read-data and --read-data-subset cannot be used together: give one of them');
  }
  return opts;
}

function parseBoolean(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new UsageError(`--read-data: ${JSON.stringify(value)} is not true or false`);
}

/** parseReadDataSubset reads one `--read-data-subset` value (see parseCheckOptions). */
export function parseReadDataSubset(value: unknown): ReadDataSubset {
  const text = typeof value === 'string' ? value.trim() : '';
  const group = /^(\d+)\/(\d+)$/.exec(text);
  if (group) {
    const n = Number(group[1]);
    const t = Number(group[2]);
    // Groups are taken by the first byte of the pack ID modulo t, so t above 256 would leave groups empty.
    if (n < 1 || t < 1 || n > t || t > 256) {
      throw new UsageError(`--read-data-subset: ${text} needs 1 ≤ n ≤ t ≤ 256 in n/t, e.g. 1/5`);
    }
    return { kind: 'group', n, t };
  }
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(text);
  if (percent) {
    const p = Number(percent[1]);
    if (!(p > 0 && p <= 100)) throw new UsageError(`--read-data-subset: ${text} must be a share above 0% and at most 100%`);
    return { kind: 'percent', percent: p };
  }
  const size = /^(\d+)([kKmMgGtT]?)$/.exec(text);
  if (size) {
    const bytes = Number(size[1]) * SIZE_UNITS[size[2]!.toLowerCase()]!;
    if (!(bytes > 0) || !Number.isSafeInteger(bytes)) throw new UsageError(`--read-data-subset: ${text} must be a size above 0, e.g. 500M`);
    return { kind: 'size', bytes };
  }
  throw new UsageError(
    `--read-data-subset: ${JSON.stringify(value)} is not a subset; write n/t (e.g. 1/5), a share (e.g. 10% or 2.5%), or a size (e.g. 2G)`,
  );
}
