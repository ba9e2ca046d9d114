// LocalBackend: a repository in a local (or mounted) folder, in restic's default layout. Every object is
// written the way restic 0.14 writes it — a temp file beside the target, fsync, rename, fsync of the folder,
// read-only mode — so a crash leaves either the whole object or nothing, and restic reads what we write.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { isId, StorageError } from '../core/index.js';
import type { Backend, ByteRange, FileBody, FileInfo, FileType, ReadAllocator } from './backend.js';
import { DATA_SUBDIRS, objectPath } from './layout.js';
import { errnoCode, localError } from './local-errors.js';
import { openTemp, placeFile, readFully, syncDir, syncUnlessUnsupported } from './local-fs.js';

/** How many `stat` calls a listing keeps in flight; a folder of 65k packs lists in about a second. */
const STAT_BATCH = 32;
/**
 * How many folders of data/ have their names read ahead of the one being listed. One at a time, listing
 * data/ took 256 round trips through libuv's thread pool, each waiting its turn behind whatever else the
 * process was doing (check --read-data's pack reads and verification: measured 0.45-0.65 s for a listing of
 * 18 packs; a few milliseconds with the folders read ahead).
 */
const FOLDER_LOOKAHEAD = 16;

/** LocalBackend stores a repository in the folder `root`. Its `location` is `root` exactly as given. */
export class LocalBackend implements Backend {
  readonly location: string;

  constructor(readonly root: string) {
    this.location = root;
  }

  /**
   * Creates the folders restic's `init` creates (keys, locks, snapshots, index, data and data/00…ff, mode
   * 0700). Fails with a permanent StorageError if a `config` is already there, so `init` never clobbers a
   * repository.
   */
  async create(): Promise<void> {
    const configPath = join(this.root, 'config');
    const existing = await stat(configPath).catch((err: unknown) => {
      if (errnoCode(err) === 'ENOENT') return undefined;
      throw localError(err, 'create', configPath);
    });
    if (existing) throw new StorageError(`a repository already exists at ${this.root} (it has a config file): choose an empty location`, false);
    const dirs = [this.root, ...(['keys', 'locks', 'snapshots', 'index', 'data'] as const).map((t) => join(this.root, t))];
    dirs.push(...DATA_SUBDIRS.map((xx) => join(this.root, 'data', xx)));
    for (const dir of dirs) {
      await mkdir(dir, { recursive: true, mode: 0o700 }).catch((err: unknown) => {
        throw localError(err, 'create', dir);
      });
    }
  }

  async write(type: FileType, name: string, data: Uint8Array | FileBody): Promise<void> {
    const target = join(this.root, objectPath(type, name));
    const dir = dirname(target);
    // The temp name is not a 64-hex ID, so a listing never shows a half-written object; restic 0.14 uses
    // the same `<name>-tmp-<random>` pattern in the same folder, which keeps the rename atomic.
    const temp = `${target}-tmp-${randomBytes(8).toString('hex')}`;
    let fh: FileHandle | undefined;
    try {
      if (data instanceof Uint8Array) {
        fh = await openTemp(temp, dir);
        await fh.writeFile(data); // writes the caller's bytes as they are, no copy
      } else {
        // A pack assembled in a file is linked (or copied) into place; the caller removes its own name.
        await placeFile(data.path, temp, dir);
        fh = await open(temp, 'r');
        const { size } = await fh.stat();
        if (size !== data.size) throw new StorageError(`${data.path} is ${size} bytes, expected ${data.size}`, false);
      }
      await syncUnlessUnsupported(fh);
      await fh.close();
      fh = undefined;
      await rename(temp, target);
    } catch (err) {
      await fh?.close().catch(() => undefined);
      await rm(temp, { force: true }).catch(() => undefined);
      throw localError(err, 'write', target);
    }
    try {
      await syncDir(dir);
    } catch (err) {
      throw localError(err, 'write', target);
    }
    // Read-only guards against accidents outside cairn; some network file systems refuse chmod, and the
    // object is complete without it, so a failure here is not an error (restic ignores it as well).
    await chmod(target, 0o400).catch(() => undefined);
  }

