// Progress and messages leave the engine only through a Reporter, so the engine never touches the console:
// the CLI draws a bar or JSON lines, a Lambda writes JSON logs, tests pass the silent one.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Reporter {
  /** A message for a person (or a log line). */
  log(level: LogLevel, message: string, fields?: Record<string, unknown>): void;
  /** Progress of a long phase: `done` of `total` units (total may be unknown). */
  progress?(phase: string, done: number, total?: number, fields?: Record<string, unknown>): void;
}

/** silentReporter drops everything; the default inside the engine and in tests. */
export const silentReporter: Reporter = {
  log() {},
};
