// Turning a file's lstat into a tree node with exactly the fields restic 0.14 records, so that the same
// directory gives the same tree (and a later restic backup can use cairn's snapshot as its parent).
import type { BigIntStats } from 'node:fs';
import { formatGoTime, goModeFromStat, localOffsetMinutes, type TreeNode } from '../../shared/format/index.js';
import type { OwnerNames } from './owner-names.js';

export type NodeType = TreeNode['type'];

export function nodeType(st: BigIntStats): NodeType | undefined {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'dir';
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isBlockDevice()) return 'dev';
  if (st.isCharacterDevice()) return 'chardev';
  if (st.isFIFO()) return 'fifo';
  if (st.isSocket()) return 'socket';
  return undefined;
}

/** goTime formats a stat time (nanoseconds) in the local offset at that instant, as Go's time.Local does. */
export function goTime(ns: bigint): string {
  return formatGoTime(ns, localOffsetMinutes(Number(ns / 1_000_000n)));
}

/**
 * nodeFromStat builds the node for `name` without content or subtree. `linkTarget` is needed for symlinks.
 * Field choice follows restic's NodeFromFileInfo/fillExtra: size and links for files, links for symlinks
 * and devices, the device number for devices, nothing extra for directories, fifos and sockets.
 */
export function nodeFromStat(name: string, st: BigIntStats, owners: OwnerNames, linkTarget?: string): TreeNode {
  const type = nodeType(st);
  if (type === undefined) throw new Error(`unsupported file type (mode ${st.mode.toString(8)})`);
  const uid = Number(st.uid);
  const gid = Number(st.gid);
  const mtime = goTime(st.mtimeNs);
  const node: TreeNode = {
    name,
    type,
    mode: goModeFromStat(Number(st.mode)),
    mtime,
    // restic records the mtime as atime unless --with-atime: real atimes change on every read (relatime)
    // and would make each run's trees differ from the last, defeating tree deduplication.
    atime: mtime,
    ctime: st.ctimeNs === st.mtimeNs ? mtime : goTime(st.ctimeNs),
    uid,
    gid,
    user: owners.user(uid),
    group: owners.group(gid),
    inode: Number(st.ino),
    device_id: Number(st.dev),
    content: null,
  };
  switch (type) {
    case 'file':
      node.size = Number(st.size);
      node.links = Number(st.nlink);
      node.content = [];
      break;
    case 'symlink':
      node.linktarget = linkTarget ?? '';
      node.links = Number(st.nlink);
      break;
    case 'dev':
    case 'chardev':
      node.device = Number(st.rdev);
      node.links = Number(st.nlink);
      break;
    default:
      break;
  }
  return node;
}

/**
 * fileChanged applies restic's rule for reusing a parent snapshot's content without reading the file:
 * same type, mtime, ctime, size and inode.
 */
export function fileChanged(current: TreeNode, previous: TreeNode | undefined): boolean {
  if (previous === undefined || previous.type !== 'file') return true;
  // An empty file's content is `null` in restic's trees; any other file without content cannot be reused.
  // restic leaves `size` out when it is 0, so an absent size means 0.
  const size = previous.size ?? 0;
  if (previous.content == null && size !== 0) return true;
  return previous.mtime !== current.mtime || previous.ctime !== current.ctime || size !== (current.size ?? 0) || previous.inode !== current.inode;
}
