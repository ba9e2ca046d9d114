// The retry layer: the one place where storage calls are tried again. Backends only say whether a failure is
// transient (StorageError.transient); this wrapper waits with capped exponential backoff and full jitter and
// tries again, fails at once on permanent errors, and turns exhaustion into one line a person can act on.
import { StorageError } from '../core/index.js';
import type { Backend, ByteRange, FileBody, FileInfo, FileType, ReadAllocator } from './backend.js';

/** What the `onRetry` hook learns before each wait. */
export interface RetryInfo {
  /** The call that failed, e.g. `write data/1a2b3c4d` or `list snapshots`. */
  readonly operation: string;
  /** The backend's location, e.g. `s3:host/bucket/prefix`. */
  readonly location: string;
  /** How many attempts have failed so far (1 after the first failure). */
  readonly attempt: number;
  readonly maxAttempts: number;
  /** How long the layer sleeps before the next attempt. */
  readonly delayMs: number;
  /** The transient failure that caused the retry. */
  readonly error: StorageError;
}

/** Tuning and hooks for withRetry. Every field is optional. */
export interface RetryOptions {
  /** Attempts per call, the first included. @default 10 */
  maxAttempts?: number;
  /** Backoff before the second attempt, doubling per attempt. @default 500 */
  baseDelayMs?: number;
  /** Ceiling of the backoff. @default 30000 */
  maxDelayMs?: number;
  /** Called before each wait; the CLI prints "retrying …". Must not throw. */
  onRetry?: (info: RetryInfo) => void;
  /** Waits `ms` milliseconds (tests inject a fake clock). @default setTimeout */
  sleep?: (ms: number) => Promise<void>;
  /** A number in [0, 1) for the jitter (tests inject a fixed one). @default Math.random */
  random?: () => number;
}

/** The defaults: about 10 attempts spread over ~3 minutes in the worst case, like a patient cron script. */
export const DEFAULT_RETRY = { maxAttempts: 10, baseDelayMs: 500, maxDelayMs: 30_000 } as const;

/** Code of the StorageError a backend throws when it cannot reach its endpoint at all. */
export const UNREACHABLE_CODE = 'STORAGE_UNREACHABLE';

/**
 * withRetry wraps a backend so that each primitive is retried on transient StorageErrors. Permanent errors
 * (including NotFoundError) and non-storage errors pass through at once. When the attempts run out the call
 * throws a StorageError (transient, keeping the last error's code and the error as `cause`) whose message is
 * one line: `<location>: <what failed> after <n> attempts (<last cause>)`. A listing that fails part-way is
 * restarted and the names already yielded are skipped, so callers never see a duplicate.
 */
export function withRetry(backend: Backend, opts: RetryOptions = {}): Backend {
  return new RetryBackend(backend, opts);
}

class RetryBackend implements Backend {
  readonly location: string;
  private readonly maxAttempts: number;

  constructor(
    private readonly inner: Backend,
    private readonly opts: RetryOptions,
  ) {
    this.location = inner.location;
    this.maxAttempts = Math.max(1, opts.maxAttempts ?? DEFAULT_RETRY.maxAttempts);
  }

  create(): Promise<void> {
    return this.run('create', () => this.inner.create());
  }
  stat(type: FileType, name: string): Promise<FileInfo> {
    return this.run(`stat ${describe(type, name)}`, () => this.inner.stat(type, name));
  }
  read(type: FileType, name: string, range?: ByteRange, allocate?: ReadAllocator): Promise<Buffer> {
    return this.run(`read ${describe(type, name)}`, () => this.inner.read(type, name, range, allocate));
  }
  write(type: FileType, name: string, data: Uint8Array | FileBody): Promise<void> {
    // Safe to repeat: objects are content-addressed, so a second write of the same name has the same bytes.
    return this.run(`write ${describe(type, name)}`, () => this.inner.write(type, name, data));
  }
  remove(type: FileType, name: string): Promise<void> {
    return this.run(`remove ${describe(type, name)}`, () => this.inner.remove(type, name));
  }
  close(): Promise<void> {
    return this.inner.close();
  }

  async *list(type: FileType): AsyncIterable<FileInfo> {
    const operation = `list ${type}`;
    const seen = new Set<string>();
    let failures = 0;
    for (;;) {
      let progressed = false;
      try {
        for await (const info of this.inner.list(type)) {
          if (seen.has(info.name)) continue;
          seen.add(info.name);
          progressed = true;
          yield info;
        }
        return;
      } catch (err) {
        // A listing that keeps making progress is not failing; only consecutive fruitless attempts count.
        failures = progressed ? 1 : failures + 1;
        await this.backoffOrThrow(operation, err, failures);
      }
    }
  }

  private async run<T>(operation: string, call: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (err) {
        await this.backoffOrThrow(operation, err, attempt);
      }
    }
  }

  /** Rethrows permanent errors and exhausted retries; otherwise reports and sleeps before the next attempt. */
  private async backoffOrThrow(operation: string, err: unknown, attempt: number): Promise<void> {
    if (!(err instanceof StorageError) || !err.transient) throw err;
    if (attempt >= this.maxAttempts) throw exhausted(this.location, operation, attempt, err);
    const delayMs = this.delay(attempt);
    this.opts.onRetry?.({ operation, location: this.location, attempt, maxAttempts: this.maxAttempts, delayMs, error: err });
    await (this.opts.sleep ?? defaultSleep)(delayMs);
  }

  /** Full jitter: uniform in [0, min(cap, base·2^(attempt-1))), which spreads a crowd of clients apart. */
  private delay(attempt: number): number {
    const base = this.opts.baseDelayMs ?? DEFAULT_RETRY.baseDelayMs;
    const cap = this.opts.maxDelayMs ?? DEFAULT_RETRY.maxDelayMs;
    const ceiling = Math.min(cap, base * 2 ** Math.min(attempt - 1, 52));
    return Math.floor((this.opts.random ?? Math.random)() * ceiling);
  }
}

function exhausted(location: string, operation: string, attempts: number, last: StorageError): StorageError {
  const what = last.code === UNREACHABLE_CODE ? 'endpoint unreachable' : `${operation} failed`;
  return new StorageError(`${location}: ${what} after ${attempts} attempts (${last.message})`, true, { cause: last }, last.code);
}

/** A short name for messages: `config`, `keys/1a2b3c4d`, `data/1a2b3c4d`. */
function describe(type: FileType, name: string): string {
  return type === 'config' ? 'config' : `${type}/${name.slice(0, 8)}`;
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
