// Job flags on the command line → the raw options a maintenance request carries. `cairn remote forget
// --keep-daily 7 --prune` becomes `{keepDaily: "7", prune: true}`: camelCased flag names, values kept as
// the user wrote them, a flag without a value is true, a repeated flag a list. Before sending, the options
// go through the job's own parser (the one the functions use), so a typo fails here, not in the cloud.
import { UsageError } from '../../shared/core/index.js';
import { parseCheckOptions, parseCopyOptions, parseForgetPruneOptions } from '../../shared/maintenance/index.js';

/** The jobs `cairn remote` can request. */
export const REMOTE_JOBS = ['forget', 'prune', 'check', 'copy'] as const;
export type RemoteJob = (typeof REMOTE_JOBS)[number];

export type RawOptions = Record<string, string | boolean | string[]>;

/** parseJobArgs reads `--name value`, `--name=value` and bare `--name` flags; anything else is a UsageError. */
export function parseJobArgs(args: readonly string[]): RawOptions {
  const out: RawOptions = {};
  const add = (key: string, value: string | boolean): void => {
    const prev = out[key];
    if (prev === undefined) out[key] = value;
    else out[key] = [...(Array.isArray(prev) ? prev : [String(prev)]), String(value)];
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const m = /^--([a-z][a-z0-9-]*)(?:=(.*))?$/.exec(arg);
    if (!m) throw new UsageError(`unexpected argument ${JSON.stringify(arg)}: job options are flags like --keep-daily 7`);
    const key = m[1]!.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
    if (m[2] !== undefined) add(key, m[2]);
    else if (i + 1 < args.length && !args[i + 1]!.startsWith('--')) add(key, args[++i]!);
    else add(key, true);
  }
  return out;
}

/** checkJobOptions runs the job's parser over `raw`, throwing its UsageError (which names the flag). */
export function checkJobOptions(job: RemoteJob, raw: RawOptions): void {
  if (job === 'check') parseCheckOptions(raw);
  else if (job === 'copy') parseCopyOptions(raw as Parameters<typeof parseCopyOptions>[0]);
  else parseForgetPruneOptions(raw);
}
