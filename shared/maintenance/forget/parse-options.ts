// Parsing forget options from user strings. The CLI flags and a scheduled event's `detail.options` both come
// through here, so `cairn forget --keep-daily 7` and `{"keepDaily": "7"}` mean the same thing and fail with
// the same message naming the flag.
import { UsageError } from '../../core/index.js';
import { parseDuration, type Duration } from './duration.js';
import {
  COUNT_KEYS, defaultForgetOptions, WITHIN_KEYS, type CountKey, type ForgetOptions, type GroupBy, type WithinKey,
} from './options.js';

/** Raw key (the camelCased flag, or its plural) → the list option it fills. */
const LIST_KEYS = {
  keepTag: 'keepTags', keepTags: 'keepTags', tag: 'tags', tags: 'tags',
  host: 'hosts', hosts: 'hosts', hostname: 'hosts', path: 'paths', paths: 'paths',
} as const;

/** The raw option names parseForgetOptions understands (camelCased flags, e.g. `keepWithinDaily`). */
export const FORGET_OPTION_NAMES: readonly string[] = [...COUNT_KEYS, ...WITHIN_KEYS, ...Object.keys(LIST_KEYS), 'groupBy'];

type RawValue = string | string[] | number | undefined;

/**
 * parseForgetOptions validates user-supplied option values keyed by camelCased flag name (`keepLast`,
 * `keepWithinDaily`, `keepTag`, `host`, `tag`, `path`, `groupBy`; plurals accepted) into ForgetOptions.
 * Counts take Go integer syntax as restic does (`7`, `-1`, `0x10`; a leading 0 means octal); durations
 * `1y2m3d4h`; tag lists `a,b` (each element one list); group-by `host,paths,tags` (`""` = one group). For a
 * single-valued option given as an array the last value wins, like a repeated flag. Keys listed in
 * `ignoreKeys` (a job's own options, e.g. `dryRun`) are skipped; any other unknown key, and any bad value,
 * throws a UsageError naming the flag.
 */
export function parseForgetOptions(raw: Record<string, RawValue>, ignoreKeys: readonly string[] = []): ForgetOptions {
  const opts = defaultForgetOptions();
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined || ignoreKeys.includes(key)) continue;
    const flag = '--' + key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
    if ((COUNT_KEYS as readonly string[]).includes(key)) {
      opts[key as CountKey] = parseCount(flag, lastOf(value));
    } else if ((WITHIN_KEYS as readonly string[]).includes(key)) {
      opts[key as WithinKey] = parseWithin(flag, lastOf(value));
    } else if (Object.hasOwn(LIST_KEYS, key)) {
      const target = LIST_KEYS[key as keyof typeof LIST_KEYS];
      const items = (Array.isArray(value) ? value : [value]).map(String);
      if (target === 'keepTags' || target === 'tags') opts[target].push(...items.map(splitTagList));
      else opts[target].push(...items);
    } else if (key === 'groupBy') {
      if (typeof value === 'number') throw new UsageError(`--group-by: ${value} is not a list like host,paths,tags`);
      opts.groupBy = parseGroupBy(Array.isArray(value) ? value.join(',') : value);
    } else {
      throw new UsageError(`unknown forget option ${JSON.stringify(key)}; known: ${FORGET_OPTION_NAMES.join(', ')}`);
    }
  }
  return opts;
}

/**
 * parseGroupBy reads restic's --group-by value: comma-separated `host|hosts`, `path|paths`, `tag|tags`;
 * empty items are ignored (so "" is one group). Like restic, items are not trimmed.
 */
export function parseGroupBy(text: string): GroupBy {
  const groupBy: GroupBy = { host: false, paths: false, tags: false };
  for (const item of text.split(',')) {
    if (item === 'host' || item === 'hosts') groupBy.host = true;
    else if (item === 'path' || item === 'paths') groupBy.paths = true;
    else if (item === 'tag' || item === 'tags') groupBy.tags = true;
    else if (item !== '') {
      throw new UsageError(
        `--group-by: unknown grouping option ${JSON.stringify(item)}; write host, paths and/or tags separated by commas, or "" for one group`,
      );
    }
  }
  return groupBy;
}

/** splitTagList is restic's: split at commas and trim each tag, keeping empty ones ("" = untagged). */
export function splitTagList(text: string): string[] {
  return text.split(',').map((t) => t.trim());
}

function lastOf(value: Exclude<RawValue, undefined>): string | number {
  return Array.isArray(value) ? (value[value.length - 1] ?? '') : value;
}

// Go's strconv.ParseInt(s, 0, 64), which restic's flag parser uses: optional sign, 0x/0o/0b prefixes, a
// bare leading 0 for octal, underscores between digits.
const GO_INT = /^[+-]?(0[xX](_?[0-9a-fA-F])+|0[oO](_?[0-7])+|0[bB](_?[01])+|0(_?[0-7])*|[1-9](_?[0-9])*)$/;

function parseCount(flag: string, value: string | number): number {
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value)) return value;
  } else if (GO_INT.test(value)) {
    const negative = value.startsWith('-');
    const body = value.replace(/^[+-]/, '').replace(/_/g, '');
    const prefix = body.slice(0, 2).toLowerCase();
    const base = prefix === '0x' ? 16 : prefix === '0o' ? 8 : prefix === '0b' ? 2 : body.startsWith('0') ? 8 : 10;
    const digits = base === 10 || (base === 8 && !/^0[oO]/.test(body)) ? body : body.slice(2);
    const n = parseInt(digits, base) * (negative ? -1 : 1) + 0;
    if (Number.isSafeInteger(n)) return n;
  }
  throw new UsageError(`${flag}: ${JSON.stringify(value)} is not a whole number of snapshots`);
}

function parseWithin(flag: string, value: string | number): Duration {
  try {
    if (typeof value === 'number') throw new Error('a unit is missing');
    return parseDuration(value);
  } catch (err) {
    throw new UsageError(`${flag}: ${JSON.stringify(value)} is not a duration like 1y2m3d4h (${(err as Error).message})`, {
      cause: err,
    });
  }
}
