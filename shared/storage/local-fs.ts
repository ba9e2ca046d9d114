// The few file-system steps a durable, atomic write and an exact read need, beyond what node:fs offers in one
// call. Kept apart from LocalBackend so the backend reads as the sequence of steps restic takes.
import { constants } from 'node:fs';
import { copyFile, link, mkdir, open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { errnoCode } from './local-errors.js';

/** Opens a fresh temp file; creates a missing folder once (a repository made by a tool that skipped data/XX). */
export async function openTemp(temp: string, dir: string): Promise<FileHandle> {
  try {
    return await open(temp, 'wx', 0o600);
  } catch (err) {
    if (errnoCode(err) !== 'ENOENT') throw err;
    await mkdir(dir, { recursive: true, mode: 0o700 });
    return await open(temp, 'wx', 0o600);
  }
}

/** fsync, except on file systems that cannot (some SMB/FUSE mounts), where restic also carries on. */
export async function syncUnlessUnsupported(fh: FileHandle): Promise<void> {
  try {
    await fh.sync();
  } catch (err) {
    const code = errnoCode(err);
    if (code !== 'ENOTSUP' && code !== 'EINVAL' && code !== 'EOPNOTSUPP') throw err;
  }
}

/** Makes the rename durable: without it a power cut can lose the new name even though the bytes were synced. */
export async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await syncUnlessUnsupported(fh);
  } finally {
    await fh.close();
  }
}

/** Reads into `buf` from `position` until it is full or the file ends; returns the bytes read. */
export async function readFully(fh: FileHandle, buf: Buffer, position: number): Promise<number> {
  let done = 0;
  while (done < buf.length) {
    const { bytesRead } = await fh.read(buf, done, buf.length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done;
}

/** Errors of link() that mean "not here, copy instead": another file system, or one without hard links. */
const NO_LINK = new Set(['EXDEV', 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EMLINK', 'ENOSYS']);

/**
 * placeFile puts the contents of `source` at the new name `temp`: a hard link when both are on one file
 * system (no byte is copied), else a kernel-side copy. Creates a missing folder once, as openTemp does.
 */
export async function placeFile(source: string, temp: string, dir: string): Promise<void> {
  try {
    await linkOrCopy(source, temp);
  } catch (err) {
    if (errnoCode(err) !== 'ENOENT') throw err;
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await linkOrCopy(source, temp);
  }
}

async function linkOrCopy(source: string, temp: string): Promise<void> {
  try {
    await link(source, temp);
  } catch (err) {
    const code = errnoCode(err);
    if (code === undefined || !NO_LINK.has(code)) throw err;
    await copyFile(source, temp, constants.COPYFILE_EXCL);
  }
}
