// Loading the index: every file in index/ is read and merged into one in-memory MasterIndex, as restic 0.14
// does (it does not skip superseded files; whoever superseded them deletes them). Two-phase prune's marks
// (`packs_to_delete`) are split off into a second index: backups deduplicate only against live packs, while
// readers (restore, check, prune's tree walk) may fall back to marked ones.
//
// Safety rules, relied on by two-phase prune (shared/maintenance/two-phase):
// - A mark wins: a pack that any loaded file lists in `packs_to_delete` is not live, even if another file
//   (an older one a crashed prune did not get to delete, or a backup's) lists it in `packs`. Reading a stale
//   file can therefore never resurrect a marked pack for deduplication.
// - A file that vanishes between listing and reading was superseded by a prune, whose new file carries its
//   packs and marks: the loader lists again and reads the new files. Skipping the vanished file without
//   re-listing could hide a mark that lives only in the superseding file.
import { NotFoundError, type Id } from '../core/index.js';
import { decodeIndexFile, parseGoTime, type IndexBlob, type IndexFile } from '../format/index.js';
import { MasterIndex } from './master-index.js';
import type { Repository } from './repository.js';

export interface LoadedIndex {
  /** Live packs only: what backups deduplicate against. */
  readonly index: MasterIndex;
  /** Packs marked for deletion (in no file's live list once a mark wins), for read fallbacks. */
  readonly marked: MasterIndex;
  /** Each marked pack and the Go time of its (latest) mark. */
  readonly markedPacks: ReadonlyMap<Id, string>;
  /** The index files that were read. */
  readonly files: Id[];
}

/** One pack in an IndexView: its blobs (from whichever file lists them; a mark may carry none). */
export interface IndexViewMarked {
  readonly blobs: readonly IndexBlob[];
  /** Go time string of the latest mark. */
  readonly time: string;
}

/** The merged view of a set of index files under the mark-wins rule. */
export interface IndexView {
  readonly live: ReadonlyMap<Id, readonly IndexBlob[]>;
  readonly marked: ReadonlyMap<Id, IndexViewMarked>;
}

/**
 * splitIndexFiles merges index files into live and marked packs: a pack is live when some file lists it in
 * `packs` and none in `packs_to_delete`; a marked pack keeps the latest mark time (the later mark blocks
 * more sessions and waits longer, so it is the safe one) and the longest blob list any file gives it.
 * Pure; loadIndex applies the same rule incrementally.
 */
export function splitIndexFiles(files: Iterable<IndexFile>): IndexView {
  const blobs = new Map<Id, readonly IndexBlob[]>();
  const marks = new Map<Id, string>();
  const note = (id: Id, list: readonly IndexBlob[]): void => {
    if ((blobs.get(id)?.length ?? -1) < list.length) blobs.set(id, list);
  };
  for (const f of files) {
    for (const p of f.packs) note(p.id, p.blobs);
    for (const p of f.packs_to_delete ?? []) {
      note(p.id, p.blobs);
      marks.set(p.id, laterMark(marks.get(p.id), p.time));
    }
  }
  const live = new Map<Id, readonly IndexBlob[]>();
  const marked = new Map<Id, IndexViewMarked>();
  for (const [id, list] of blobs) {
    const time = marks.get(id);
    if (time === undefined) live.set(id, list);
    else marked.set(id, { blobs: list, time });
  }
  return { live, marked };
}

/** laterMark returns the later of two Go times (either may be absent). */
export function laterMark(a: string | undefined, b: string): string {
  if (a === undefined) return b;
  return parseGoTime(a).epochNs >= parseGoTime(b).epochNs ? a : b;
}

/** loadIndexFile reads and decodes one index file. */
export async function loadIndexFile(repo: Repository, id: Id): Promise<IndexFile> {
  return decodeIndexFile(await repo.loadJson('index', id), repo.version);
}

/** After this many listings that each lost files to a concurrent prune, give up (prunes are minutes apart). */
const MAX_RELISTS = 20;

/**
 * loadIndex reads all index files, a few at a time, and splits live from marked packs (see the header).
 * `onFile` sees each decoded file (prune and check need the per-file view; backup does not).
 */
export async function loadIndex(
  repo: Repository,
  onFile?: (id: Id, file: IndexFile) => void,
  progress?: (done: number, total: number) => void,
): Promise<LoadedIndex> {
  const index = new MasterIndex();
  const markedIndex = new MasterIndex();
  const marks = new Map<Id, string>();
  const read = new Set<Id>();
  const parallel = 4;
  for (let round = 0; ; round++) {
    const ids = (await repo.listIds('index')).filter((id) => !read.has(id));
    let vanished = false;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < ids.length) {
        const id = ids[next++]!;
        let file: IndexFile;
        try {
          file = await loadIndexFile(repo, id);
        } catch (err) {
          if (!(err instanceof NotFoundError)) throw err;
          vanished = true;
          continue;
        }
        read.add(id);
        for (const pack of file.packs) index.addPack(pack.id, pack.blobs);
        for (const pack of file.packs_to_delete ?? []) {
          markedIndex.addPack(pack.id, pack.blobs);
          marks.set(pack.id, laterMark(marks.get(pack.id), pack.time));
        }
        onFile?.(id, file);
        progress?.(read.size, read.size + ids.length - next);
      }
    };
    await Promise.all(Array.from({ length: Math.min(parallel, ids.length) }, worker));
    if (!vanished) break;
    if (round >= MAX_RELISTS) throw new NotFoundError(`index files kept vanishing while loading ${repo.backend.location}; try again`);
  }
  // A mark wins: move marked packs out of the live index (keeping the blob list when the mark had none).
  const demote: Id[] = [];
  for (const id of marks.keys()) {
    if (!index.hasPack(id)) continue;
    markedIndex.addPack(id, index.packBlobs(id));
    demote.push(id);
  }
  index.removePacks(demote);
  return { index, marked: markedIndex, markedPacks: marks, files: [...read] };
}

/**
 * readableIndex returns the loaded live index with the marked packs appended: what restore and other readers
 * use, so a snapshot that references a marked pack (its backup deduplicated before the mark; the next prune
 * recovers it) still reads. Live locations come first, so a blob with a live copy is read from it. Modifies
 * and returns `loaded.index`: backups must not use it for deduplication.
 */
export function readableIndex(loaded: LoadedIndex): MasterIndex {
  for (const id of loaded.markedPacks.keys()) if (!loaded.index.hasPack(id)) loaded.index.addPack(id, loaded.marked.packBlobs(id));
  return loaded.index;
}
