// `cairn ls SNAPSHOT [DIR...]`: list the files of a snapshot (restic's `ls`, with its --json lines).
import type { Command } from 'commander';
import { shortId } from '../../shared/core/index.js';
import { findSnapshot, loadIndex, walkTree } from '../../shared/repository/index.js';
import { commandContext, withRepository } from '../context.js';
import { addSnapshotFilterOptions, snapshotFilter, type SnapshotFilterFlags } from '../snapshot-filter.js';
import { nodeJson, permissionString, displayTime } from '../output/format.js';

/** inScope tells whether a path is one of the given dirs, below one, or above one (needed to reach it). */
function inScope(path: string, dirs: string[]): { show: boolean; descend: boolean } {
  if (dirs.length === 0) return { show: true, descend: true };
  let show = false;
  let descend = false;
  for (const d of dirs.map((x) => x.replace(/\/+$/, '') || '/')) {
    if (path === d || path.startsWith(d + '/') || d === '/') show = descend = true;
    else if (d.startsWith(path + '/')) descend = true;
  }
  return { show, descend };
}

export function registerLs(program: Command): void {
  addSnapshotFilterOptions(
    program
      .command('ls')
      .description('list files in a snapshot')
      .argument('<snapshot>', 'snapshot ID or `latest`')
      .argument('[dir...]', 'only list these directories (absolute paths inside the snapshot)')
      .option('-l, --long', 'show mode, owner, size and time'),
  ).action(async (ref: string, dirs: string[], opts: SnapshotFilterFlags & { long?: boolean }, cmd: Command) => {
    const ctx = commandContext(cmd);
    await withRepository(ctx, 'shared', async ({ repo, printer }) => {
      const { id, snapshot } = await findSnapshot(repo, ref, snapshotFilter(opts));
      const { index } = await loadIndex(repo);
      if (printer.json) printer.jsonLine({ ...snapshot, id, short_id: shortId(id), struct_type: 'snapshot' });
      else printer.out(`snapshot ${shortId(id)} of [${snapshot.paths.join(' ')}] at ${displayTime(snapshot.time)}:`);
      const walk = async (treeId: string, prefix: string): Promise<void> => {
        for await (const { path, node } of walkTree(repo, index, treeId, prefix)) {
          const scope = inScope(path, dirs);
          if (scope.show) {
            if (printer.json) printer.jsonLine(nodeJson(path, node));
            else if (opts.long) printer.out(`${permissionString(node)} ${node.user ?? node.uid}/${node.group ?? node.gid} ${String(node.size ?? 0).padStart(10)} ${displayTime(node.mtime)} ${path}`);
            else printer.out(path);
          }
          // walkTree already descends; skipping subtrees that are out of scope is an optimisation left out for clarity.
        }
      };
      await walk(snapshot.tree, '');
    });
  });
}
