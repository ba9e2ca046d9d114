// Go's os.FileMode, the `mode` of a restic tree node. It is not a Unix st_mode: the permission bits are the same
// (0o777) but the file type and the setuid/setgid/sticky bits sit in the top bits (ModeDir is bit 31, so a
// directory's mode exceeds 2^31 and JS bitwise operators, which are signed 32-bit, need `>>> 0`). The backup
// walker builds modes with goModeFromStat, restore turns them back with unixModeFromGoMode.

export const GO_MODE_DIR = 0x8000_0000; // 1 << 31
export const GO_MODE_APPEND = 0x4000_0000;
export const GO_MODE_EXCLUSIVE = 0x2000_0000;
export const GO_MODE_TEMPORARY = 0x1000_0000;
export const GO_MODE_SYMLINK = 0x0800_0000; // 1 << 27
export const GO_MODE_DEVICE = 0x0400_0000;
export const GO_MODE_NAMED_PIPE = 0x0200_0000;
export const GO_MODE_SOCKET = 0x0100_0000;
export const GO_MODE_SETUID = 0x0080_0000;
export const GO_MODE_SETGID = 0x0040_0000;
export const GO_MODE_CHAR_DEVICE = 0x0020_0000;
export const GO_MODE_STICKY = 0x0010_0000;
export const GO_MODE_IRREGULAR = 0x0008_0000;
/** The Unix permission bits rwxrwxrwx. */
export const GO_MODE_PERM = 0o777;

// Unix st_mode bits (Linux values, which every platform Node runs on shares).
const S_IFMT = 0o170000;
const S_IFSOCK = 0o140000;
const S_IFLNK = 0o120000;
const S_IFREG = 0o100000;
const S_IFBLK = 0o060000;
const S_IFDIR = 0o040000;
const S_IFCHR = 0o020000;
const S_IFIFO = 0o010000;
const S_ISUID = 0o4000;
const S_ISGID = 0o2000;
const S_ISVTX = 0o1000;

/** The node types restic writes. */
export type NodeType = 'file' | 'dir' | 'symlink' | 'dev' | 'chardev' | 'fifo' | 'socket';

/**
 * goModeFromStat converts a Unix st_mode (fs.Stats.mode) into the Go FileMode restic stores: permission bits,
 * the type bit(s), and setuid/setgid/sticky. This is what Go's os.Lstat computes, already masked the way
 * restic's NodeFromFileInfo masks it. A regular file has no type bit.
 */
export function goModeFromStat(stMode: number): number {
  let mode = stMode & GO_MODE_PERM;
  switch (stMode & S_IFMT) {
    case S_IFBLK: mode += GO_MODE_DEVICE; break;
    case S_IFCHR: mode += GO_MODE_DEVICE + GO_MODE_CHAR_DEVICE; break;
    case S_IFDIR: mode += GO_MODE_DIR; break;
    case S_IFIFO: mode += GO_MODE_NAMED_PIPE; break;
    case S_IFLNK: mode += GO_MODE_SYMLINK; break;
    case S_IFSOCK: mode += GO_MODE_SOCKET; break;
    default: break;
  }
  if (stMode & S_ISUID) mode += GO_MODE_SETUID;
  if (stMode & S_ISGID) mode += GO_MODE_SETGID;
  if (stMode & S_ISVTX) mode += GO_MODE_STICKY;
  return mode;
}

/**
 * unixModeFromGoMode returns the bits to pass to chmod for a Go FileMode: permissions plus setuid, setgid and
 * sticky (what Go's os.Chmod does with a FileMode, and so what restic's restore applies).
 */
export function unixModeFromGoMode(goMode: number): number {
  let mode = goMode & GO_MODE_PERM;
  if (hasBit(goMode, GO_MODE_SETUID)) mode |= S_ISUID;
  if (hasBit(goMode, GO_MODE_SETGID)) mode |= S_ISGID;
  if (hasBit(goMode, GO_MODE_STICKY)) mode |= S_ISVTX;
  return mode;
}

/** nodeTypeFromStat names a Unix st_mode's file type as restic does (undefined for an unknown type). */
export function nodeTypeFromStat(stMode: number): NodeType | undefined {
  switch (stMode & S_IFMT) {
    case S_IFREG: return 'file';
    case S_IFDIR: return 'dir';
    case S_IFLNK: return 'symlink';
    case S_IFBLK: return 'dev';
    case S_IFCHR: return 'chardev';
    case S_IFIFO: return 'fifo';
    case S_IFSOCK: return 'socket';
    default: return undefined;
  }
}

/** hasBit tests one Go FileMode bit, safe for bit 31 (JS `&` is signed). */
export function hasBit(goMode: number, bit: number): boolean {
  return ((goMode & bit) >>> 0) !== 0;
}
