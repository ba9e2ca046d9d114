// Re-validating what a backup deduplicated against (DESIGN §7, two-phase prune rule 4). A backup trusts the
// live index it loaded at its start. While its lock is fresh that trust is sound: prune deletes a marked
// pack only if no live session started before the mark. Once its lock may have looked stale to a prune, a
// pack it relied on may have been marked, or marked and deleted. Before writing its snapshot, such a backup
// walks the snapshot it is about to write and asks, for every tree and data blob, where it is stored now:
// - live: in a live pack that exists — nothing to do;
// - marked: only in marked packs that still exist — copy it into a new pack, so the snapshot depends on
//   nothing a later prune may delete (a prune would also recover the pack, but only after the snapshot is
//   visible; copying closes that gap without relying on it);
// - gone: in no existing pack — the snapshot cannot be written; the backup aborts.
// Pack existence comes from a listing of data/ taken after the index was loaded: an index entry alone does
// not prove its pack is stored (a backup's own early index file may name a pack a prune deleted meanwhile).
import { CairnError, type BlobType, type Id } from '../core/index.js';
import { decodeTree } from '../format/index.js';
import { readBlob } from './blob-reader.js';
import type { BlobWriter } from './blob-writer.js';
import type { LoadedIndex } from './index-loader.js';
import type { Repository } from './repository.js';

/** A blob a snapshot references. */
export interface BlobRef {
  readonly type: BlobType;
  readonly id: Id;
}

/** Where a blob can be read from now. */
export type BlobState = 'live' | 'marked' | 'gone';

/** The verdict on a set of blobs; each blob appears at most once in each list. */
export interface Revalidation {
  /** Blobs stored only in marked packs: readable now, to be copied before the snapshot is written. */
  readonly markedOnly: BlobRef[];
  /** Blobs stored in no existing pack. */
  readonly gone: BlobRef[];
  /** References examined (a data blob used twice counts twice). */
  readonly checked: number;
}

/** Thrown when blobs a backup deduplicated against were deleted meanwhile: no snapshot may be written. */
export class SnapshotInvalidatedError extends CairnError {
  readonly gone: readonly BlobRef[];
  constructor(gone: readonly BlobRef[]) {
    const n = gone.length;
    super(
      'SNAPSHOT_INVALIDATED',
      `${n} blob${n === 1 ? '' : 's'} this backup relied on ${n === 1 ? 'was' : 'were'} deleted by a prune while the backup's lock was stale (suspended or offline); no snapshot was written: run the backup again`,
    );
    this.gone = gone;
  }
}

/**
 * blobState tells where a blob is stored now: `live` if some live location's pack exists, else `marked` if
 * some marked location's pack exists, else `gone`. Pure; `packExists` answers from a listing of data/.
 */
export function blobState(loaded: LoadedIndex, packExists: (packId: Id) => boolean, ref: BlobRef): BlobState {
  if (loaded.index.lookupAll(ref.type, ref.id).some((l) => packExists(l.packId))) return 'live';
  if (loaded.marked.lookupAll(ref.type, ref.id).some((l) => packExists(l.packId))) return 'marked';
  return 'gone';
}

/**
 * classifyBlobs returns the referenced blobs that are only in marked packs and those that are gone, judged
 * against a freshly loaded index (live and marked packs) and a listing of the stored packs.
 */
export async function classifyBlobs(refs: Iterable<BlobRef> | AsyncIterable<BlobRef>, loaded: LoadedIndex, packExists: (packId: Id) => boolean): Promise<Revalidation> {
  const markedOnly: BlobRef[] = [];
  const gone: BlobRef[] = [];
  const reported = new Set<string>();
  let checked = 0;
  for await (const ref of refs) {
    checked++;
    const state = blobState(loaded, packExists, ref);
    if (state === 'live' || reported.has(ref.type + ref.id)) continue;
    reported.add(ref.type + ref.id);
    (state === 'marked' ? markedOnly : gone).push(ref);
  }
  return { markedOnly, gone, checked };
}

/**
 * snapshotBlobs yields every blob below a root tree: each tree once (a subtree shared by several
 * directories is walked once), then the data blobs of its files (as often as they are referenced). Trees
 * are read from live or marked packs; a tree that is gone is yielded but not descended into (the caller
 * aborts on it anyway).
 */
export async function* snapshotBlobs(repo: Repository, root: Id, loaded: LoadedIndex, packExists: (packId: Id) => boolean): AsyncGenerator<BlobRef> {
  const seen = new Set<Id>();
  const stack: Id[] = [root];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const tree: BlobRef = { type: 'tree', id };
    yield tree;
    if (blobState(loaded, packExists, tree) === 'gone') continue;
    for (const node of decodeTree(await readBlob(repo, loaded.index, 'tree', id, loaded.marked))) {
      for (const data of node.content ?? []) yield { type: 'data', id: data };
      if (node.type === 'dir' && node.subtree) stack.push(node.subtree);
    }
  }
}

/**
 * copyMarkedBlobs reads each blob from its marked pack and saves it through `writer` into new packs, then
 * flushes the writer (the packs are uploaded and handed to its index writer; writing that index is the
 * caller's). Contract: `writer` must deduplicate against the fresh live index only (`loaded.index` before
 * readableIndex), never against marked packs — else it would skip exactly the blobs it is asked to copy.
 * Returns how many blobs were stored.
 */
export async function copyMarkedBlobs(repo: Repository, blobs: readonly BlobRef[], loaded: LoadedIndex, writer: BlobWriter): Promise<number> {
  let copied = 0;
  for (const ref of blobs) {
    if (await writer.save(ref.type, ref.id, await readBlob(repo, loaded.marked, ref.type, ref.id))) copied++;
  }
  await writer.flush();
  return copied;
}
