// Loading the index: every file in index/ is read and merged into one in-memory MasterIndex, as restic 0.14
// does (it does not skip superseded files; whoever superseded them deletes them).
import type { Id } from '../core/index.js';
import { decodeIndexFile, type IndexFile } from '../format/index.js';
import { MasterIndex } from './master-index.js';
import type { Repository } from './repository.js';

export interface LoadedIndex {
  readonly index: MasterIndex;
  /** The index files that were read. */
  readonly files: Id[];
}

/** loadIndexFile reads and decodes one index file. */
export async function loadIndexFile(repo: Repository, id: Id): Promise<IndexFile> {
  return decodeIndexFile(await repo.loadJson('index', id), repo.version);
}

/**
 * loadIndex reads all index files, a few at a time. `onFile` sees each decoded file (prune and check
 * need the per-file view; backup does not).
 */
export async function loadIndex(
  repo: Repository,
  onFile?: (id: Id, file: IndexFile) => void,
  progress?: (done: number, total: number) => void,
): Promise<LoadedIndex> {
  const ids = await repo.listIds('index');
  const index = new MasterIndex();
  const parallel = 4;
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < ids.length) {
      const id = ids[next++]!;
      const file = await loadIndexFile(repo, id);
      for (const pack of file.packs) index.addPack(pack.id, pack.blobs);
      onFile?.(id, file);
      progress?.(++done, ids.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, ids.length) }, worker));
  return { index, files: ids };
}
