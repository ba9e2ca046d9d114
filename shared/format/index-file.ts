// An index file (index/<id>): for each pack, which blobs it holds, of what type, where and how long. restic
// loads every index file and merges them; `supersedes` is informational. cairn's two-phase prune adds rustic's
// extension `packs_to_delete`: packs marked unused at `time`, deleted by a later run (restic ignores the field,
// so to restic those packs are simply unindexed). restic writes index files with json.Encoder: compact JSON plus
// a trailing newline.
import type { BlobType, Id } from '../core/index.js';
import { CorruptDataError } from '../core/index.js';
import { goJsonString } from './go-json.js';
import { isGoTime } from './go-time.js';
import {
  asArray, asId, asObject, asString, fail, optUint, parseJson, reqId, reqUint, UINT32_MAX, type JsonObject,
} from './json-fields.js';

/** One blob of a pack as the index records it. `length` is the stored size (ciphertext + 32 bytes). */
export interface IndexBlob {
  id: Id;
  type: BlobType;
  offset: number;
  length: number;
  /** The plaintext size of a compressed blob; absent (never 0) for an uncompressed one. */
  uncompressed_length?: number;
}

/** A pack and its blobs. `time` and `size` are rustic's optional fields, kept when read. */
export interface IndexPack {
  id: Id;
  blobs: IndexBlob[];
  time?: string;
  size?: number;
}

/** A pack marked for deletion by two-phase prune, with the Go time string of the marking. */
export interface IndexPackToDelete extends IndexPack {
  time: string;
}

export interface IndexFile {
  /** Index files this one replaces (informational; whoever writes it deletes those). */
  supersedes?: Id[];
  packs: IndexPack[];
  packs_to_delete?: IndexPackToDelete[];
}

/**
 * encodeIndexFile returns the index plaintext: restic's layout (`supersedes` left out when empty,
 * `uncompressed_length` left out when absent or 0) with `packs_to_delete` after `packs` when non-empty.
 */
export function encodeIndexFile(f: IndexFile): Buffer {
  const parts: string[] = [];
  if (f.supersedes && f.supersedes.length > 0) parts.push(`"supersedes":[${f.supersedes.map((id) => `"${id}"`).join(',')}]`);
  parts.push(`"packs":[${f.packs.map(encodePack).join(',')}]`);
  if (f.packs_to_delete && f.packs_to_delete.length > 0) parts.push(`"packs_to_delete":[${f.packs_to_delete.map(encodePack).join(',')}]`);
  return Buffer.from(`{${parts.join(',')}}\n`, 'utf8');
}

function encodePack(p: IndexPack): string {
  let s = `{"id":"${p.id}","blobs":[`;
  for (let i = 0; i < p.blobs.length; i++) {
    const b = p.blobs[i] as IndexBlob;
    if (i > 0) s += ',';
    s += `{"id":"${b.id}","type":"${b.type}","offset":${b.offset},"length":${b.length}`;
    s += b.uncompressed_length ? `,"uncompressed_length":${b.uncompressed_length}}` : '}';
  }
  s += ']';
  if (p.time !== undefined) s += `,"time":${goJsonString(p.time)}`;
  if (p.size !== undefined) s += `,"size":${p.size}`;
  return s + '}';
}

/**
 * decodeIndexFile parses and validates an index plaintext, in the current format or restic's old one (a bare
 * array of packs, v1 era). Every ID, type, offset and length is checked. In a version 1 repository a blob with
 * `uncompressed_length` is refused with restic's own message. Throws CorruptDataError.
 */
export function decodeIndexFile(bytes: Uint8Array, repoVersion: 1 | 2): IndexFile {
  const doc = parseJson(bytes, 'index');
  let file: IndexFile;
  if (Array.isArray(doc)) {
    file = { packs: doc.map((p, i) => decodePack(p, `index[${i}]`)) };
  } else {
    const o = asObject(doc, 'index');
    file = { packs: asArray(o.packs ?? null, 'index.packs').map((p, i) => decodePack(p, `index.packs[${i}]`)) };
    if (o.supersedes !== undefined && o.supersedes !== null) {
      const ids = asArray(o.supersedes, 'index.supersedes').map((id, i) => asId(id, `index.supersedes[${i}]`));
      if (ids.length > 0) file = { supersedes: ids, ...file };
    }
    if (o.packs_to_delete !== undefined && o.packs_to_delete !== null) {
      const marked = asArray(o.packs_to_delete, 'index.packs_to_delete').map((p, i) => {
        const where = `index.packs_to_delete[${i}]`;
        const pack = decodePack(p, where);
        if (pack.time === undefined) fail(where, 'pack marked for deletion has no time');
        return pack as IndexPackToDelete;
      });
      if (marked.length > 0) file.packs_to_delete = marked;
    }
  }
  if (repoVersion < 2 && hasCompressedBlob(file)) {
    throw new CorruptDataError('index uses feature not supported by repository version 1');
  }
  return file;
}

function hasCompressedBlob(f: IndexFile): boolean {
  const packs = [...f.packs, ...(f.packs_to_delete ?? [])];
  return packs.some((p) => p.blobs.some((b) => b.uncompressed_length !== undefined));
}

function decodePack(v: unknown, where: string): IndexPack {
  const o = asObject(v, where);
  const pack: IndexPack = {
    id: reqId(o, 'id', where),
    blobs: asArray(o.blobs ?? null, `${where}.blobs`).map((b, i) => decodeBlob(b, `${where}.blobs[${i}]`)),
  };
  if (o.time !== undefined && o.time !== null) {
    const time = asString(o.time, `${where}.time`);
    if (!isGoTime(time)) fail(`${where}.time`, `invalid time ${JSON.stringify(time)}`);
    pack.time = time;
  }
  const size = optUint(o, 'size', where, UINT32_MAX);
  if (size !== undefined) pack.size = size;
  return pack;
}

function decodeBlob(v: unknown, where: string): IndexBlob {
  const o: JsonObject = asObject(v, where);
  const id = reqId(o, 'id', where);
  const type = o.type;
  if (type !== 'data' && type !== 'tree') fail(`${where}.type`, `invalid blob type ${JSON.stringify(type)}`);
  const blob: IndexBlob = {
    id,
    type,
    offset: reqUint(o, 'offset', where, UINT32_MAX),
    length: reqUint(o, 'length', where, UINT32_MAX),
  };
  const uncompressed = optUint(o, 'uncompressed_length', where, UINT32_MAX);
  // 0 is Go's zero value: the blob is not compressed, exactly as if the field were absent.
  if (uncompressed) blob.uncompressed_length = uncompressed;
  return blob;
}
