// Reading one file into chunks: the file is read in large pieces, cut where restic's chunker cuts, and each
// chunk is hashed and handed to the blob writer (which skips chunks the repository already has).
import { openSync, readSync, closeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { hashId, type Id } from '../../shared/core/index.js';
import { MIN_SIZE, type Chunker } from '../../shared/chunker/index.js';
import type { BlobWriter } from '../../shared/repository/index.js';

const READ_SIZE = 4 * 1024 * 1024;

export interface FileContent {
  readonly content: Id[];
  /** Bytes actually read (differs from the stat size when the file changed while it was read). */
  readonly size: number;
  /** Bytes of chunks that were new to the repository. */
  readonly newBytes: number;
}

/**
 * saveFileContent chunks and stores one file. A file no larger than the chunker's minimum size is always a
 * single chunk, so it is read with one synchronous call: far cheaper than async I/O for the many small
 * files of a home directory.
 */
export async function saveFileContent(path: string, statSize: number, chunker: Chunker, writer: BlobWriter): Promise<FileContent> {
  if (statSize <= MIN_SIZE) {
    const small = readSmall(path);
    if (small !== undefined) {
      if (small.length === 0) return { content: [], size: 0, newBytes: 0 };
      const id = hashId(small);
      const isNew = await writer.save('data', id, small);
      return { content: [id], size: small.length, newBytes: isNew ? small.length : 0 };
    }
    // It grew past the minimum size while we looked: chunk it like any large file.
  }
  return saveLarge(path, chunker, writer);
}

/** readSmall returns the whole file, or undefined if it holds more than MIN_SIZE bytes. */
function readSmall(path: string): Buffer | undefined {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(MIN_SIZE + 1);
    let got = 0;
    for (let n; got < buf.length && (n = readSync(fd, buf, got, buf.length - got, got)) > 0; ) got += n;
    return got > MIN_SIZE ? undefined : Buffer.from(buf.subarray(0, got));
  } finally {
    closeSync(fd);
  }
}

async function saveLarge(path: string, chunker: Chunker, writer: BlobWriter): Promise<FileContent> {
  const fh = await open(path, 'r');
  const content: Id[] = [];
  let size = 0;
  let newBytes = 0;
  let pieces: Buffer[] = [];
  const emit = async (): Promise<void> => {
    const chunk = pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces);
    pieces = [];
    const id = hashId(chunk);
    content.push(id);
    if (await writer.save('data', id, chunk)) newBytes += chunk.length;
  };
  try {
    chunker.reset();
    for (;;) {
      // A fresh buffer per read: chunks keep referencing it until they are encoded.
      const buf = Buffer.allocUnsafe(READ_SIZE);
      const { bytesRead } = await fh.read(buf, 0, READ_SIZE, size);
      if (bytesRead === 0) break;
      size += bytesRead;
      let data = buf.subarray(0, bytesRead);
      while (data.length > 0) {
        const cut = chunker.next(data);
        if (cut < 0) {
          pieces.push(data);
          break;
        }
        pieces.push(data.subarray(0, cut));
        await emit();
        data = data.subarray(cut);
      }
    }
    if (pieces.length > 0) await emit();
  } finally {
    await fh.close();
  }
  return { content, size, newBytes };
}
