// Restore, step four: ownership, permissions and times. Applied after content (writing a file changes
// its mtime) and to directories after their children (creating a child changes the directory's mtime).
// Synchronous for the same reason as create.ts: thousands of tiny calls, each cheaper than a pool hop.
import { chmodSync, chownSync, lchownSync, lutimesSync, utimesSync } from 'node:fs';
import { parseGoTime, unixModeFromGoMode, type TreeNode } from '../../shared/format/index.js';

function seconds(goTime: string): number {
  // utimes takes seconds as a double (~0.24 µs apart at today's epoch) and libuv truncates it to
  // nanoseconds, so the exact microsecond could come out one lower; aiming at its middle keeps it. The
  // nanoseconds below the microsecond are lost (Node offers no integer-nanosecond utimes).
  return Number(parseGoTime(goTime).epochNs / 1000n) / 1e6 + 5e-7;
}

/**
 * applyMetadata sets owner (as root only), mode and times of one restored node, in that order: chown
 * clears set-id bits, so the mode comes after it; times come last because chmod does not touch mtime.
 */
export function applyMetadata(path: string, node: TreeNode, asRoot: boolean): void {
  const symlink = node.type === 'symlink';
  if (asRoot) {
    if (symlink) lchownSync(path, node.uid, node.gid);
    else chownSync(path, node.uid, node.gid);
  }
  // Symlink permissions are meaningless on Linux; chmod would follow the link.
  if (!symlink) chmodSync(path, unixModeFromGoMode(node.mode ?? 0));
  const atime = seconds(node.atime);
  const mtime = seconds(node.mtime);
  if (symlink) lutimesSync(path, atime, mtime);
  else utimesSync(path, atime, mtime);
}
