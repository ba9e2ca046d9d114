// Deployment settings: the typed view of the `cairn:*` keys in cdk.json's context (or `-c key=value`).
// Every value is validated here, once, so the constructs can trust their props; each error names the key,
// what it got, and what to write instead.
import { RetentionDays } from 'aws-cdk-lib/aws-logs';

/** Where the restic-format repository lives. */
export type StorageMode = 'new' | 'existing' | 'external';

/** The maintenance jobs that can be scheduled. */
export type ScheduledJobKind = 'prune' | 'check' | 'copy';

/** One EventBridge Scheduler schedule that sends a `cairn.maintenance.requested` event. */
export interface ScheduleSetting {
  /** Whether the schedule exists at all. */
  readonly enabled: boolean;
  /** A Scheduler expression: `cron(...)`, `rate(...)` or `at(...)`. */
  readonly expression: string;
  /** The `job` field of the event detail. */
  readonly job: 'forget' | 'prune' | 'check' | 'copy';
  /** The `options` field of the event detail, passed to the job's options parser unchanged. */
  readonly options: Readonly<Record<string, unknown>>;
}

/** The validated settings of one cairn deployment. */
export interface CairnConfig {
  /** CloudFormation stack name. @default "Cairn" */
  readonly stackName: string;
  /** Repository storage. @default "new" */
  readonly storage: StorageMode;
  /** Bucket name: required for "existing" and "external"; optional fixed name for "new". @default - generated */
  readonly bucketName?: string;
  /** Folder of the repository inside the bucket, without slashes at either end; "" is the bucket root. @default "" */
  readonly repositoryPrefix: string;
  /** The S3 endpoint of an external provider (storage "external"), e.g. https://s3.us-west-004.backblazeb2.com. */
  readonly endpoint?: string;
  /** Prefix of work lists and status objects in the control bucket; ends with "/". @default "cairn/" */
  readonly controlPrefix: string;
  /** Days an overwritten or deleted object's old version is kept before it expires. @default 30 */
  readonly noncurrentVersionDays: number;
  /** Days after which incomplete multipart uploads are aborted. @default 7 */
  readonly abortIncompleteUploadDays: number;
  /** Copy target repository URL in AWS S3 (`s3:s3.amazonaws.com/<bucket>/<prefix>`). @default - no copy job */
  readonly copyRepository?: string;
  /** Bucket name parsed from copyRepository. */
  readonly copyBucketName?: string;
  /** Prefix parsed from copyRepository ("" for the bucket root). */
  readonly copyPrefix?: string;
  /** Parallel work items per Distributed Map run. @default 8 */
  readonly maxConcurrency: number;
  /** Email address subscribed to the alert topic. @default - no subscription */
  readonly alertEmail?: string;
  /** Hours without a finished backup after which a host is reported missing. @default 26 */
  readonly missedBackupHours: number;
  /** Largest share (0–1] of a group's snapshots one scheduled forget may remove (DESIGN §7). @default 0.5 */
  readonly maxDeleteShare: number;
  /** Time zone of cron schedules (IANA name). @default "UTC" */
  readonly scheduleTimezone: string;
  /** The maintenance schedules. */
  readonly schedules: Readonly<Record<ScheduledJobKind, ScheduleSetting>>;
  /** Create an IAM user with the backup-client policy. @default false */
  readonly backupUser: boolean;
  /** Deny the backup client reading data/ (it then relies on its local cache). @default false */
  readonly writeOnlyClient: boolean;
  /** CloudWatch Logs retention of every log group. @default 30 */
  readonly logRetentionDays: RetentionDays;
  /** Longest a maintenance execution may run. @default 24 */
  readonly executionTimeoutHours: number;
}

/** A setting that cannot be used; the message says what to write instead. */
export class CairnConfigError extends Error {
  override readonly name = 'CairnConfigError';
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(`${key}: ${message}`);
  }
}

