// JSON log lines for the functions: one object per line with the request id of the maintenance job (not
// only Lambda's own), so a job's plan, work items and finalize can be followed across invocations with one
// CloudWatch Logs Insights filter. Doubles as the engine's Reporter.
import type { LogLevel, Reporter } from '../../shared/core/index.js';

/** A logger bound to a job (or a monitor event). */
export interface Logger extends Reporter {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** createLogger writes JSON lines carrying `fields` (e.g. requestId, job, step) on every line. */
export function createLogger(fields: Record<string, unknown>, write: (line: string) => void = (l) => console.log(l)): Logger {
  const log = (level: LogLevel, message: string, extra: Record<string, unknown> = {}): void => {
    write(JSON.stringify({ level, message, ...fields, ...extra }));
  };
  let lastProgress = 0;
  return {
    log,
    info: (m, f) => log('info', m, f),
    warn: (m, f) => log('warn', m, f),
    error: (m, f) => log('error', m, f),
    // Progress every few seconds at most: a log line per blob would cost more than the work.
    progress(phase, done, total, extra) {
      const now = Date.now();
      if (now - lastProgress < 5000 && done !== total) return;
      lastProgress = now;
      log('debug', 'progress', { phase, done, total, ...extra });
    },
  };
}

/** describeError is the fields an error is logged with: class, code, one-line message. */
export function describeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { error: String(err) };
  const code = (err as { code?: unknown }).code;
  return { errorName: err.name, ...(typeof code === 'string' ? { code } : {}), error: err.message.split('\n')[0] };
}
