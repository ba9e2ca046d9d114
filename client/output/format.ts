// Shapes of output: restic's JSON objects for snapshots and nodes, and aligned text tables for people.
import { shortId, type Id } from '../../shared/core/index.js';
import type { Snapshot, TreeNode } from '../../shared/format/index.js';

/** snapshotJson is restic's `snapshots --json` element: the snapshot's fields plus id and short_id. */
export function snapshotJson(id: Id, s: Snapshot): Record<string, unknown> {
  return { ...s, id, short_id: shortId(id) };
}

/** displayTime shows a restic time string as `YYYY-MM-DD HH:MM:SS` in its own offset. */
export function displayTime(goTime: string): string {
  return goTime.slice(0, 19).replace('T', ' ');
}

export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('--');
  return [line(header), rule, ...rows.map(line), rule].join('\n');
}

/** permissionString renders a Go FileMode like `ls -l` (drwxr-xr-x). */
export function permissionString(node: TreeNode): string {
  const kind: Record<string, string> = { dir: 'd', symlink: 'L', dev: 'D', chardev: 'c', fifo: 'p', socket: 'S', file: '-' };
  const perm = (node.mode ?? 0) & 0o777;
  let s = kind[node.type] ?? '?';
  for (let shift = 6; shift >= 0; shift -= 3) {
    const bits = (perm >> shift) & 7;
    s += (bits & 4 ? 'r' : '-') + (bits & 2 ? 'w' : '-') + (bits & 1 ? 'x' : '-');
  }
  return s;
}

/** nodeJson is restic's `ls --json` node line. */
export function nodeJson(path: string, node: TreeNode): Record<string, unknown> {
  const out: Record<string, unknown> = { name: node.name, type: node.type, path, uid: node.uid, gid: node.gid };
  if (node.type === 'file') out.size = node.size ?? 0;
  out.mode = node.mode ?? 0;
  out.permissions = permissionString(node);
  out.mtime = node.mtime;
  out.atime = node.atime;
  out.ctime = node.ctime;
  out.struct_type = 'node';
  return out;
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(3)} ${units[u]}`;
}
