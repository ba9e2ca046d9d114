// `cairn forget`: remove snapshots by restic's --keep-* policy (or by ID), optionally followed by prune.
// flags → ForgetPruneOptions → the forget+prune job → restic's per-group tables, or its `forget --json`.
import type { Command } from 'commander';
import { shortId } from '../../shared/core/index.js';
import {
  forgetJob, formatForgetJson, isTwoPhase, parseForgetPruneOptions, pruneJob, runJobLocally, describeGroup,
  type ForgetGroup, type ForgetJobPlan, type JobContext, type PrunePlan,
} from '../../shared/maintenance/index.js';
import { commandContext, withRepository } from '../context.js';
import { displayTime, formatTable } from '../output/format.js';
import type { Printer } from '../output/printer.js';
import { addPruneFlags, printPrunePlan, pruneJobContext, pruneRaw, pruneSummaryJson, twoPhaseSettings, withPlanPrinted, type PruneFlags } from './prune.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
const COUNTS = ['last', 'hourly', 'daily', 'weekly', 'monthly', 'yearly'] as const;

interface ForgetFlags extends PruneFlags {
  [key: string]: unknown;
  prune?: boolean;
  maxDeleteShare?: string;
}

export function registerForget(program: Command): void {
  const cmd = program
    .command('forget')
    .description('remove snapshots according to a policy (restic\'s --keep-* flags), or the given ones')
    .argument('[snapshot-id...]', 'remove exactly these snapshots instead of applying a policy');
  for (const c of COUNTS) cmd.option(`--keep-${c} <n>`, `keep the newest ${c === 'last' ? 'n snapshots' : `snapshot of each of the last n ${c === 'daily' ? 'days' : c.replace(/ly$/, 's')}`}`);
  cmd.option('--keep-within <duration>', 'keep snapshots newer than the latest minus this (e.g. 1y5m7d2h)');
  for (const c of COUNTS.slice(1)) cmd.option(`--keep-within-${c} <duration>`, `keep the newest ${c} snapshots within this duration of the latest`);
  cmd
    .option('--keep-tag <taglist>', 'keep snapshots with all these tags (repeatable)', collect)
    .option('-g, --group-by <group>', 'group snapshots by host, paths and/or tags, comma-separated ("" = one group)')
    .option('--host <host>', 'only consider snapshots of this host (repeatable)', collect)
    .option('--tag <taglist>', 'only consider snapshots with all these tags (repeatable)', collect)
    .option('--path <path>', 'only consider snapshots with this path (repeatable)', collect)
    .option('-n, --dry-run', 'only show what would be removed')
    .option('--prune', 'run prune afterwards')
    .option('--max-delete-share <share>', 'refuse to remove more than this share (0..1 or 50%) of any group');
  addPruneFlags(cmd).action(async (ids: string[], flags: ForgetFlags, command: Command) => {
    const ctx = commandContext(command);
    const raw: Record<string, string | string[] | boolean | undefined> = {
      ...pruneRaw(flags),
      keepTag: flags.keepTag as string[] | undefined,
      groupBy: flags.groupBy as string | undefined,
      host: flags.host as string[] | undefined,
      tag: flags.tag as string[] | undefined,
      path: flags.path as string[] | undefined,
      dryRun: flags.dryRun,
      prune: flags.prune,
      maxDeleteShare: flags.maxDeleteShare,
      snapshotIds: ids.length > 0 ? ids : undefined,
    };
    for (const key of Object.keys(flags)) if (key.startsWith('keep') && key !== 'keepTag') raw[key] = flags[key] as string;
    const settings = twoPhaseSettings(flags);
    const options = parseForgetPruneOptions({ ...raw, ...settings.raw }, settings.clockMarginMs);
    // forget --prune with two-phase prune runs under the lease, so backups go on; forget alone and restic's
    // prune (--instant-delete) take the exclusive lock, as restic does.
    const leased = options.forget.prune && isTwoPhase(options);
    await withRepository(ctx, leased ? 'lease' : 'exclusive', async (opened) => {
      const { printer } = opened;
      const jobCtx: JobContext = pruneJobContext(opened, leased);
      // forget, then prune, in one lock (restic's order). The cloud runs the same pair as forgetPruneJob.
      const forget = await runJobLocally(withPlanPrinted(forgetJob, (plan: ForgetJobPlan) => printForget(printer, plan, options.forget.groupBy)), jobCtx, options.forget);
      if (!options.forget.prune) return;
      // A dry run deleted nothing, so prune must plan as if the removed snapshots were gone.
      const pruneOptions = { ...options.prune, twoPhase: options.twoPhase, ignoreSnapshots: options.forget.dryRun ? forget.plan.remove : [] };
      const { plan, outcome } = await runJobLocally(withPlanPrinted(pruneJob, (p: PrunePlan) => printPrunePlan(printer, p)), jobCtx, pruneOptions);
      printer.jsonLine(pruneSummaryJson(plan, options.forget.dryRun ? null : outcome));
    });
  });
}

function printForget(printer: Printer, forget: ForgetJobPlan, groupBy: Parameters<typeof formatForgetJson>[1]): void {
  if (forget.policy?.policyEmpty) {
    printer.info('no policy was specified, no snapshots will be removed');
    return;
  }
  if (forget.policy === null) {
    for (const id of forget.remove) printer.info(`${forget.dryRun ? 'would remove' : 'removed'} snapshot ${shortId(id)}`);
    return;
  }
  if (printer.json) {
    process.stdout.write(formatForgetJson(forget.policy, groupBy));
    return;
  }
  for (const g of forget.policy.groups) printGroup(printer, g, forget.dryRun);
  if (forget.remove.length > 0) printer.out(`${forget.dryRun ? 'would remove' : 'removed'} ${forget.remove.length} snapshot${forget.remove.length === 1 ? '' : 's'}`);
}

function printGroup(printer: Printer, g: ForgetGroup, dryRun: boolean): void {
  printer.out(`snapshots for ${describeGroup(g)}:`);
  const row = (e: ForgetGroup['keep'][number], reasons: string): string[] => [
    shortId(e.id), displayTime(e.snapshot.time), e.snapshot.hostname ?? '', (e.snapshot.tags ?? []).join(','), reasons, e.snapshot.paths.join(', '),
  ];
  const header = ['ID', 'Time', 'Host', 'Tags', 'Reasons', 'Paths'];
  printer.out(`keep ${g.keep.length} snapshots:`);
  printer.out(formatTable(header, g.keep.map((e, i) => row(e, g.reasons[i]?.matches.join(', ') ?? ''))));
  if (g.remove.length > 0) {
    printer.out(`${dryRun ? 'would remove' : 'remove'} ${g.remove.length} snapshots:`);
    printer.out(formatTable(header, g.remove.map((e) => row(e, ''))));
  }
  printer.out('');
}
