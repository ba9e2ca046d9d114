// The printer: what the CLI says and where. Results go to stdout (JSON lines with --json), messages and
// progress to stderr; -q keeps only errors, so cron mails only when something went wrong.
import type { LogLevel, Reporter } from '../../shared/core/index.js';

// When stdout's reader goes away (`cairn ls latest | head`), Node raises EPIPE as an unhandled 'error'
// event and dies with a stack trace. Exiting at once instead would skip the lock release in
// withRepository, so further output is dropped and the command ends normally, leaving the repository tidy.
let stdoutClosed = false;
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') stdoutClosed = true;
  else throw err;
});

export interface PrinterOptions {
  readonly json: boolean;
  readonly quiet: boolean;
  readonly verbose: boolean;
}

export class Printer implements Reporter {
  readonly json: boolean;
  readonly quiet: boolean;
  readonly verbose: boolean;
  /** Progress is drawn only for a person watching a terminal. */
  readonly interactive: boolean;
  private progressShown = false;

  constructor(opts: PrinterOptions) {
    this.json = opts.json;
    this.quiet = opts.quiet;
    this.verbose = opts.verbose;
    this.interactive = Boolean(process.stderr.isTTY) && !opts.quiet && !opts.json;
  }

  /** A result line for a person (not printed with --json, which prints `data` instead). */
  out(text: string): void {
    if (!this.json) this.write(process.stdout, text + '\n');
  }

  /** One JSON value per line on stdout (only with --json). */
  jsonLine(value: unknown): void {
    if (this.json) this.write(process.stdout, JSON.stringify(value) + '\n');
  }

  /** An informational message (stderr in --json mode so stdout stays machine-readable). */
  info(text: string): void {
    if (this.quiet) return;
    this.write(this.json ? process.stderr : process.stdout, text + '\n');
  }

  warn(text: string): void {
    this.write(process.stderr, `warning: ${text}\n`);
  }

  debug(text: string): void {
    if (this.verbose) this.write(process.stderr, text + '\n');
  }

  log(level: LogLevel, message: string): void {
    if (level === 'error') this.write(process.stderr, `error: ${message}\n`);
    else if (level === 'warn') this.warn(message);
    else if (level === 'info') this.info(message);
    else this.debug(message);
  }

  /** progress redraws one status line on a terminal; elsewhere it stays silent. */
  progress(phase: string, done: number, total?: number): void {
    if (!this.interactive) return;
    const pct = total !== undefined && total > 0 ? ` ${Math.floor((done / total) * 100)}%` : '';
    this.status(`${phase}: ${done}${total !== undefined ? `/${total}` : ''}${pct}`);
  }

  /** status replaces the current terminal status line. */
  status(line: string): void {
    if (!this.interactive) return;
    const width = process.stderr.columns ?? 80;
    process.stderr.write(`\r\x1b[K${line.slice(0, width - 1)}`);
    this.progressShown = true;
  }

  /** clearStatus removes the status line before normal output continues. */
  clearStatus(): void {
    if (this.progressShown) process.stderr.write('\r\x1b[K');
    this.progressShown = false;
  }

  /** raw writes bytes or text to stdout as they are (`cat blob`, `cat pack`), in any mode. */
  raw(data: string | Uint8Array): void {
    this.write(process.stdout, data);
  }

  private write(stream: NodeJS.WriteStream, text: string | Uint8Array): void {
    this.clearStatus();
    if (stream === process.stdout && stdoutClosed) return;
    stream.write(text);
  }
}
