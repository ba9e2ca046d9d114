// How commander's own complaints (unknown option, missing argument, bad command) reach the user: one line
// on stderr that names the problem and the help to read, like every other cairn error. main.ts turns the
// CommanderError that follows into exit code 1.
import type { Command } from 'commander';

/** commandPath is how the user typed the command, e.g. `cairn key add`. */
function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c !== null; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/**
 * configureUsageErrors makes `cmd` and every subcommand (present when called) throw instead of exiting, and
 * print usage mistakes as `cairn: <problem> (see \`cairn <command> --help\`)`. Call it after all commands
 * are registered.
 */
export function configureUsageErrors(cmd: Command): void {
  cmd.exitOverride().configureOutput({
    outputError: (str, write) => {
      const problem = str.replace(/^error: /, '').trim().split('\n')[0] ?? '';
      write(`cairn: ${problem} (see \`${commandPath(cmd)} --help\`)\n`);
    },
  });
  for (const sub of cmd.commands) configureUsageErrors(sub);
}
