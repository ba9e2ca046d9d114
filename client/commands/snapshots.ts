// `cairn snapshots`: list snapshots, oldest first, as a table or restic's JSON array.
import type { Command } from 'commander';
import { shortId } from '../../shared/core/index.js';
import { loadSnapshots } from '../../shared/repository/index.js';
import { commandContext, withRepository } from '../context.js';
import { addSnapshotFilterOptions, snapshotFilter, type SnapshotFilterFlags } from '../snapshot-filter.js';
import { formatTable, snapshotJson, displayTime } from '../output/format.js';

export function registerSnapshots(program: Command): void {
  addSnapshotFilterOptions(
    program
      .command('snapshots')
      .description('list snapshots, oldest first')
      .argument('[id...]', 'only these snapshots (full or short IDs)')
      .addHelpText('after', '\nExamples:\n  cairn snapshots\n  cairn snapshots --host nas --path /home/alice --json'),
  ).action(async (ids: string[], opts: SnapshotFilterFlags, cmd: Command) => {
    const ctx = commandContext(cmd);
    await withRepository(ctx, 'shared', async ({ repo, printer }) => {
      let entries = await loadSnapshots(repo, snapshotFilter(opts));
      if (ids.length > 0) entries = entries.filter((e) => ids.some((p) => e.id.startsWith(p)));
      if (printer.json) {
        printer.jsonLine(entries.map((e) => snapshotJson(e.id, e.snapshot)));
        return;
      }
      const rows = entries.map((e) => [shortId(e.id), displayTime(e.snapshot.time), e.snapshot.hostname ?? '', (e.snapshot.tags ?? []).join(','), e.snapshot.paths.join(', ')]);
      printer.out(formatTable(['ID', 'Time', 'Host', 'Tags', 'Paths'], rows));
      printer.out(`${entries.length} snapshot${entries.length === 1 ? '' : 's'}`);
    });
  });
}
