// A tree node: one entry (file, directory, symlink, device, fifo, socket) of a directory listing stored as a
// tree blob. Fields and their JSON names are restic's (Go struct `restic.Node`); the encoder writes them in
// restic's order with restic's omitempty rules so that our tree blobs have restic's bytes and hence its IDs.
//
// Numbers: inode, device_id, size, links and device are Go uint64. They are JS numbers here, exact up to 2^53
// (every real file size; Linux inode and device numbers in practice). A decoded value above 2^53 is kept as
// the nearest double, so re-encoding such a node would not reproduce restic's bytes.
import { isId, type Id } from '../core/index.js';
import type { NodeType } from './file-mode.js';
import { goJsonString } from './go-json.js';
import { goQuoteName, goUnquoteName } from './go-quote.js';
import { isGoTime, ZERO_GO_TIME } from './go-time.js';
import {
  asArray, asId, asObject, asString, fail, optId, optString, optUint, UINT32_MAX,
  type JsonObject,
} from './json-fields.js';

/** An extended attribute (xattr) of a node; the value is stored as base64 in JSON. */
export interface ExtendedAttribute {
  name: string;
  value: Uint8Array;
}

/**
 * TreeNode is restic's node. Optional fields are left out of the JSON when absent or zero (Go omitempty);
 * mtime/atime/ctime/uid/gid are always written. `content` is the file's data blob IDs in order (`[]` for an
 * empty file) and `null` for every non-file. Times are Go time strings
 * (see go-time.ts) kept verbatim from decoding.
 */
export interface TreeNode {
  /** The plain file name (not Go-quoted); unique within its tree. */
  name: string;
  type: NodeType;
  /** Go os.FileMode (file-mode.ts), not a Unix st_mode. */
  mode?: number;
  mtime: string;
  atime: string;
  ctime: string;
  uid: number;
  gid: number;
  user?: string;
  group?: string;
  inode?: number;
  device_id?: number;
  size?: number;
  links?: number;
  linktarget?: string;
  extended_attributes?: ExtendedAttribute[];
  /** st_rdev of a block or character device. */
  device?: number;
  /** Data blob IDs of a file, in order; `[]` for an empty file, null for every other type. */
  content: Id[] | null;
  /** The tree blob of a directory. */
  subtree?: Id;
  error?: string;
}

const NODE_TYPES: ReadonlySet<string> = new Set(['file', 'dir', 'symlink', 'dev', 'chardev', 'fifo', 'socket']);
/** Go uint64 fields, decoded as doubles (see the module comment). */
const UINT64_MAX = 2 ** 64;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** encodeNode writes one node's JSON exactly as restic 0.14 (Go 1.19 json.Marshal) does. */
export function encodeNode(n: TreeNode): string {
  let s = `{"name":${goJsonString(goQuoteName(n.name))},"type":"${n.type}"`;
  if (n.mode) s += `,"mode":${n.mode}`;
  s += `,"mtime":${goJsonString(n.mtime)},"atime":${goJsonString(n.atime)},"ctime":${goJsonString(n.ctime)}`;
  s += `,"uid":${n.uid},"gid":${n.gid}`;
  if (n.user) s += `,"user":${goJsonString(n.user)}`;
  if (n.group) s += `,"group":${goJsonString(n.group)}`;
  if (n.inode) s += `,"inode":${n.inode}`;
  if (n.device_id) s += `,"device_id":${n.device_id}`;
  if (n.size) s += `,"size":${n.size}`;
  if (n.links) s += `,"links":${n.links}`;
  if (n.linktarget) s += `,"linktarget":${goJsonString(n.linktarget)}`;
  if (n.extended_attributes && n.extended_attributes.length > 0) {
    const attrs = n.extended_attributes.map(
      (a) => `{"name":${goJsonString(a.name)},"value":"${Buffer.from(a.value.buffer, a.value.byteOffset, a.value.byteLength).toString('base64')}"}`,
    );
    s += `,"extended_attributes":[${attrs.join(',')}]`;
  }
  if (n.device) s += `,"device":${n.device}`;
  s += n.content ? `,"content":[${n.content.map((id) => `"${id}"`).join(',')}]` : ',"content":null';
  if (n.subtree) s += `,"subtree":"${n.subtree}"`;
  if (n.error) s += `,"error":${goJsonString(n.error)}`;
  return s + '}';
}

