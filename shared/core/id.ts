// IDs: every repository object and blob is named by the SHA-256 of its bytes, written as 64 lowercase hex chars.
import { createHash, randomBytes } from 'node:crypto';

/** A 64-character lowercase hex SHA-256, the name of a blob, pack, index, snapshot, key or lock. */
export type Id = string;

/** The two kinds of blob restic stores: file contents (`data`) and directory listings (`tree`). */
export type BlobType = 'data' | 'tree';

const ID_PATTERN = /^[0-9a-f]{64}$/;

/** hashId returns the ID of the given bytes, whole or in pieces to be joined: hex SHA-256. */
export function hashId(data: Uint8Array | readonly Uint8Array[]): Id {
  const hash = createHash('sha256');
  if (data instanceof Uint8Array) hash.update(data);
  else for (const piece of data) hash.update(piece);
  return hash.digest('hex');
}

/** isId tells whether s is a well-formed full ID. */
export function isId(s: string): boolean {
  return ID_PATTERN.test(s);
}

/** shortId is the 8-character form restic prints. */
export function shortId(id: Id): string {
  return id.slice(0, 8);
}

/** randomId returns 32 random bytes as hex, used for the repository ID in config. */
export function randomId(): Id {
  return randomBytes(32).toString('hex');
}
