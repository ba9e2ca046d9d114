// How a failed file-system call becomes a storage error: a missing file is NotFoundError, a problem a retry
// cannot fix (permissions, a full or read-only disk) is permanent, and the few errors that network file systems
// and busy disks give for passing trouble are transient, so the retry layer tries them again.
import { NotFoundError, StorageError } from '../core/index.js';

/** Errno codes worth retrying: I/O hiccups, NFS/SMB staleness, interruptions, exhausted descriptors. */
const TRANSIENT_CODES = new Set(['EIO', 'EAGAIN', 'EWOULDBLOCK', 'EBUSY', 'EINTR', 'ETIMEDOUT', 'ESTALE', 'EMFILE', 'ENFILE', 'ECONNRESET']);

/** What to tell the person for the permanent errors they can act on. */
const HINTS: Record<string, string> = {
  EACCES: 'permission denied; check the owner and mode of the repository folder',
  EPERM: 'operation not permitted; check the owner and mode of the repository folder',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  ENOTDIR: 'a part of the path is not a folder',
  EISDIR: 'a folder stands where a file is expected',
};

/**
 * localError maps an error thrown by node:fs during `op` (a verb such as "write") on `path` to a CairnError:
 * ENOENT → NotFoundError naming the path; transient errno codes → transient StorageError; anything else →
 * permanent StorageError naming the path. CairnErrors pass through unchanged.
 */
export function localError(err: unknown, op: string, path: string): Error {
  if (err instanceof StorageError) return err;
  const code = errnoCode(err);
  if (code === 'ENOENT') return new NotFoundError(path, { cause: err });
  const detail = (code !== undefined ? HINTS[code] : undefined) ?? (err instanceof Error ? err.message : String(err));
  return new StorageError(`${op} ${path} failed: ${detail}`, code !== undefined && TRANSIENT_CODES.has(code), { cause: err });
}

/** errnoCode returns the `code` of a Node system error, if it has one. */
export function errnoCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string') return err.code;
  return undefined;
}
