// The functions' configuration: the environment the CDK app sets (cdk/lib/maintenance-functions.ts and
// backup-monitor.ts are the other side of this contract), read once per container at module scope. A
// missing or malformed variable fails the cold start with the variable's name, before any event is seen.
// Without PASSWORD_SECRET_ARN (local runs, tests) the password comes from CAIRN_PASSWORD, and the copy
// target's from CAIRN_COPY_PASSWORD.

type Env = Readonly<Record<string, string | undefined>>;

/** Where a password comes from: a Secrets Manager secret, or (local runs) a plain value. */
export type PasswordSource = { readonly secretArn: string } | { readonly value: string };

/** S3 settings shared by the repository backend and the control store. */
export interface S3Settings {
  /** AWS_ENDPOINT_URL_S3 (tests point it at s3rver). */
  readonly endpoint: string | undefined;
  readonly region: string | undefined;
}

/** The job functions' environment. */
export interface JobEnvironment {
  readonly repository: string;
  readonly password: PasswordSource;
  /** Secret holding `{accessKeyId, secretAccessKey}` for an external (B2) repository. */
  readonly storageSecretArn: string | undefined;
  readonly controlBucket: string;
  readonly controlPrefix: string;
  readonly alertTopicArn: string | undefined;
  readonly copy: { readonly repository: string; readonly password: PasswordSource } | undefined;
  /** Largest share of a group's snapshots one cloud forget may remove (DESIGN §7's guard). */
  readonly maxDeleteShare: number;
  readonly s3: S3Settings;
}

/** The monitor's environment. */
export interface MonitorEnvironment {
  readonly controlBucket: string;
  readonly controlPrefix: string;
  readonly alertTopicArn: string;
  readonly missedBackupHours: number;
  readonly s3: S3Settings;
}

/** A configuration error: the function cannot start until its environment is fixed. */
export class ConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigurationError';
  }
}

function required(env: Env, name: string): string {
  const value = env[name];
  if (value === undefined || value === '') throw new ConfigurationError(`environment variable ${name} is not set: the function's configuration is incomplete (redeploy the stack)`);
  return value;
}

function optional(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === '' ? undefined : value;
}

function number(env: Env, name: string, fallback: number, valid: (n: number) => boolean, expected: string): number {
  const text = optional(env, name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || !valid(value)) throw new ConfigurationError(`environment variable ${name}=${JSON.stringify(text)} is not ${expected}`);
  return value;
}

function password(env: Env, arnName: string, localName: string): PasswordSource {
  const secretArn = optional(env, arnName);
  if (secretArn !== undefined) return { secretArn };
  const value = optional(env, localName);
  if (value === undefined) throw new ConfigurationError(`environment variable ${arnName} is not set (nor ${localName} for a local run)`);
  return { value };
}

function s3Settings(env: Env): S3Settings {
  return { endpoint: optional(env, 'AWS_ENDPOINT_URL_S3') ?? optional(env, 'AWS_ENDPOINT_URL'), region: optional(env, 'AWS_REGION') ?? optional(env, 'AWS_DEFAULT_REGION') };
}

/** readJobEnvironment reads the job functions' variables; throws ConfigurationError naming the first bad one. */
export function readJobEnvironment(env: Env): JobEnvironment {
  const copyRepository = optional(env, 'COPY_REPOSITORY');
  return {
    repository: required(env, 'REPOSITORY'),
    password: password(env, 'PASSWORD_SECRET_ARN', 'CAIRN_PASSWORD'),
    storageSecretArn: optional(env, 'STORAGE_SECRET_ARN'),
    controlBucket: required(env, 'CONTROL_BUCKET'),
    controlPrefix: optional(env, 'CONTROL_PREFIX') ?? 'cairn/',
    alertTopicArn: optional(env, 'ALERT_TOPIC_ARN'),
    copy: copyRepository === undefined ? undefined : { repository: copyRepository, password: password(env, 'COPY_PASSWORD_SECRET_ARN', 'CAIRN_COPY_PASSWORD') },
    maxDeleteShare: number(env, 'MAX_DELETE_SHARE', 0.5, (n) => n > 0 && n <= 1, 'a share between 0 and 1, e.g. 0.5'),
    s3: s3Settings(env),
  };
}

/** readMonitorEnvironment reads the monitor's variables; throws ConfigurationError naming the first bad one. */
export function readMonitorEnvironment(env: Env): MonitorEnvironment {
  return {
    controlBucket: required(env, 'CONTROL_BUCKET'),
    controlPrefix: optional(env, 'CONTROL_PREFIX') ?? 'cairn/',
    alertTopicArn: required(env, 'ALERT_TOPIC_ARN'),
    missedBackupHours: number(env, 'MISSED_BACKUP_HOURS', 26, (n) => n > 0, 'a positive number of hours, e.g. 26'),
    s3: s3Settings(env),
  };
}
