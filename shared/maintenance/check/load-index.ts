// Loading the index for check: like the repository's loadIndex, but a damaged index file is a finding,
// not the end of the check, and the per-file view that check's hints need (a pack listed in several index
// files, the old array format, packs marked for deletion) is kept. Marked packs' blob lists are kept apart
// (`markedIndex`): a snapshot may use a marked pack (its backup deduplicated before the mark; the next prune
// recovers it), so check reads them like restore does — see marked-packs.ts.
import { CorruptDataError, type Id } from '../../core/index.js';
import { decodeIndexFile } from '../../format/index.js';
import { laterMark, MasterIndex, type Repository } from '../../repository/index.js';
import type { Finding } from './types.js';

export type CheckedIndex = {
  readonly index: MasterIndex;
  /** The index files read (all of them: a damaged one is read too, and becomes an error). */
  readonly fileIds: readonly Id[];
  readonly files: number;
  /** How many index files list each pack (only packs listed more than once). */
  readonly listedTwice: Map<Id, number>;
  /** Packs that two-phase prune marked for deletion (packs_to_delete); present ones are expected. */
  readonly marked: Set<Id>;
  /** The blob lists of marked packs (as `packs_to_delete` gives them; an unindexed pack's may be empty). */
  readonly markedIndex: MasterIndex;
  /** Each marked pack's latest mark (Go time). */
  readonly markTimes: Map<Id, string>;
  readonly errors: Finding[];
  readonly hints: Finding[];
};

/** Index files are small; a few at a time keeps a remote repository from being walked one round trip each. */
const PARALLEL_FILES = 8;

/**
 * loadCheckedIndex reads every index file (those in `ids`, else those listed now). A file that cannot be
 * read, decrypted or decoded becomes an `index-unreadable` error (its packs are then simply not indexed,
 * which the pack checks report); storage failures other than a vanished file still throw, since they say
 * nothing about the repository.
 */
export async function loadCheckedIndex(repo: Repository, listed?: readonly Id[]): Promise<CheckedIndex> {
  const ids = listed ?? (await repo.listIds('index'));
  const index = new MasterIndex();
  const seen = new Map<Id, number>();
  const marked = new Set<Id>();
  const markedIndex = new MasterIndex();
  const markTimes = new Map<Id, string>();
  const errors: Finding[] = [];
  const hints: Finding[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < ids.length) {
      const id = ids[next++]!;
      try {
        const bytes = await repo.loadJson('index', id);
        const file = decodeIndexFile(bytes, repo.version);
        for (const pack of file.packs) {
          index.addPack(pack.id, pack.blobs);
          seen.set(pack.id, (seen.get(pack.id) ?? 0) + 1);
        }
        for (const pack of file.packs_to_delete ?? []) {
          marked.add(pack.id);
          markedIndex.addPack(pack.id, pack.blobs);
          markTimes.set(pack.id, laterMark(markTimes.get(pack.id), pack.time));
        }
        if (firstByte(bytes) === 0x5b) {
          hints.push({ kind: 'index-old-format', index: id, message: `index ${id.slice(0, 8)} has the old format (a bare list of packs)` });
        }
      } catch (err) {
        if (!(err instanceof CorruptDataError)) throw err;
        errors.push({ kind: 'index-unreadable', index: id, message: `index ${id.slice(0, 8)} cannot be loaded: ${err.message}` });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_FILES, ids.length) }, worker));
  const listedTwice = new Map([...seen].filter(([, n]) => n > 1));
  return { index, fileIds: ids, files: ids.length, listedTwice, marked, markedIndex, markTimes, errors, hints };
}

/** The first byte that is not JSON whitespace. */
function firstByte(bytes: Uint8Array): number | undefined {
  for (const b of bytes) if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) return b;
  return undefined;
}
