// The cairn CLI's entry point: parse, run, and turn any failure into one line on stderr and an exit code.
// This is the only place that decides exit codes (0 ok, 1 fatal, 3 backup incomplete; restic's).
import { CommanderError } from 'commander';
import { CairnError } from '../shared/core/index.js';
import { buildProgram } from './program.js';
import { IncompleteBackupError } from './exit.js';

async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  const verbose = argv.includes('-v') || argv.includes('--verbose');
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    return report(err, verbose);
  }
}

function report(err: unknown, verbose: boolean): number {
  if (err instanceof CommanderError) {
    // commander already printed its message (unknown option, missing argument) or the help text.
    return err.exitCode === 0 ? 0 : 1;
  }
  if (err instanceof IncompleteBackupError) {
    process.stderr.write(`cairn: ${err.message}\n`);
    return 3;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`cairn: ${message.split('\n')[0]}\n`);
  if (verbose && err instanceof Error && err.stack) process.stderr.write(err.stack + '\n');
  else if (!(err instanceof CairnError)) process.stderr.write('cairn: (an unexpected error; run with -v for details)\n');
  return 1;
}

process.exitCode = await main(process.argv);
