// The error vocabulary: every failure a user can meet is a CairnError with a stable code and one line that
// says what failed and what to do. Only the runners (client/main.ts, functions/*) turn these into exits.

export interface CairnErrorOptions {
  cause?: unknown;
}

/** CairnError is the base of all expected failures. `code` is stable and safe to match in scripts. */
export class CairnError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options: CairnErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
  }
}

/** A bad option, flag value or argument; message names the flag and what to write instead. */
export class UsageError extends CairnError {
  constructor(message: string, options?: CairnErrorOptions) {
    super('USAGE', message, options);
  }
}

/** The password opened none of the repository's keys. */
export class WrongPasswordError extends CairnError {
  constructor(message = 'wrong password or no key found: none of the repository keys opens with this password', options?: CairnErrorOptions) {
    super('WRONG_PASSWORD', message, options);
  }
}

/** There is no repository (no config file) at the location. */
export class RepositoryNotFoundError extends CairnError {
  readonly location: string;
  constructor(location: string, options?: CairnErrorOptions) {
    super('REPOSITORY_NOT_FOUND', `no repository at ${location}: run \`cairn init\` to create one, or check -r/--repo`, options);
    this.location = location;
  }
}

/** A MAC did not verify, a hash did not match its ID, or a structure could not be decoded. */
export class CorruptDataError extends CairnError {
  constructor(message: string, options?: CairnErrorOptions) {
    super('CORRUPT_DATA', message, options);
  }
}

/** A pack file's bytes do not match what its header or the index says. */
export class PackCorruptError extends CorruptDataError {
  readonly packId: string;
  constructor(packId: string, detail: string, options?: CairnErrorOptions) {
    super(`pack ${packId.slice(0, 8)} is damaged: ${detail}`, options);
    this.packId = packId;
  }
}

/** Another process holds a conflicting lock. */
export class RepositoryLockedError extends CairnError {
  readonly host: string;
  readonly pid: number;
  readonly since: string;
  readonly exclusive: boolean;
  constructor(host: string, pid: number, since: string, exclusive: boolean, options?: CairnErrorOptions) {
    super(
      'REPOSITORY_LOCKED',
      `repository is already locked ${exclusive ? 'exclusively ' : ''}by PID ${pid} on ${host} since ${since}; ` +
        'if that process is gone, `cairn unlock` removes stale locks',
      options,
    );
    this.host = host;
    this.pid = pid;
    this.since = since;
    this.exclusive = exclusive;
  }
}

/** A storage operation failed. `transient` failures are worth retrying; permanent ones are not. */
export class StorageError extends CairnError {
  readonly transient: boolean;
  constructor(message: string, transient: boolean, options?: CairnErrorOptions, code?: string) {
    super(code ?? (transient ? 'STORAGE_TRANSIENT' : 'STORAGE'), message, options);
    this.transient = transient;
  }
}

/** The object does not exist in storage. */
export class NotFoundError extends StorageError {
  constructor(what: string, options?: CairnErrorOptions) {
    super(`${what} does not exist`, false, options, 'NOT_FOUND');
  }
}
