// The storage interface: a repository is a handful of object types, each a flat set of named, immutable
// objects. Every store (local directory, S3) implements these few primitives; retries, fault injection and
// caching wrap a backend instead of living inside one.

/** The kinds of object in a restic repository, named as restic's default layout names their folders. */
export type FileType = 'config' | 'keys' | 'locks' | 'snapshots' | 'index' | 'data';

export const FILE_TYPES: readonly FileType[] = ['config', 'keys', 'locks', 'snapshots', 'index', 'data'];

/** An object as a listing shows it. For `config` the name is the empty string. */
export interface FileInfo {
  readonly name: string;
  readonly size: number;
  /**
   * When the storage last wrote the object, by the storage's own clock (local: mtime; S3: LastModified,
   * whole seconds). Optional: only `stat` fills it, for the maintenance lease's clock-skew check.
   */
  readonly mtime?: Date;
}

export interface ByteRange {
  readonly offset: number;
  readonly length: number;
}

/**
 * An object's bytes in a local file: how a backup hands over a pack it assembled on disk (as restic does),
 * so a 16 MiB pack never has to sit in memory. The file is the caller's: a backend reads (or hard-links)
 * it and never changes or removes it.
 */
export interface FileBody {
  readonly path: string;
  /** The file's length in bytes (the whole file is the object), so an upload needs no stat. */
  readonly size: number;
}

/**
 * Where a read may put the bytes it returns: memory of at least `length` bytes, the caller's. Lets a caller
 * that reads many large objects one after another (check --read-data) reuse its buffers instead of paying
 * page faults for fresh ones.
 */
export type ReadAllocator = (length: number) => ArrayBuffer;

/** ReadBackend is what a reader (restore, check, a write-only-less backup client) needs. */
export interface ReadBackend {
  /** A human-readable location for messages, e.g. `/srv/repo` or `s3:host/bucket/prefix`. */
  readonly location: string;
  /** Lists every object of a type. Names are the plain IDs (no `data/ab/` prefix). */
  list(type: FileType): AsyncIterable<FileInfo>;
  /** Size of one object; throws NotFoundError when it does not exist. */
  stat(type: FileType, name: string): Promise<FileInfo>;
  /**
   * Reads an object, or only `range` of it. Throws NotFoundError when missing, and StorageError (permanent)
   * when the object is shorter than the range asks for. With `allocate`, a backend that reads into memory
   * it chooses takes it from there and returns a view of its start (the local backend does); one whose
   * client brings its own memory ignores it. Either way the returned bytes are the caller's alone.
   */
  read(type: FileType, name: string, range?: ByteRange, allocate?: ReadAllocator): Promise<Buffer>;
}

/** WriteBackend adds the two mutating primitives; objects are written once and never modified. */
export interface WriteBackend extends ReadBackend {
  /**
   * Stores an object atomically: readers see either nothing or the whole object. Writing an existing name
   * with the same bytes is allowed (content-addressed), so a retried write is harmless. `data` is the bytes
   * themselves or a file holding them.
   */
  write(type: FileType, name: string, data: Uint8Array | FileBody): Promise<void>;
  /** Removes an object; removing one that is already gone is not an error. */
  remove(type: FileType, name: string): Promise<void>;
}

/** Backend is a full store, plus creating the empty layout for `init`. */
export interface Backend extends WriteBackend {
  /** Creates the empty repository layout (folders for a local directory; nothing for S3). */
  create(): Promise<void>;
  /** Releases connections and handles. */
  close(): Promise<void>;
}
