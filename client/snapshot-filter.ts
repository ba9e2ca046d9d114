// The --host/--tag/--path flags that select snapshots, shared by every command that picks snapshots.
import type { Command } from 'commander';
import type { SnapshotFilter } from '../shared/repository/index.js';

export interface SnapshotFilterFlags {
  host?: string[];
  tag?: string[];
  path?: string[];
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function addSnapshotFilterOptions(cmd: Command): Command {
  return cmd
    .option('-H, --host <host>', 'only snapshots of this host (repeatable)', collect)
    .option('--tag <a,b>', 'only snapshots with all these tags (repeatable: any of the lists)', collect)
    .option('--path <path>', 'only snapshots that include this path (repeatable: all of them)', collect);
}

export function snapshotFilter(flags: SnapshotFilterFlags): SnapshotFilter {
  return {
    hosts: flags.host ?? [],
    tags: (flags.tag ?? []).map((t) => t.split(',').filter((x) => x.length > 0)),
    paths: flags.path ?? [],
  };
}
