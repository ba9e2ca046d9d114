// How a handler's failure reaches the state machine. Step Functions matches the thrown error's name: a
// `TransientError` is retried with backoff (cdk/lib/maintenance-state-machine.ts), anything else goes
// straight to the failure path. So a storage hiccup, a maintenance lock held by another run, or a work item
// that ran out of time becomes a TransientError; a wrong password or a bad option stays what it is.
import { CairnError, RepositoryLockedError, StorageError } from '../../shared/core/index.js';

/** A failure a later attempt may not meet. The name is the state machine's retry contract. */
export class TransientError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransientError';
  }
}

/**
 * forStateMachine returns the error to throw from a handler: TransientError for transient storage failures
 * and held locks, otherwise an Error whose name is the CairnError class (e.g. WrongPasswordError) and whose
 * message is its one line, so the failed status shows what to do.
 */
export function forStateMachine(err: unknown): Error {
  if (err instanceof TransientError) return err;
  if ((err instanceof StorageError && err.transient) || err instanceof RepositoryLockedError) {
    return new TransientError((err as Error).message, { cause: err });
  }
  if (err instanceof CairnError) return err;
  return err instanceof Error ? err : new Error(String(err));
}