  async read(type: FileType, name: string, range?: ByteRange, allocate?: ReadAllocator): Promise<Buffer> {
    const path = join(this.root, objectPath(type, name));
    if (range) checkRange(range);
    let fh: FileHandle | undefined;
    try {
      fh = await open(path, 'r');
      const offset = range?.offset ?? 0;
      const length = range?.length ?? (await fh.stat()).size;
      // An allocator that returns too little makes Buffer.from throw: a permanent error, never retried.
      const buf = allocate !== undefined ? Buffer.from(allocate(length), 0, length) : Buffer.allocUnsafe(length);
      const got = await readFully(fh, buf, offset);
      if (got < length) {
        throw new StorageError(`${path} is shorter than expected: wanted ${length} bytes at offset ${offset}, got ${got}`, false);
      }
      return buf;
    } catch (err) {
      throw localError(err, 'read', path);
    } finally {
      await fh?.close().catch(() => undefined);
    }
  }

  async stat(type: FileType, name: string): Promise<FileInfo> {
    const path = join(this.root, objectPath(type, name));
    try {
      const st = await stat(path);
      return { name, size: st.size, mtime: st.mtime };
    } catch (err) {
      throw localError(err, 'stat', path);
    }
  }

  async *list(type: FileType): AsyncIterable<FileInfo> {
    if (type === 'config') {
      const info = await this.stat('config', '').catch((err: unknown) => {
        if (err instanceof StorageError && err.code === 'NOT_FOUND') return undefined;
        throw err;
      });
      if (info) yield { name: info.name, size: info.size };
      return;
    }
    const top = join(this.root, type);
    if (type !== 'data') {
      yield* listFolder(top);
      return;
    }
    const dirs = (await readdirIfExists(top)).filter((sub) => /^[0-9a-f]{2}$/.test(sub)).map((sub) => join(top, sub));
    const names: Promise<string[]>[] = [];
    for (let i = 0; i < dirs.length; i++) {
      for (let j = names.length; j < Math.min(dirs.length, i + FOLDER_LOOKAHEAD); j++) {
        names.push(readdirIfExists(dirs[j]!));
        // Handled here too, so a listing its caller abandons leaves no unhandled rejection behind.
        names[j]!.catch(() => undefined);
      }
      yield* statFiles(dirs[i]!, await names[i]!);
    }
  }

  async remove(type: FileType, name: string): Promise<void> {
    const path = join(this.root, objectPath(type, name));
    try {
      await unlink(path);
    } catch (err) {
      if (errnoCode(err) !== 'ENOENT') throw localError(err, 'remove', path);
    }
  }

  async close(): Promise<void> {}
}

function checkRange(range: ByteRange): void {
  if (!Number.isSafeInteger(range.offset) || !Number.isSafeInteger(range.length) || range.offset < 0 || range.length < 0) {
    throw new StorageError(`invalid byte range offset ${range.offset} length ${range.length}`, false);
  }
}

async function readdirIfExists(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return [];
    throw localError(err, 'list', dir);
  }
}

/** Yields the objects of one folder: names that are IDs and regular files (temp files and strays are skipped). */
async function* listFolder(dir: string): AsyncIterable<FileInfo> {
  yield* statFiles(dir, await readdirIfExists(dir));
}

/** Yields the files of `dir` among `entries` whose names are IDs, with their sizes. */
async function* statFiles(dir: string, entries: readonly string[]): AsyncIterable<FileInfo> {
  const names = entries.filter(isId);
  for (let i = 0; i < names.length; i += STAT_BATCH) {
    const batch = names.slice(i, i + STAT_BATCH);
    const infos = await Promise.all(
      batch.map(async (name) => {
        const path = join(dir, name);
        try {
          const st = await stat(path);
          return st.isFile() ? { name, size: st.size } : undefined;
        } catch (err) {
          // Removed between readdir and stat (a concurrent prune): it is simply no longer there.
          if (errnoCode(err) === 'ENOENT') return undefined;
          throw localError(err, 'list', path);
        }
      }),
    );
    for (const info of infos) if (info) yield info;
  }
}
