// Ctrl-C during a backup: the first SIGINT (or SIGTERM) stops the walk and the uploads queue, so the run
// unwinds through its normal cleanup (the lock is removed) and exits non-zero without writing a snapshot.
// Packs already uploaded stay; those already indexed are reused by the next run. A second signal kills the
// process at once (the handler is installed with `once`, so the default action applies again).
import { CairnError } from '../../shared/core/index.js';

/** The backup was stopped by a signal before its snapshot was written. */
export class BackupInterruptedError extends CairnError {
  constructor(signal: string) {
    super('INTERRUPTED', `backup interrupted by ${signal}: no snapshot was written; the next run reuses what was stored`);
  }
}

export interface Interruption {
  readonly signal: AbortSignal;
  /** Removes the handlers; call when the backup is over. */
  dispose(): void;
}

/** onInterrupt turns the first SIGINT or SIGTERM into an abort of the returned signal. */
export function onInterrupt(): Interruption {
  const controller = new AbortController();
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((name) => {
    const handler = (): void => controller.abort(new BackupInterruptedError(name));
    process.once(name, handler);
    return [name, handler] as const;
  });
  return {
    signal: controller.signal,
    dispose: () => {
      for (const [name, handler] of handlers) process.off(name, handler);
    },
  };
}
