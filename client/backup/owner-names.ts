// User and group names for uid/gid, as restic records them in each node. Node has no getpwuid, so the
// account databases are read once; an id with no entry gets "" (restic does the same).
import { readFileSync } from 'node:fs';

function readIdNames(path: string): Map<number, string> {
  const names = new Map<number, string>();
  try {
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      const fields = line.split(':');
      const id = Number(fields[2]);
      if (fields[0] && Number.isInteger(id) && !names.has(id)) names.set(id, fields[0]);
    }
  } catch {
    // No database (a container, an odd system): names stay empty, as restic's lookups would.
  }
  return names;
}

export class OwnerNames {
  private users: Map<number, string> | undefined;
  private groups: Map<number, string> | undefined;

  user(uid: number): string {
    this.users ??= readIdNames('/etc/passwd');
    return this.users.get(uid) ?? '';
  }

  group(gid: number): string {
    this.groups ??= readIdNames('/etc/group');
    return this.groups.get(gid) ?? '';
  }
}
