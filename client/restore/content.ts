// Restore, step two: fill the files. Blobs are fetched pack by pack (one ranged read covers neighbouring
// blobs), each blob is decrypted and verified once and written at every place it occurs, so shared chunks
// cost one download. A few packs are in flight at once; file handles are opened on demand and closed
// when their last blob is written.
import { open as openFile, type FileHandle } from 'node:fs/promises';
import { CorruptDataError, type Id } from '../../shared/core/index.js';
import { decodeBlob, type BlobLocation, type MasterIndex, type Repository } from '../../shared/repository/index.js';

export interface FileToFill {
  /** Where the file is written on disk. */
  readonly target: string;
  readonly content: readonly Id[];
}

interface Placement {
  readonly file: number;
  readonly offset: number;
}

interface NeededBlob {
  readonly id: Id;
  readonly loc: BlobLocation;
  readonly places: Placement[];
}

/** Blobs closer than this in a pack are fetched in one read rather than two. */
const MAX_GAP = 1024 * 1024;

function plainLength(loc: BlobLocation): number {
  return loc.uncompressedLength > 0 ? loc.uncompressedLength : loc.length - 32;
}

export interface FillProgress {
  (bytesWritten: number): void;
}

/** fillFiles writes the content of every file (which must already exist on disk). */
export async function fillFiles(repo: Repository, index: MasterIndex, files: readonly FileToFill[], onBytes: FillProgress, parallel = 4): Promise<void> {
  const byPack = new Map<Id, Map<Id, NeededBlob>>();
  const remaining = new Array<number>(files.length).fill(0);
  files.forEach((file, fileNo) => {
    let offset = 0;
    for (const id of file.content) {
      const loc = index.lookup('data', id);
      if (loc === undefined) throw new CorruptDataError(`data blob ${id.slice(0, 8)} of ${file.target} is not in the index: run \`cairn check\``);
      let blobs = byPack.get(loc.packId);
      if (blobs === undefined) byPack.set(loc.packId, (blobs = new Map()));
      let needed = blobs.get(id);
      if (needed === undefined) blobs.set(id, (needed = { id, loc, places: [] }));
      needed.places.push({ file: fileNo, offset });
      remaining[fileNo]!++;
      offset += plainLength(loc);
    }
  });

  const handles = new Map<number, Promise<FileHandle>>();
  const handle = (fileNo: number): Promise<FileHandle> => {
    let h = handles.get(fileNo);
    if (h === undefined) handles.set(fileNo, (h = openFile(files[fileNo]!.target, 'r+')));
    return h;
  };
  const written = async (fileNo: number): Promise<void> => {
    if (--remaining[fileNo]! === 0) {
      const h = handles.get(fileNo);
      handles.delete(fileNo);
      if (h) await (await h).close();
    }
  };

  const packs = [...byPack.entries()];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < packs.length) {
      const [packId, blobs] = packs[next++]!;
      const sorted = [...blobs.values()].sort((a, b) => a.loc.offset - b.loc.offset);
      for (const group of groupNearby(sorted)) {
        const start = group[0]!.loc.offset;
        const last = group[group.length - 1]!;
        const bytes = await repo.backend.read('data', packId, { offset: start, length: last.loc.offset + last.loc.length - start });
        for (const blob of group) {
          const stored = bytes.subarray(blob.loc.offset - start, blob.loc.offset - start + blob.loc.length);
          const plain = decodeBlob(repo, blob.loc, blob.id, stored);
          for (const place of blob.places) {
            const h = await handle(place.file);
            await h.write(plain, 0, plain.length, place.offset);
            onBytes(plain.length);
            await written(place.file);
          }
        }
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(parallel, packs.length) }, worker));
  } finally {
    for (const h of handles.values()) await (await h).close().catch(() => undefined);
  }
}

function groupNearby(sorted: NeededBlob[]): NeededBlob[][] {
  const groups: NeededBlob[][] = [];
  let current: NeededBlob[] = [];
  let end = -1;
  for (const blob of sorted) {
    if (current.length > 0 && blob.loc.offset - end > MAX_GAP) {
      groups.push(current);
      current = [];
    }
    current.push(blob);
    end = blob.loc.offset + blob.loc.length;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}
