// The format layer: pure encode/decode of restic's repository structures (config, pack header, index file,
// snapshot, tree, lock) and the Go conventions they carry (time strings, quoted names, FileMode, JSON
// escaping). No I/O and no crypto: callers seal, compress and store the bytes.
export { ZERO_GO_TIME, formatGoTime, goTimeFromDate, isGoTime, localOffsetMinutes, parseGoTime } from './go-time.js';
export { goQuoteName, goUnquoteName } from './go-quote.js';
export { daysFromCivil, civilFromDays, type CivilDate } from './civil-date.js';
export { goJsonEscape, goJsonString } from './go-json.js';
export { encodeConfig, decodeConfig, type RepoConfig } from './config.js';
export { encodeSnapshot, decodeSnapshot, type Snapshot } from './snapshot.js';
export {
  GO_MODE_APPEND, GO_MODE_CHAR_DEVICE, GO_MODE_DEVICE, GO_MODE_DIR, GO_MODE_EXCLUSIVE, GO_MODE_IRREGULAR,
  GO_MODE_NAMED_PIPE, GO_MODE_PERM, GO_MODE_SETGID, GO_MODE_SETUID, GO_MODE_SOCKET, GO_MODE_STICKY,
  GO_MODE_SYMLINK, GO_MODE_TEMPORARY, goModeFromStat, hasBit, nodeTypeFromStat, unixModeFromGoMode,
  type NodeType,
} from './file-mode.js';
export { encodeNode, decodeNode, type ExtendedAttribute, type TreeNode } from './node.js';
export { compareNames, decodeTree, encodeTree } from './tree.js';
export {
  encodeIndexFile, decodeIndexFile, type IndexBlob, type IndexFile, type IndexPack, type IndexPackToDelete,
} from './index-file.js';
export { encodeLockFile, decodeLockFile, type LockFile } from './lock.js';
export {
  COMPRESSED_ENTRY_SIZE, EAGER_TAIL_SIZE, HEADER_LENGTH_SIZE, MAX_HEADER_SIZE, PLAIN_ENTRY_SIZE, SEAL_OVERHEAD,
  decodePackHeader, encodePackHeader, expectedPackSize, packHeaderEntrySize, type PackBlob,
} from './pack.js';
