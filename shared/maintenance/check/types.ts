// The check job's vocabulary: what a finding is, what the options, plan, work items and results look like.
// Everything here is plain JSON, because plans, items and item results travel between Lambda invocations.
import type { Id } from '../../core/index.js';

/**
 * What a finding is about. Errors mean data may be lost or unreadable; hints describe untidy but intact
 * repositories (restic prints them without failing).
 */
export type FindingKind =
  // index files
  | 'index-unreadable'
  | 'index-old-format'
  | 'pack-in-several-indexes'
  | 'index-entry-invalid'
  // packs as the storage lists them
  | 'pack-missing'
  | 'pack-size'
  | 'pack-unreferenced'
  | 'pack-mixed'
  | 'pack-marked'
  // snapshots and trees
  | 'snapshot-unreadable'
  | 'tree-unreadable'
  | 'node-invalid'
  | 'blob-missing'
  // reading packs (--read-data)
  | 'pack-unreadable'
  | 'pack-hash'
  | 'pack-header'
  | 'header-not-in-index'
  | 'index-not-in-header'
  | 'blob-gap'
  | 'blob-damaged';

/**
 * One problem or hint, with what it is about. `message` is one line for a person; the other fields name the
 * objects (full IDs) so scripts and alerts need not parse it. `snapshots` lists the snapshots whose data is
 * affected, when that is known (an empty list means none is).
 */
export type Finding = {
  kind: FindingKind;
  message: string;
  pack?: Id;
  blob?: Id;
  blobType?: 'data' | 'tree';
  tree?: Id;
  index?: Id;
  snapshot?: Id;
  snapshots?: Id[];
};

/** Which packs `--read-data-subset` selects: a group by the first ID byte, a random share, or random bytes. */
export type ReadDataSubset =
  | { kind: 'group'; n: number; t: number }
  | { kind: 'percent'; percent: number }
  | { kind: 'size'; bytes: number };

/** Check options, as parseCheckOptions produces them. Without readData or readDataSubset no pack is read. */
export type CheckOptions = {
  readData: boolean;
  readDataSubset?: ReadDataSubset;
};

export type CheckStats = {
  snapshots: number;
  indexFiles: number;
  packs: number;
  blobs: number;
  trees: number;
  /** Packs selected for reading, and what reading them covered. */
  packsToRead: number;
  bytesToRead: number;
  packsRead: number;
  bytesRead: number;
  blobsRead: number;
};

/** The plan: findings of the structure checks, and figures. The packs to read are in the items. */
export type CheckPlan = {
  errors: Finding[];
  hints: Finding[];
  stats: CheckStats;
};

/** A pack to download and verify, with its size as listed by the storage. */
export type PackToRead = { id: Id; size: number };

/** One work item: packs whose sizes add up to about CHECK_ITEM_BYTES. */
export type CheckItem = { packs: PackToRead[] };

/** What reading one item found. Every finding of a read is an error. */
export type CheckItemResult = {
  errors: Finding[];
  packsRead: number;
  bytesRead: number;
  blobsRead: number;
};

/** The outcome: the repository is healthy exactly when `errors` is empty. */
export type CheckResult = {
  errors: Finding[];
  hints: Finding[];
  stats: CheckStats;
};
