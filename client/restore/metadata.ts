// Restore, step three: ownership, permissions and times. Applied after content (writing a file changes
// its mtime) and to directories after their children (creating a child changes the directory's mtime).
import { chmod, chown, lchown, lutimes, utimes } from 'node:fs/promises';
import { parseGoTime, unixModeFromGoMode, type TreeNode } from '../../shared/format/index.js';

function seconds(goTime: string): number {
  // utimes takes seconds as a float; restic's nanoseconds survive to the microsecond.
  return Number(parseGoTime(goTime).epochNs / 1000n) / 1e6;
}

/** applyMetadata sets owner (as root only), mode and times of one restored node. */
export async function applyMetadata(path: string, node: TreeNode, asRoot: boolean): Promise<void> {
  const symlink = node.type === 'symlink';
  if (asRoot) {
    if (symlink) await lchown(path, node.uid, node.gid);
    else await chown(path, node.uid, node.gid);
  }
  // Symlink permissions are meaningless on Linux; chmod would follow the link.
  if (!symlink) await chmod(path, unixModeFromGoMode(node.mode ?? 0));
  const atime = seconds(node.atime);
  const mtime = seconds(node.mtime);
  if (symlink) await lutimes(path, atime, mtime);
  else await utimes(path, atime, mtime);
}
