// A Repository is an opened restic repository: the storage backend, the master key that the password
// unlocked, and the decoded config. It reads and writes the encrypted "unpacked" files (config, index,
// snapshots, locks); blobs go through the blob reader and the pack writer built on top of it.
import { hashId, randomId, CorruptDataError, RepositoryNotFoundError, NotFoundError, UsageError, type Id } from '../core/index.js';
import { seal, open, generateMasterKey, createKeyFile, type MasterKey } from '../crypto/index.js';
import { encodeUnpacked, decodeUnpacked } from '../compression/index.js';
import { encodeConfig, decodeConfig, type RepoConfig } from '../format/index.js';
import { randomPolynomial, formatPolynomial, parsePolynomial } from '../chunker/index.js';
import type { Backend, FileType } from '../storage/index.js';
import { findKey } from './keys.js';
import { IndexPrefetch } from './index-prefetch.js';

/** Who and when, recorded in key files and locks; passed in because the engine reads no environment. */
export interface Identity {
  readonly hostname: string;
  readonly username: string;
  readonly uid?: number;
  readonly gid?: number;
  readonly pid?: number;
}

export interface InitOptions extends Identity {
  /** Repository format version; 2 (compression) unless asked for 1. */
  readonly version?: 1 | 2;
  /** Creation time of the first key, an RFC3339 string. */
  readonly created: string;
  /** Chunker polynomial to share with another repository (copy); random by default. */
  readonly chunkerPolynomial?: string;
}

export interface OpenOptions {
  /** Try this key file first (restic's --key-hint). */
  readonly keyHint?: string;
}

/** The unpacked file types that are encrypted JSON named by their hash. */
export type JsonFileType = Exclude<FileType, 'config' | 'keys' | 'data'>;

export class Repository {
  readonly backend: Backend;
  readonly key: MasterKey;
  readonly config: RepoConfig;
  /** The key file that the password opened. */
  readonly keyId: string;
  readonly polynomial: bigint;
  private prefetched: IndexPrefetch | undefined;

  private constructor(backend: Backend, key: MasterKey, config: RepoConfig, keyId: string) {
    this.backend = backend;
    this.key = key;
    this.config = config;
    this.keyId = keyId;
    this.polynomial = parsePolynomial(config.chunker_polynomial);
  }

  get version(): 1 | 2 {
    return this.config.version;
  }

  /** init creates a new repository in an empty location and returns it opened. */
  static async init(backend: Backend, password: string, opts: InitOptions): Promise<Repository> {
    if (password.length === 0) throw new UsageError('an empty password is not allowed: give a password to protect the repository');
    if (await exists(backend)) throw new UsageError(`a repository already exists at ${backend.location}: use it, or choose another location`);
    await backend.create();
    const masterKey = generateMasterKey();
    const key = await createKeyFile(password, masterKey, { hostname: opts.hostname, username: opts.username, created: opts.created });
    await backend.write('keys', key.id, key.bytes);
    const polynomial = opts.chunkerPolynomial ?? formatPolynomial(randomPolynomial());
    const config: RepoConfig = { version: opts.version ?? 2, id: randomId(), chunker_polynomial: polynomial };
    // config is sealed but never compressed, in either version (restic reads it before knowing the version).
    await backend.write('config', '', seal(masterKey, encodeConfig(config)));
    return new Repository(backend, masterKey, config, key.id);
  }

  /** open finds the key that the password unlocks and decodes the config. */
  static async open(backend: Backend, password: string, opts: OpenOptions = {}): Promise<Repository> {
    if (!(await exists(backend))) throw new RepositoryNotFoundError(backend.location);
    const { keyId, masterKey } = await findKey(backend, password, opts.keyHint);
    const sealed = await backend.read('config', '');
    let config: RepoConfig;
    try {
      config = decodeConfig(open(masterKey, sealed));
    } catch (err) {
      throw new CorruptDataError(`config of ${backend.location} cannot be decrypted with the master key: ${(err as Error).message}`, { cause: err });
    }
    return new Repository(backend, masterKey, config, keyId);
  }

  /**
   * prefetchIndex starts reading the index files in the background (see index-prefetch.ts), for a command
   * about to wait for its lock; call the returned function once the lock is held. loadJson then takes
   * the files read early instead of reading them again.
   */
  prefetchIndex(): () => void {
    const prefetch = new IndexPrefetch(() => this.listIds('index'), (id) => this.readJson('index', id));
    this.prefetched = prefetch;
    return () => prefetch.stop();
  }

  /** loadJson reads an encrypted JSON file, checks that its name is its hash, and returns the JSON bytes. */
  async loadJson(type: JsonFileType, id: Id): Promise<Buffer> {
    const early = type === 'index' ? await this.prefetched?.take(id) : undefined;
    return early ?? this.readJson(type, id);
  }

  private async readJson(type: JsonFileType, id: Id): Promise<Buffer> {
    const stored = await this.backend.read(type, id);
    if (hashId(stored) !== id) throw new CorruptDataError(`${type} file ${id.slice(0, 8)} does not match its name (hash mismatch): the file is damaged`);
    try {
      return decodeUnpacked(open(this.key, stored));
    } catch (err) {
      throw new CorruptDataError(`${type} file ${id.slice(0, 8)} is damaged: ${(err as Error).message}`, { cause: err });
    }
  }

  /** saveJson encrypts JSON bytes (compressed in v2), stores them under their hash and returns the ID. */
  async saveJson(type: JsonFileType, json: Uint8Array): Promise<Id> {
    const stored = seal(this.key, encodeUnpacked(json, this.version));
    const id = hashId(stored);
    await this.backend.write(type, id, stored);
    return id;
  }

  /** listIds lists the IDs of one file type. */
  async listIds(type: FileType): Promise<Id[]> {
    const ids: Id[] = [];
    for await (const f of this.backend.list(type)) ids.push(f.name);
    return ids;
  }
}

async function exists(backend: Backend): Promise<boolean> {
  try {
    await backend.stat('config', '');
    return true;
  } catch (err) {
    if (err instanceof NotFoundError) return false;
    throw err;
  }
}