/** The default schedules: forget+prune weekly, check with a read-data subset daily, copy daily. */
export const DEFAULT_SCHEDULES: Readonly<Record<ScheduledJobKind, ScheduleSetting>> = {
  prune: {
    enabled: true,
    expression: 'cron(0 3 ? * SUN *)',
    job: 'forget',
    options: { keepDaily: 7, keepWeekly: 5, keepMonthly: 12, keepYearly: 3, prune: true },
  },
  check: { enabled: true, expression: 'cron(0 5 * * ? *)', job: 'check', options: { readDataSubset: '2%' } },
  copy: { enabled: true, expression: 'cron(0 6 * * ? *)', job: 'copy', options: {} },
};

const STORAGE_MODES: readonly StorageMode[] = ['new', 'existing', 'external'];
const JOBS: readonly ScheduleSetting['job'][] = ['forget', 'prune', 'check', 'copy'];
const RETENTION_VALUES = new Set(Object.values(RetentionDays).filter((v): v is number => typeof v === 'number'));
// S3 bucket naming rules, simplified: 3–63 lowercase letters, digits, dots, hyphens.
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Reads one context value; `app.node.tryGetContext` in the app, a plain object in tests. */
export type ContextReader = (key: string) => unknown;

/** Reads and validates every `cairn:*` setting; throws CairnConfigError on the first bad one. */
export function readConfig(get: ContextReader): CairnConfig {
  const storage = readEnum(get, 'cairn:storage', STORAGE_MODES, 'new');
  const bucketName = readBucketName(get, storage);
  const endpoint = readEndpoint(get, storage);
  const copy = readCopyRepository(get);
  return {
    stackName: readString(get, 'cairn:stackName') ?? 'Cairn',
    storage,
    bucketName,
    repositoryPrefix: readPrefix(get),
    endpoint,
    controlPrefix: readControlPrefix(get),
    noncurrentVersionDays: readNumber(get, 'cairn:noncurrentVersionDays', 30, { min: 1, integer: true }),
    abortIncompleteUploadDays: readNumber(get, 'cairn:abortIncompleteUploadDays', 7, { min: 1, integer: true }),
    ...copy,
    maxConcurrency: readNumber(get, 'cairn:maxConcurrency', 8, { min: 1, max: 1000, integer: true }),
    alertEmail: readEmail(get),
    missedBackupHours: readNumber(get, 'cairn:missedBackupHours', 26, { min: 1, integer: true }),
    maxDeleteShare: readNumber(get, 'cairn:maxDeleteShare', 0.5, { min: 0.01, max: 1 }),
    scheduleTimezone: readString(get, 'cairn:scheduleTimezone') ?? 'UTC',
    schedules: readSchedules(get),
    backupUser: readBoolean(get, 'cairn:backupUser', false),
    writeOnlyClient: readBoolean(get, 'cairn:writeOnlyClient', false),
    logRetentionDays: readRetention(get),
    executionTimeoutHours: readNumber(get, 'cairn:executionTimeoutHours', 24, { min: 1, max: 8760 }),
  };
}

function readString(get: ContextReader, key: string): string | undefined {
  const value = get(key);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new CairnConfigError(key, `expected a string, got ${JSON.stringify(value)}`);
  return value;
}

function readEnum<T extends string>(get: ContextReader, key: string, allowed: readonly T[], fallback: T): T {
  const value = readString(get, key) ?? fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    const hint = key === 'cairn:storage' ? ' (Backblaze B2 and other S3-compatible providers: "external")' : '';
    throw new CairnConfigError(key, `"${value}" is not one of ${allowed.map((a) => `"${a}"`).join(', ')}${hint}`);
  }
  return value as T;
}

interface NumberRule {
  readonly min: number;
  readonly max?: number;
  readonly integer?: boolean;
}

