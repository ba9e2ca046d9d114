// Shapes of output: restic's JSON objects for snapshots and nodes, and aligned text tables for people.
import { shortId, type Id } from '../../shared/core/index.js';
import { parseGoTime, type Snapshot, type TreeNode } from '../../shared/format/index.js';

/** snapshotJson is restic's `snapshots --json` element: the snapshot's fields plus id and short_id. */
export function snapshotJson(id: Id, s: Snapshot): Record<string, unknown> {
  return { ...s, id, short_id: shortId(id) };
}

/**
 * displayTime shows a restic time string as restic's tables do: `YYYY-MM-DD HH:MM:SS` in this machine's
 * time zone (restic's `Local().Format(TimeFormat)`). A string that is not a time is shown as it is.
 */
export function displayTime(goTime: string): string {
  let d: Date;
  try {
    d = new Date(Number(parseGoTime(goTime).epochNs / 1_000_000n));
  } catch {
    return goTime;
  }
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${String(d.getFullYear()).padStart(4, '0')}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('--');
  return [line(header), rule, ...rows.map(line), rule].join('\n');
}

// Go's os.FileMode bits from the top down, with the letter FileMode.String() prints for each.
const GO_MODE_LETTERS = 'dalTLDpSugct?';

/**
 * permissionString renders a node's Go FileMode as Go's FileMode.String() does (what restic's `ls`
 * prints): one letter per set type or special bit (`d`, `L`, `t` for sticky, `u`/`g` for set-id…), or
 * `-` when none is set, then rwx for owner, group and others — e.g. `dtrwxrwxrwx` for /tmp.
 */
export function permissionString(node: TreeNode): string {
  const mode = node.mode ?? 0;
  let s = '';
  for (let i = 0; i < GO_MODE_LETTERS.length; i++) {
    if (Math.floor(mode / 2 ** (31 - i)) % 2 === 1) s += GO_MODE_LETTERS[i];
  }
  if (s === '') s = '-';
  for (let bit = 8; bit >= 0; bit--) s += (mode >> bit) & 1 ? 'rwxrwxrwx'[8 - bit] : '-';
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
