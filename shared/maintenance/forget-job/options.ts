// Forget job options: the forget policy (restic's --keep-* flags, grouping and filters) plus what the job
// does with it — delete or only report (dryRun), prune afterwards, explicit snapshot IDs, and the guard
// against removing too much of a group at once. Parsed from user strings, like every job's options.
import { UsageError } from '../../core/index.js';
import { parseForgetOptions, type ForgetOptions } from '../forget/index.js';

export interface ForgetJobOptions extends ForgetOptions {
  /** Only report what would be removed. */
  readonly dryRun: boolean;
  /** Run prune after forgetting (handled by forgetPruneJob). */
  readonly prune: boolean;
  /**
   * Refuse to remove more than this share (0..1) of any group's snapshots in one run (DESIGN §7: a
   * compromised client could plant fresh snapshots to push real ones out). undefined = no guard.
   */
  readonly maxDeleteShare: number | undefined;
  /** Remove exactly these snapshots (full or short IDs) instead of applying the policy. */
  readonly snapshotIds: readonly string[];
}

/** The job's own option names, besides the policy's. */
export const FORGET_JOB_OPTION_NAMES: readonly string[] = ['dryRun', 'prune', 'maxDeleteShare', 'snapshotIds'];

type RawValue = string | string[] | number | boolean | undefined;

/**
 * parseForgetJobOptions reads the policy keys (see parseForgetOptions) and the job keys `dryRun`, `prune`
 * (booleans or "true"/"false"), `maxDeleteShare` (a number 0..1, or a percentage like "50%") and
 * `snapshotIds` (IDs). Keys in `ignoreKeys` (e.g. prune's options in a combined request) are skipped.
 * Bad values throw a UsageError naming the flag.
 */
export function parseForgetJobOptions(raw: Record<string, RawValue>, ignoreKeys: readonly string[] = []): ForgetJobOptions {
  const policyRaw: Record<string, string | string[] | number | undefined> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (FORGET_JOB_OPTION_NAMES.includes(key) || ignoreKeys.includes(key)) continue;
    if (typeof value === 'boolean') throw new UsageError(`${flagOf(key)}: ${value} is not a valid value`);
    policyRaw[key] = value;
  }
  const policy = parseForgetOptions(policyRaw);
  const ids = raw.snapshotIds === undefined ? [] : (Array.isArray(raw.snapshotIds) ? raw.snapshotIds : [String(raw.snapshotIds)]);
  return {
    ...policy,
    dryRun: parseBoolean('dryRun', raw.dryRun),
    prune: parseBoolean('prune', raw.prune),
    maxDeleteShare: parseShare(raw.maxDeleteShare),
    snapshotIds: ids,
  };
}

function flagOf(key: string): string {
  return '--' + key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
}

function parseBoolean(key: string, value: RawValue): boolean {
  if (value === undefined || value === false || value === 'false') return false;
  if (value === true || value === 'true') return true;
  throw new UsageError(`${flagOf(key)}: ${JSON.stringify(value)} is not true or false`);
}

function parseShare(value: RawValue): number | undefined {
  if (value === undefined) return undefined;
  const text = String(Array.isArray(value) ? value[value.length - 1] : value).trim();
  const share = text.endsWith('%') ? Number(text.slice(0, -1)) / 100 : Number(text);
  if (text === '' || text === '%' || !Number.isFinite(share) || share < 0 || share > 1) {
    throw new UsageError(`--max-delete-share: ${JSON.stringify(value)} is not a share between 0 and 1 (or 0% to 100%)`);
  }
  return share;
}