// `-c key=value` on the command line always yields strings, cdk.json yields numbers: accept both.
function readNumber(get: ContextReader, key: string, fallback: number, rule: NumberRule): number {
  const raw = get(key);
  if (raw === undefined || raw === null || raw === '') return fallback;
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : Number.NaN;
  const range = rule.max === undefined ? `at least ${rule.min}` : `between ${rule.min} and ${rule.max}`;
  const kind = rule.integer ? 'a whole number' : 'a number';
  if (!Number.isFinite(value) || (rule.integer && !Number.isInteger(value)) || value < rule.min
    || (rule.max !== undefined && value > rule.max)) {
    throw new CairnConfigError(key, `${JSON.stringify(raw)} is not valid; write ${kind} ${range}, e.g. ${fallback}`);
  }
  return value;
}

function readBoolean(get: ContextReader, key: string, fallback: boolean): boolean {
  const raw = get(key);
  if (raw === undefined || raw === null || raw === '') return fallback;
  if (raw === true || raw === 'true') return true;
  if (raw === false || raw === 'false') return false;
  throw new CairnConfigError(key, `${JSON.stringify(raw)} is not valid; write true or false`);
}

function readBucketName(get: ContextReader, storage: StorageMode): string | undefined {
  const name = readString(get, 'cairn:bucketName');
  if (name === undefined) {
    if (storage !== 'new') {
      throw new CairnConfigError('cairn:bucketName', `storage "${storage}" needs the name of the bucket that holds `
        + 'the repository, e.g. "cairn:bucketName": "my-backups"');
    }
    return undefined;
  }
  // B2 names allow upper case letters; AWS names do not.
  const check = storage === 'external' ? name.toLowerCase() : name;
  if (!BUCKET_NAME.test(check)) {
    throw new CairnConfigError('cairn:bucketName', `"${name}" is not a bucket name; write 3–63 lowercase letters, `
      + 'digits, dots or hyphens, without the s3:// scheme or a path');
  }
  return name;
}

function readPrefix(get: ContextReader): string {
  const prefix = readString(get, 'cairn:repositoryPrefix') ?? '';
  if (prefix.startsWith('/') || prefix.endsWith('/') || prefix.includes('//') || /[*?\s]/.test(prefix)) {
    throw new CairnConfigError('cairn:repositoryPrefix', `"${prefix}" is not valid; write a folder path without `
      + 'slashes at either end and without wildcards or spaces, e.g. "restic" or "backups/home"');
  }
  return prefix;
}

function readControlPrefix(get: ContextReader): string {
  const prefix = readString(get, 'cairn:controlPrefix') ?? 'cairn/';
  if (!/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*\/$/.test(prefix)) {
    throw new CairnConfigError('cairn:controlPrefix', `"${prefix}" is not valid; write a folder path ending in "/", `
      + 'e.g. "cairn/"');
  }
  return prefix;
}

function readEndpoint(get: ContextReader, storage: StorageMode): string | undefined {
  const endpoint = readString(get, 'cairn:endpoint');
  if (storage !== 'external') {
    if (endpoint !== undefined) {
      throw new CairnConfigError('cairn:endpoint', `is only used with "cairn:storage": "external" (storage is `
        + `"${storage}"); remove it, or set the storage to "external"`);
    }
    return undefined;
  }
  if (endpoint === undefined || !/^https:\/\/[A-Za-z0-9.-]+(:\d+)?$/.test(endpoint)) {
    throw new CairnConfigError('cairn:endpoint', `${JSON.stringify(endpoint ?? null)} is not valid; external `
      + 'storage needs the provider\'s S3 endpoint as https://host without a path, e.g. '
      + '"https://s3.us-west-004.backblazeb2.com"');
  }
  return endpoint;
}

type CopySettings = Pick<CairnConfig, 'copyRepository' | 'copyBucketName' | 'copyPrefix'>;

// Only AWS S3 copy targets: the maintenance role reaches them with IAM, no second storage key needed.
function readCopyRepository(get: ContextReader): CopySettings {
  const url = readString(get, 'cairn:copyRepository');
  if (url === undefined) return {};
  const match = /^s3:s3(?:[.-][a-z0-9-]+)?\.amazonaws\.com\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(url);
  const prefix = match?.[2] ?? '';
  if (!match || !match[1] || prefix.endsWith('/') || /[*?\s]/.test(prefix)) {
    throw new CairnConfigError('cairn:copyRepository', `"${url}" is not an AWS S3 repository URL; write `
      + '"s3:s3.amazonaws.com/<bucket>/<prefix>" (the copy target must be an S3 bucket this account can reach)');
  }
  return { copyRepository: url, copyBucketName: match[1], copyPrefix: prefix };
}

