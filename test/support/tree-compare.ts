// Test support: compare two directory trees the way a restore must reproduce a backup: same names and
// types, same file bytes, same symlink targets, same hard-link grouping, same modes and mtimes.
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';

export interface CompareOptions {
  /** Compare permission bits (default true). */
  readonly modes?: boolean;
  /** Compare mtimes of files, symlinks and directories, to the microsecond (default true). */
  readonly mtimes?: boolean;
  /** Compare owners (default false: only meaningful when restoring as root). */
  readonly owners?: boolean;
}

interface Entry {
  type: string;
  mode: number;
  mtimeUs: bigint;
  uid: number;
  gid: number;
  digest?: string;
  target?: string;
  inode: bigint;
}

function scan(root: string): Map<string, Entry> {
  const entries = new Map<string, Entry>();
  const visit = (rel: string): void => {
    const st = lstatSync(join(root, rel), { bigint: true });
    const type = st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : st.isFile() ? 'file' : st.isFIFO() ? 'fifo' : 'other';
    const e: Entry = { type, mode: Number(st.mode & 0o7777n), mtimeUs: st.mtimeNs / 1000n, uid: Number(st.uid), gid: Number(st.gid), inode: st.ino };
    if (type === 'file') e.digest = createHash('sha256').update(readFileSync(join(root, rel))).digest('hex');
    if (type === 'symlink') e.target = readlinkSync(join(root, rel));
    entries.set(rel || '.', e);
    if (type === 'dir') for (const name of readdirSync(join(root, rel)).sort()) visit(rel ? `${rel}/${name}` : name);
  };
  visit('');
  return entries;
}

/** Hard links as groups of paths sharing an inode, in a form that does not depend on inode numbers. */
function linkGroups(entries: Map<string, Entry>): string[] {
  const byInode = new Map<bigint, string[]>();
  for (const [path, e] of entries) if (e.type === 'file') byInode.set(e.inode, [...(byInode.get(e.inode) ?? []), path]);
  return [...byInode.values()].filter((g) => g.length > 1).map((g) => g.sort().join(' = ')).sort();
}

/** compareTrees lists every difference between two trees; an empty list means they are equal. */
export function compareTrees(expected: string, actual: string, opts: CompareOptions = {}): string[] {
  const a = scan(expected);
  const b = scan(actual);
  const diffs: string[] = [];
  for (const [path, ea] of a) {
    const eb = b.get(path);
    if (eb === undefined) {
      diffs.push(`${path}: missing`);
      continue;
    }
    if (ea.type !== eb.type) diffs.push(`${path}: type ${eb.type}, expected ${ea.type}`);
    if (ea.digest !== eb.digest) diffs.push(`${path}: content differs`);
    if (ea.target !== eb.target) diffs.push(`${path}: symlink target ${eb.target}, expected ${ea.target}`);
    if ((opts.modes ?? true) && ea.type !== 'symlink' && ea.mode !== eb.mode) diffs.push(`${path}: mode ${eb.mode.toString(8)}, expected ${ea.mode.toString(8)}`);
    if ((opts.mtimes ?? true) && path !== '.' && ea.mtimeUs !== eb.mtimeUs) diffs.push(`${path}: mtime ${eb.mtimeUs}µs, expected ${ea.mtimeUs}µs`);
    if (opts.owners && (ea.uid !== eb.uid || ea.gid !== eb.gid)) diffs.push(`${path}: owner ${eb.uid}:${eb.gid}, expected ${ea.uid}:${ea.gid}`);
  }
  for (const path of b.keys()) if (!a.has(path)) diffs.push(`${path}: unexpected`);
  const la = linkGroups(a).join('; ');
  const lb = linkGroups(b).join('; ');
  if (la !== lb) diffs.push(`hard links: [${lb}], expected [${la}]`);
  return diffs;
}
