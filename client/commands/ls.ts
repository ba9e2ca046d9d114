// `cairn ls SNAPSHOT [DIR...]`: list the files of a snapshot (restic's `ls`, with its --json lines). With
// directories given, restic's rule: each directory and its direct entries, everything below with
// --recursive; trees outside the directories (and off the way to them) are not even loaded.
import type { Command } from 'commander';
import { shortId, type Id } from '../../shared/core/index.js';
import { findSnapshot, loadIndex, loadTree } from '../../shared/repository/index.js';
import type { TreeNode } from '../../shared/format/index.js';
import { commandContext, withRepository } from '../context.js';
import { addSnapshotFilterOptions, snapshotFilter, type SnapshotFilterFlags } from '../snapshot-filter.js';
import { nodeJson, permissionString, displayTime } from '../output/format.js';

/** hasPathPrefix tells whether `path` is `base` or lies below it (restic's fs.HasPathPrefix). */
function hasPathPrefix(base: string, path: string): boolean {
  return base === '/' || path === base || path.startsWith(base + '/');
}

interface LsFlags extends SnapshotFilterFlags {
  long?: boolean;
  recursive?: boolean;
}

export function registerLs(program: Command): void {
  addSnapshotFilterOptions(
    program
      .command('ls')
      .description('list files in a snapshot')
      .argument('<snapshot>', 'snapshot ID (full or short) or `latest`')
      .argument('[dir...]', 'only list these directories (absolute paths inside the snapshot) and their entries')
      .option('-l, --long', 'show mode, owner, size and time')
      .option('--recursive', 'with directories given, also list everything below them')
      .addHelpText('after', '\nExamples:\n  cairn ls latest\n  cairn ls latest --host nas --path /home/alice /home/alice/docs\n  cairn ls 3c62ec03 --json'),
  ).action(async (ref: string, dirArgs: string[], opts: LsFlags, cmd: Command) => {
    const ctx = commandContext(cmd);
    const dirs = dirArgs.map((d) => d.replace(/\/+$/, '') || '/');
    await withRepository(ctx, 'shared', async ({ repo, printer }) => {
      const { id, snapshot } = await findSnapshot(repo, ref, snapshotFilter(opts));
      const { index } = await loadIndex(repo);
      if (printer.json) printer.jsonLine({ ...snapshot, id, short_id: shortId(id), struct_type: 'snapshot' });
      else printer.out(`snapshot ${shortId(id)} of [${snapshot.paths.join(' ')}]${dirs.length > 0 ? ` filtered by [${dirs.join(' ')}]` : ''} at ${displayTime(snapshot.time)}:`);
      const print = (path: string, node: TreeNode): void => {
        if (printer.json) printer.jsonLine(nodeJson(path, node));
        else if (opts.long) printer.out(`${permissionString(node)} ${node.user ?? node.uid}/${node.group ?? node.gid} ${String(node.size ?? 0).padStart(10)} ${displayTime(node.mtime)} ${path}`);
        else printer.out(path);
      };
      const walk = async (treeId: Id, prefix: string): Promise<void> => {
        for (const node of await loadTree(repo, index, treeId)) {
          const path = `${prefix}/${node.name}`;
          const within = dirs.length === 0 || dirs.some((d) => hasPathPrefix(d, path));
          const approaching = dirs.length === 0 || dirs.some((d) => hasPathPrefix(path, d));
          if (within) print(path, node);
          const descend = (within && (dirs.length === 0 || opts.recursive)) || approaching;
          if (descend && node.type === 'dir' && node.subtree) await walk(node.subtree, path);
        }
      };
      await walk(snapshot.tree, '');
    });
  });
}