function readEmail(get: ContextReader): string | undefined {
  const email = readString(get, 'cairn:alertEmail');
  if (email !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) {
    throw new CairnConfigError('cairn:alertEmail', `"${email}" is not an email address; write e.g. "me@example.org"`);
  }
  return email;
}

function readRetention(get: ContextReader): RetentionDays {
  const days = readNumber(get, 'cairn:logRetentionDays', 30, { min: 1, integer: true });
  if (!RETENTION_VALUES.has(days)) {
    const allowed = [...RETENTION_VALUES].filter((d) => d < 10000).sort((a, b) => a - b).join(', ');
    throw new CairnConfigError('cairn:logRetentionDays', `${days} is not a retention CloudWatch Logs offers; write `
      + `one of ${allowed}`);
  }
  return days as RetentionDays;
}

// Each schedule may be partly overridden: `{ "check": { "expression": "rate(12 hours)" }, "copy": false }`.
function readSchedules(get: ContextReader): Record<ScheduledJobKind, ScheduleSetting> {
  const key = 'cairn:schedules';
  let raw = get(key);
  if (typeof raw === 'string') {
    try {
      raw = JSON.parse(raw);
    } catch {
      throw new CairnConfigError(key, 'is not valid JSON; write an object such as {"check": false}');
    }
  }
  if (raw === undefined || raw === null) raw = {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new CairnConfigError(key, 'write an object keyed by "prune", "check" and "copy"');
  }
  const overrides = raw as Record<string, unknown>;
  for (const name of Object.keys(overrides)) {
    if (!(name in DEFAULT_SCHEDULES)) {
      throw new CairnConfigError(key, `unknown schedule "${name}"; write one of "prune", "check", "copy"`);
    }
  }
  const result = { ...DEFAULT_SCHEDULES };
  for (const kind of Object.keys(DEFAULT_SCHEDULES) as ScheduledJobKind[]) {
    result[kind] = mergeSchedule(`${key}.${kind}`, DEFAULT_SCHEDULES[kind], overrides[kind]);
  }
  return result;
}

function mergeSchedule(key: string, base: ScheduleSetting, override: unknown): ScheduleSetting {
  if (override === undefined || override === true) return base;
  if (override === false) return { ...base, enabled: false };
  if (typeof override !== 'object' || override === null || Array.isArray(override)) {
    throw new CairnConfigError(key, 'write false to turn it off, or an object with "expression", "job", "options"');
  }
  const o = override as Record<string, unknown>;
  const merged: ScheduleSetting = {
    enabled: o['enabled'] === undefined ? base.enabled : o['enabled'] === true,
    expression: o['expression'] === undefined ? base.expression : String(o['expression']),
    job: (o['job'] ?? base.job) as ScheduleSetting['job'],
    options: (o['options'] ?? base.options) as Record<string, unknown>,
  };
  if (!/^(cron|rate|at)\(.+\)$/.test(merged.expression)) {
    throw new CairnConfigError(`${key}.expression`, `"${merged.expression}" is not a Scheduler expression; write `
      + 'e.g. "cron(0 3 ? * SUN *)" or "rate(1 day)"');
  }
  if (!JOBS.includes(merged.job)) {
    throw new CairnConfigError(`${key}.job`, `"${String(merged.job)}" is not a job; write one of ${JOBS.join(', ')}`);
  }
  if (typeof merged.options !== 'object' || merged.options === null || Array.isArray(merged.options)) {
    throw new CairnConfigError(`${key}.options`, 'write an object, e.g. {"readDataSubset": "5%"}');
  }
  return merged;
}