/**
 * decodeNode validates one decoded JSON node and returns it with its name Go-unquoted. Absent and null fields
 * read as Go's zero values (zero time, uid 0, …) and zero-valued optional fields are dropped, which is what a
 * re-encode would omit anyway. Throws CorruptDataError naming `where` and the field.
 */
export function decodeNode(v: unknown, where: string): TreeNode {
  const o = asObject(v, where);
  const quoted = optString(o, 'name', where);
  if (quoted === undefined || quoted === '') fail(where, 'node has no name');
  const name = goUnquoteName(quoted);
  const type = optString(o, 'type', where);
  if (type === undefined || !NODE_TYPES.has(type)) fail(where, `node ${JSON.stringify(name)} has invalid type ${JSON.stringify(type)}`);
  // Fields are set in restic's order so that a decoded node also prints (JSON.stringify) like restic's.
  const out: TreeNode = { name, type: type as NodeType } as TreeNode;
  setIfTruthy(out, 'mode', optUint(o, 'mode', where, UINT32_MAX));
  out.mtime = time(o, 'mtime', where);
  out.atime = time(o, 'atime', where);
  out.ctime = time(o, 'ctime', where);
  out.uid = optUint(o, 'uid', where, UINT32_MAX) ?? 0;
  out.gid = optUint(o, 'gid', where, UINT32_MAX) ?? 0;
  setIfTruthy(out, 'user', optString(o, 'user', where));
  setIfTruthy(out, 'group', optString(o, 'group', where));
  setIfTruthy(out, 'inode', optUint(o, 'inode', where, UINT64_MAX));
  setIfTruthy(out, 'device_id', optUint(o, 'device_id', where, UINT64_MAX));
  setIfTruthy(out, 'size', optUint(o, 'size', where, UINT64_MAX));
  setIfTruthy(out, 'links', optUint(o, 'links', where, UINT64_MAX));
  setIfTruthy(out, 'linktarget', optString(o, 'linktarget', where));
  const xattrs = o.extended_attributes;
  if (xattrs !== undefined && xattrs !== null) {
    const list = asArray(xattrs, `${where}.extended_attributes`).map((a, i) => xattr(a, `${where}.extended_attributes[${i}]`));
    if (list.length > 0) out.extended_attributes = list;
  }
  setIfTruthy(out, 'device', optUint(o, 'device', where, UINT64_MAX));
  out.content = o.content === undefined || o.content === null ? null : contentIds(o.content, where);
  setIfTruthy(out, 'subtree', optId(o, 'subtree', where));
  setIfTruthy(out, 'error', optString(o, 'error', where));
  return out;
}

function contentIds(v: unknown, where: string): Id[] {
  const list = Array.isArray(v) ? v : asArray(v, `${where}.content`);
  for (let i = 0; i < list.length; i++) {
    const id = list[i];
    if (typeof id !== 'string' || !isId(id)) list[i] = asId(id, `${where}.content[${i}]`);
  }
  return list as Id[];
}

function time(o: JsonObject, key: string, where: string): string {
  const v = o[key];
  if (v === undefined || v === null) return ZERO_GO_TIME;
  if (typeof v === 'string' && isGoTime(v)) return v;
  fail(`${where}.${key}`, `invalid time ${JSON.stringify(v)}`);
}

function xattr(v: unknown, where: string): ExtendedAttribute {
  const o = asObject(v, where);
  const name = asString(o.name ?? '', `${where}.name`);
  const raw = o.value === undefined || o.value === null ? '' : asString(o.value, `${where}.value`);
  if (!BASE64.test(raw)) fail(`${where}.value`, 'not standard base64');
  return { name, value: Buffer.from(raw, 'base64') };
}

function setIfTruthy<K extends keyof TreeNode>(node: TreeNode, key: K, value: TreeNode[K] | undefined): void {
  if (value) node[key] = value;
}
