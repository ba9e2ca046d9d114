// Committing a copy, in restic's order: the new packs are already stored (by the work items); now the index
// that names them, and only then the snapshots. A crash before the index leaves unindexed packs (garbage
// for prune); a crash between index and snapshots leaves indexed but unused blobs, which the next copy
// reuses. Neither leaves a snapshot whose data is missing.
import type { Id } from '../../core/index.js';
import type { IndexPack, PackBlob, Snapshot } from '../../format/index.js';
import { IndexWriter, saveSnapshot, type Repository } from '../../repository/index.js';
import type { CopyPlan } from './plan.js';
import type { CopyItemResult } from './work.js';

/** A copied snapshot: its ID in the source and the ID of the new snapshot file in the target. */
export interface CopiedSnapshot {
  readonly source: Id;
  readonly target: Id;
}

export interface CopyOutcome {
  readonly copied: CopiedSnapshot[];
  readonly skipped: CopyPlan['skipped'];
  readonly ignored: string[];
  /** Blobs copied, new target packs and their bytes, and the index files written. */
  readonly blobs: number;
  readonly packs: number;
  readonly bytesUploaded: number;
  readonly indexFiles: Id[];
}

/** copiedSnapshot is the target's version of a source snapshot: no parent, `original` kept or set to its ID. */
export function copiedSnapshot(id: Id, snapshot: Snapshot): Snapshot {
  const { parent: _parent, ...rest } = snapshot;
  // The parent names a snapshot of the source; it means nothing in the target.
  return { ...rest, original: snapshot.original ?? id };
}

/** finalizeCopy indexes every pack the items uploaded, then saves the snapshots, oldest first. */
export async function finalizeCopy(target: Repository, plan: CopyPlan, results: readonly CopyItemResult[]): Promise<CopyOutcome> {
  const writer = new IndexWriter(target);
  let blobs = 0;
  let packs = 0;
  let bytesUploaded = 0;
  for (const result of results) {
    for (const pack of result.packs) await writer.addPack(pack.id, packBlobs(pack));
    blobs += result.blobs;
    packs += result.packs.length;
    bytesUploaded += result.bytesUploaded;
  }
  await writer.flush();
  const copied: CopiedSnapshot[] = [];
  for (const { id, snapshot } of plan.snapshots) {
    copied.push({ source: id, target: await saveSnapshot(target, copiedSnapshot(id, snapshot)) });
  }
  return { copied, skipped: plan.skipped, ignored: plan.ignored, blobs, packs, bytesUploaded, indexFiles: [...writer.files] };
}

function packBlobs(pack: IndexPack): PackBlob[] {
  return pack.blobs.map((b) => ({ type: b.type, id: b.id, offset: b.offset, length: b.length, ...(b.uncompressed_length ? { uncompressedLength: b.uncompressed_length } : {}) }));
}
