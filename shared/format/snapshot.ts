// A snapshot: the record of one backup run (time, host, user, the paths given, the root tree). Stored as
// snapshots/<id> with the ID being the hash of the sealed file. Fields are Go's `restic.Snapshot` in its
// declaration order with its omitempty rules; restic 0.14 writes them with json.Marshal, i.e. compact JSON
// without a trailing newline. Unknown fields (later restic versions add `program_version`, `summary`) are
// ignored on read and so dropped on re-save, as 0.14 does.
import type { Id } from '../core/index.js';
import { goJsonString } from './go-json.js';
import { isGoTime } from './go-time.js';
import {
  asArray, asObject, asString, fail, optId, optString, optStringArray, optUint, parseJson, reqId, reqString,
  UINT32_MAX,
} from './json-fields.js';

/** Snapshot is the decoded snapshot file; `time` is a Go time string kept verbatim (see go-time.ts). */
export interface Snapshot {
  time: string;
  parent?: Id;
  /** The root tree blob. */
  tree: Id;
  /** The paths given to backup, absolute. */
  paths: string[];
  hostname?: string;
  username?: string;
  uid?: number;
  gid?: number;
  excludes?: string[];
  tags?: string[];
  /** The first version of a snapshot that was rewritten (tag) or copied; lets copy skip it next time. */
  original?: Id;
}

/** encodeSnapshot returns the snapshot plaintext exactly as restic 0.14 writes it. */
export function encodeSnapshot(s: Snapshot): Buffer {
  let json = `{"time":${goJsonString(s.time)}`;
  if (s.parent) json += `,"parent":"${s.parent}"`;
  json += `,"tree":"${s.tree}","paths":${stringArray(s.paths)}`;
  if (s.hostname) json += `,"hostname":${goJsonString(s.hostname)}`;
  if (s.username) json += `,"username":${goJsonString(s.username)}`;
  if (s.uid) json += `,"uid":${s.uid}`;
  if (s.gid) json += `,"gid":${s.gid}`;
  if (s.excludes && s.excludes.length > 0) json += `,"excludes":${stringArray(s.excludes)}`;
  if (s.tags && s.tags.length > 0) json += `,"tags":${stringArray(s.tags)}`;
  if (s.original) json += `,"original":"${s.original}"`;
  return Buffer.from(json + '}', 'utf8');
}

function stringArray(list: readonly string[]): string {
  return `[${list.map(goJsonString).join(',')}]`;
}

/**
 * decodeSnapshot parses and validates a snapshot plaintext: a valid Go time, a tree ID, IDs where IDs belong,
 * string lists, uint32 uid/gid. `paths: null` (Go's nil slice) reads as []. Throws CorruptDataError.
 */
export function decodeSnapshot(bytes: Uint8Array): Snapshot {
  const where = 'snapshot';
  const o = asObject(parseJson(bytes, where), where);
  const time = reqString(o, 'time', where);
  if (!isGoTime(time)) fail(`${where}.time`, `invalid time ${JSON.stringify(time)}`);
  const s: Snapshot = { time } as Snapshot;
  const parent = optId(o, 'parent', where);
  if (parent) s.parent = parent;
  s.tree = reqId(o, 'tree', where);
  s.paths = asArray(o.paths ?? null, `${where}.paths`).map((p, i) => asString(p, `${where}.paths[${i}]`));
  const hostname = optString(o, 'hostname', where);
  if (hostname) s.hostname = hostname;
  const username = optString(o, 'username', where);
  if (username) s.username = username;
  const uid = optUint(o, 'uid', where, UINT32_MAX);
  if (uid) s.uid = uid;
  const gid = optUint(o, 'gid', where, UINT32_MAX);
  if (gid) s.gid = gid;
  const excludes = optStringArray(o, 'excludes', where);
  if (excludes && excludes.length > 0) s.excludes = excludes;
  const tags = optStringArray(o, 'tags', where);
  if (tags && tags.length > 0) s.tags = tags;
  const original = optId(o, 'original', where);
  if (original) s.original = original;
  return s;
}
