// Prune options: how much unused space to tolerate and which packs may be rewritten. One shape serves the
// CLI flags (`--max-unused 5%`) and a scheduled event's options (`{"maxUnused": "5%"}`); parsePruneOptions
// turns user strings into it and names the offending flag when it rejects one.
import { UsageError } from '../../core/index.js';

/** How much unused space may remain after prune (restic's --max-unused). */
export type MaxUnused =
  | { readonly kind: 'percent'; readonly percent: number }
  | { readonly kind: 'bytes'; readonly bytes: number }
  | { readonly kind: 'unlimited' };

/** The options of a prune run, field for field restic 0.14's prune flags. JSON-serializable. */
export interface PruneOptions {
  /** Tolerated unused space after prune; default 5 % (of the used bytes' share, as restic computes it). */
  readonly maxUnused: MaxUnused;
  /** Stop repacking once this many bytes of packs were chosen (--max-repack-size); undefined = no limit. */
  readonly maxRepackBytes: number | undefined;
  /** Repack only tree (cacheable) packs; data packs are kept even if partly unused. */
  readonly repackCacheableOnly: boolean;
  /** Also repack packs below 80 % of the target pack size (not only below 4 %). */
  readonly repackSmall: boolean;
  /** Repack every pack holding uncompressed blobs (repository v2 only). */
  readonly repackUncompressed: boolean;
  /** Plan only: change nothing. */
  readonly dryRun: boolean;
}

export const DEFAULT_PRUNE_OPTIONS: Readonly<PruneOptions> = Object.freeze({
  maxUnused: Object.freeze({ kind: 'percent', percent: 5 }) as MaxUnused,
  maxRepackBytes: undefined,
  repackCacheableOnly: false,
  repackSmall: false,
  repackUncompressed: false,
  dryRun: false,
});

/** The raw option names parsePruneOptions understands (camelCased flags). */
export const PRUNE_OPTION_NAMES: readonly string[] = [
  'maxUnused', 'maxRepackSize', 'repackCacheableOnly', 'repackSmall', 'repackUncompressed', 'dryRun',
];

type RawValue = string | number | boolean | string[] | undefined;

/**
 * parsePruneOptions validates user-supplied values keyed by camelCased flag name: `maxUnused` (`5%`,
 * `2.5%`, a size like `100M`, or `unlimited`), `maxRepackSize` (a size: bytes, or with k/m/g/t suffix,
 * powers of 1024 as restic), and the booleans `repackCacheableOnly`, `repackSmall`, `repackUncompressed`,
 * `dryRun` (true/false or "true"/"false"). Keys in `ignoreKeys` are skipped; any other key, and any bad
 * value, throws a UsageError naming the flag.
 */
export function parsePruneOptions(raw: Record<string, RawValue>, ignoreKeys: readonly string[] = []): PruneOptions {
  let opts: PruneOptions = { ...DEFAULT_PRUNE_OPTIONS };
  for (const [key, rawValue] of Object.entries(raw)) {
    if (rawValue === undefined || ignoreKeys.includes(key)) continue;
    const value = Array.isArray(rawValue) ? rawValue[rawValue.length - 1] : rawValue;
    const flag = '--' + key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
    switch (key) {
      case 'maxUnused':
        opts = { ...opts, maxUnused: parseMaxUnused(flag, value) };
        break;
      case 'maxRepackSize':
        opts = { ...opts, maxRepackBytes: parseSize(flag, value) };
        break;
      case 'repackCacheableOnly':
      case 'repackSmall':
      case 'repackUncompressed':
      case 'dryRun':
        opts = { ...opts, [key]: parseBoolean(flag, value) };
        break;
      default:
        throw new UsageError(`unknown prune option ${JSON.stringify(key)}; known: ${PRUNE_OPTION_NAMES.join(', ')}`);
    }
  }
  return opts;
}

function parseMaxUnused(flag: string, value: string | number | boolean | undefined): MaxUnused {
  const text = String(value).trim();
  if (text === 'unlimited') return { kind: 'unlimited' };
  if (text.endsWith('%')) {
    const body = text.slice(0, -1);
    const percent = Number(body);
    if (body.trim() === '' || !Number.isFinite(percent)) throw new UsageError(`${flag}: ${JSON.stringify(value)} is not a percentage like 5%`);
    if (percent < 0) throw new UsageError(`${flag}: the percentage must not be negative (got ${text})`);
    if (percent >= 100) throw new UsageError(`${flag}: the percentage must be below 100% (got ${text})`);
    return { kind: 'percent', percent };
  }
  return { kind: 'bytes', bytes: parseSize(flag, value, 'a percentage like 5%, a size like 100M, or unlimited') };
}

const SIZE = /^(\d+)([kKmMgGtT]?)$/;
const UNIT: Record<string, number> = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 };

/** parseSize reads restic's size syntax: an integer of bytes, optionally with k/m/g/t (1024-based). */
export function parseSize(flag: string, value: string | number | boolean | undefined, expected = 'a size like 500M, 2G or 1048576'): number {
  const m = SIZE.exec(String(value).trim());
  if (m === null || typeof value === 'boolean') throw new UsageError(`${flag}: ${JSON.stringify(value)} is not ${expected}`);
  const bytes = Number(m[1]) * UNIT[m[2]!.toLowerCase()]!;
  if (!Number.isSafeInteger(bytes)) throw new UsageError(`${flag}: ${JSON.stringify(value)} is too large`);
  return bytes;
}

function parseBoolean(flag: string, value: string | number | boolean | undefined): boolean {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new UsageError(`${flag}: ${JSON.stringify(value)} is not true or false`);
}

/** maxUnusedBytes is restic's limit on unused bytes remaining after prune, given the used bytes. */
export function maxUnusedBytes(limit: MaxUnused, usedBytes: number): number {
  switch (limit.kind) {
    case 'unlimited':
      return Number.POSITIVE_INFINITY;
    case 'bytes':
      return limit.bytes;
    case 'percent':
      // restic: unused/(used+unused) ≤ p%  ⇔  unused ≤ p/(100−p) · used, truncated to whole bytes.
      return Math.floor((limit.percent / (100 - limit.percent)) * usedBytes);
  }
}
