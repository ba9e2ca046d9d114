// The repository layer's public surface: open/init, keys, blobs, packs, index, snapshots, trees, locks.
export { Repository, type Identity, type InitOptions, type OpenOptions, type JsonFileType } from './repository.js';
export { findKey, listKeys, addKey, removeKey, MAX_KEYS_TRIED, type KeyInfo } from './keys.js';
export { readBlob, decodeBlob } from './blob-reader.js';
export { BlobDecodePool } from './blob-decode-pool.js';
export { plaintextLength } from './blob-decode.js';
export { BlobWriter, type BlobWriterOptions, type BlobWriterStats } from './blob-writer.js';
export { PackWriter, encodeBlob, DEFAULT_PACK_SIZE, type EncodedBlob, type FinishedPack } from './pack-writer.js';
export { IndexWriter, toIndexPack, maxBlobsPerIndex } from './index-writer.js';
export { loadIndex, loadIndexFile, readableIndex, splitIndexFiles, laterMark, type LoadedIndex, type IndexView, type IndexViewMarked } from './index-loader.js';
export { MasterIndex, type BlobLocation } from './master-index.js';
export {
  loadSnapshot,
  loadSnapshots,
  findSnapshot,
  saveSnapshot,
  sortSnapshots,
  matchesFilter,
  snapshotTime,
  type SnapshotEntry,
  type SnapshotFilter,
} from './snapshots.js';
export { loadTree, walkTree, type WalkEntry } from './trees.js';
export { RepositoryLock, loadLocks, removeLocks, isStale, isProcessAlive, LOCK_STALE_MS, LOCK_REFRESH_MS, LOCK_SAFE_GAP_MS, LOCK_DELETE_WINDOW_MS, type LockOptions, type LockEntry } from './lock.js';
export { acquireLease, checkLease, skewOf, ClockSkewError, LeaseLostError, MAX_CLOCK_SKEW_MS, type MaintenanceLease } from './lease.js';
export { blobState, classifyBlobs, snapshotBlobs, copyMarkedBlobs, SnapshotInvalidatedError, type BlobRef, type BlobState, type Revalidation } from './revalidate.js';
export { finishBackupIndex, confirmSnapshot, type FinishBackupOptions, type FinishBackupResult, type StaleWatch } from './revalidate-backup.js';
export { planSpans, readSpans, DEFAULT_MAX_GAP, DEFAULT_MAX_SPAN, type BlobPlace, type PackPlace, type PackSpan, type ReadSpan, type SpanLimits } from './read-spans.js';
export { TreeBatchReader, TREE_SPAN_LIMITS, type LoadedTree } from './tree-batch.js';
