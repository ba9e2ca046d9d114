// The Cache Directory Tagging Standard (https://bford.info/cachedir/): a directory holding a file named
// CACHEDIR.TAG whose content starts with a fixed signature is a cache. With --exclude-caches restic keeps
// such a directory and its tag file but none of its other entries. A tag file that is missing, unreadable,
// too short or has the wrong signature does not mark the directory (the last three with a warning).
import { closeSync, lstatSync, openSync, readSync } from 'node:fs';
import { lstat, open } from 'node:fs/promises';
import { join } from 'node:path/posix';

/** The tag file's name. */
export const CACHEDIR_TAG = 'CACHEDIR.TAG';
/** The bytes a tag file must start with; anything may follow. */
export const CACHEDIR_SIGNATURE = 'Signature: 8a477f597d28d172789f06886806bc55';

/** Receives a one-line warning about a tag file that exists but does not count. */
export type WarningSink = (message: string) => void;

const SIGNATURE = Buffer.from(CACHEDIR_SIGNATURE, 'latin1');

/** hasCacheDirTag reports whether `dir` holds a CACHEDIR.TAG with the signature. Never rejects. */
export async function hasCacheDirTag(dir: string, warn: WarningSink = () => {}): Promise<boolean> {
  const tag = join(dir, CACHEDIR_TAG);
  try {
    await lstat(tag);
  } catch (err) {
    return noTag(tag, err, warn);
  }
  // The tag is read through a symlink if it is one, as restic opens it after an lstat.
  const buf = Buffer.alloc(SIGNATURE.length);
  let filled = 0;
  try {
    const fh = await open(tag, 'r');
    try {
      for (let n = -1; filled < buf.length && n !== 0; filled += n) n = (await fh.read(buf, filled, buf.length - filled, filled)).bytesRead;
    } finally {
      await fh.close();
    }
  } catch (err) {
    warn(`could not read signature from exclusion tagfile ${tag}: ${(err as Error).message}`);
    return false;
  }
  return checkSignature(tag, buf, filled, warn);
}

/** hasCacheDirTagSync is hasCacheDirTag without yielding, for a walker's synchronous path check. */
export function hasCacheDirTagSync(dir: string, warn: WarningSink = () => {}): boolean {
  const tag = join(dir, CACHEDIR_TAG);
  try {
    lstatSync(tag);
  } catch (err) {
    return noTag(tag, err, warn);
  }
  const buf = Buffer.alloc(SIGNATURE.length);
  let filled = 0;
  try {
    const fd = openSync(tag, 'r');
    try {
      for (let n = -1; filled < buf.length && n !== 0; filled += n) n = readSync(fd, buf, filled, buf.length - filled, filled);
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    warn(`could not read signature from exclusion tagfile ${tag}: ${(err as Error).message}`);
    return false;
  }
  return checkSignature(tag, buf, filled, warn);
}

function noTag(tag: string, err: unknown, warn: WarningSink): false {
  if ((err as NodeJS.ErrnoException).code !== 'ENOENT' && (err as NodeJS.ErrnoException).code !== 'ENOTDIR') {
    warn(`could not access exclusion tagfile ${tag}: ${(err as Error).message}`);
  }
  return false;
}

function checkSignature(tag: string, buf: Buffer, filled: number, warn: WarningSink): boolean {
  if (filled < buf.length) {
    warn(`invalid (too short) signature in exclusion tagfile ${tag}`);
    return false;
  }
  if (!buf.equals(SIGNATURE)) {
    warn(`invalid signature in exclusion tagfile ${tag}`);
    return false;
  }
  return true;
}
