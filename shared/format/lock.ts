// A lock file (locks/<id>): who holds the repository and since when. Shared locks (backup, restore) coexist,
// an exclusive one (prune, check) excludes all others; acquiring, refreshing and staleness live in the
// repository layer. Go's `restic.Lock` fields in order, uid/gid omitted when 0, compact JSON without newline.
// cairn adds two fields after them, which restic's JSON decoder ignores: `cairn_session_start`, when the
// session that holds the lock began (restic's `time` moves on every refresh, so two-phase prune could not
// otherwise tell whether a session predates a mark), and `cairn_maintainer`, set on the maintenance lease.
import { goJsonString } from './go-json.js';
import { isGoTime } from './go-time.js';
import { asObject, fail, optString, optUint, parseJson, reqString, UINT32_MAX } from './json-fields.js';

/** LockFile is the decoded lock; `time` is a Go time string (creation or last refresh). */
export interface LockFile {
  time: string;
  exclusive: boolean;
  hostname: string;
  username: string;
  pid: number;
  uid?: number;
  gid?: number;
  /** cairn only: Go time string of the holding session's start; absent in restic's locks. */
  cairn_session_start?: string;
  /** cairn only: true on a maintenance lease (a shared lock held by two-phase prune). */
  cairn_maintainer?: boolean;
}

/** encodeLockFile returns the lock plaintext as restic 0.14 writes it. */
export function encodeLockFile(l: LockFile): Buffer {
  let json =
    `{"time":${goJsonString(l.time)},"exclusive":${l.exclusive},"hostname":${goJsonString(l.hostname)}` +
    `,"username":${goJsonString(l.username)},"pid":${l.pid}`;
  if (l.uid) json += `,"uid":${l.uid}`;
  if (l.gid) json += `,"gid":${l.gid}`;
  if (l.cairn_session_start !== undefined) json += `,"cairn_session_start":${goJsonString(l.cairn_session_start)}`;
  if (l.cairn_maintainer) json += ',"cairn_maintainer":true';
  return Buffer.from(json + '}', 'utf8');
}

/** decodeLockFile parses and validates a lock plaintext; throws CorruptDataError. */
export function decodeLockFile(bytes: Uint8Array): LockFile {
  const where = 'lock';
  const o = asObject(parseJson(bytes, where), where);
  const time = reqString(o, 'time', where);
  if (!isGoTime(time)) fail(`${where}.time`, `invalid time ${JSON.stringify(time)}`);
  const exclusive = o.exclusive ?? false;
  if (typeof exclusive !== 'boolean') fail(`${where}.exclusive`, 'not a boolean');
  const pid = o.pid ?? 0;
  // Go's `int`: a PID is positive in practice, but accept what Go would decode.
  if (typeof pid !== 'number' || !Number.isSafeInteger(pid)) fail(`${where}.pid`, 'not an integer');
  const lock: LockFile = {
    time,
    exclusive,
    hostname: optString(o, 'hostname', where) ?? '',
    username: optString(o, 'username', where) ?? '',
    pid,
  };
  const uid = optUint(o, 'uid', where, UINT32_MAX);
  if (uid) lock.uid = uid;
  const gid = optUint(o, 'gid', where, UINT32_MAX);
  if (gid) lock.gid = gid;
  const start = optString(o, 'cairn_session_start', where);
  if (start !== undefined) {
    if (!isGoTime(start)) fail(`${where}.cairn_session_start`, `invalid time ${JSON.stringify(start)}`);
    lock.cairn_session_start = start;
  }
  const maintainer = o.cairn_maintainer ?? false;
  if (typeof maintainer !== 'boolean') fail(`${where}.cairn_maintainer`, 'not a boolean');
  if (maintainer) lock.cairn_maintainer = true;
  return lock;
}
