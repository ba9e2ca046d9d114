// Copy options: which source snapshots to copy (explicit IDs or `latest`, else every snapshot matching the
// host/tag/path filter) and how big the work items may be. The CLI's flags and a Lambda event's
// `detail.options` both come through parseCopyOptions, so they select the same snapshots and fail alike.
import { UsageError } from '../../core/index.js';
import type { SnapshotFilter } from '../../repository/index.js';
import { splitTagList } from '../forget/index.js';

/** Source bytes one work item reads at most (a pack bigger than this gets an item of its own). */
export const DEFAULT_COPY_ITEM_BYTES = 256 * 1024 * 1024;

export interface CopyOptions {
  /** Source snapshot references: full or short IDs, or `latest`. Empty = all snapshots matching `filter`. */
  readonly snapshots: readonly string[];
  /**
   * restic's --host/--tag/--path. Applied to the target's snapshots too (restic only looks for earlier copies
   * among the target snapshots the filter selects); for the source it selects snapshots when no IDs are
   * given and narrows `latest`.
   */
  readonly filter: SnapshotFilter;
  /** Source blob bytes per work item; default DEFAULT_COPY_ITEM_BYTES. */
  readonly itemBytes: number;
}

type RawValue = string | number | readonly (string | number)[] | undefined;

/** Raw key → what it fills; camelCased flag names and their plurals. */
const KEYS = {
  snapshot: 'snapshots', snapshots: 'snapshots', snapshotIds: 'snapshots', ids: 'snapshots',
  host: 'hosts', hosts: 'hosts', hostname: 'hosts',
  tag: 'tags', tags: 'tags',
  path: 'paths', paths: 'paths',
  itemBytes: 'itemBytes',
} as const;

/** The raw option names parseCopyOptions understands. */
export const COPY_OPTION_NAMES: readonly string[] = Object.keys(KEYS);

/**
 * parseCopyOptions validates user-supplied values keyed by camelCased flag name: `snapshots` (IDs or
 * `latest`), `host`, `tag` (each value `a,b` is one tag list, restic's --tag), `path` (absolute), and
 * `itemBytes` (a positive whole number). Values may be single strings or arrays. Keys in `ignoreKeys` are
 * skipped (a runner's own options); any other unknown key or bad value throws a UsageError naming it.
 */
export function parseCopyOptions(raw: Record<string, RawValue>, ignoreKeys: readonly string[] = []): CopyOptions {
  const snapshots: string[] = [];
  const hosts: string[] = [];
  const tags: string[][] = [];
  const paths: string[] = [];
  let itemBytes = DEFAULT_COPY_ITEM_BYTES;
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined || ignoreKeys.includes(key)) continue;
    if (!Object.hasOwn(KEYS, key)) throw new UsageError(`unknown copy option ${JSON.stringify(key)}; known: ${COPY_OPTION_NAMES.join(', ')}`);
    const target = KEYS[key as keyof typeof KEYS];
    const items = (Array.isArray(value) ? value : [value]) as (string | number)[];
    if (target === 'itemBytes') {
      const n = Number(items[items.length - 1]);
      if (!Number.isSafeInteger(n) || n <= 0) throw new UsageError(`itemBytes: ${JSON.stringify(value)} is not a positive whole number of bytes`);
      itemBytes = n;
      continue;
    }
    for (const item of items) {
      if (typeof item !== 'string') throw new UsageError(`--${flagOf(target)}: ${JSON.stringify(item)} is not text`);
      if (target === 'snapshots') snapshots.push(checkSnapshotRef(item));
      else if (target === 'hosts') hosts.push(item);
      else if (target === 'tags') tags.push(splitTagList(item));
      else paths.push(checkPath(item));
    }
  }
  return { snapshots, filter: { hosts, tags, paths }, itemBytes };
}

function flagOf(target: string): string {
  return target === 'snapshots' ? 'snapshot' : target.slice(0, -1);
}

function checkSnapshotRef(ref: string): string {
  if (ref === 'latest' || /^[0-9a-f]{1,64}$/.test(ref)) return ref;
  throw new UsageError(`"${ref}" is not a snapshot ID: give a full or short ID, or \`latest\``);
}

function checkPath(path: string): string {
  if (path === '') throw new UsageError('--path: an empty path matches no snapshot; give an absolute path');
  return path;
}
