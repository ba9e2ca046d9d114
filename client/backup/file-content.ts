// Reading one file into chunks: the file is read in large pieces, cut where restic's chunker cuts, and each
// chunk is hashed and handed to the blob writer (which skips chunks the repository already has).
// The blob writer consumes a chunk before save() returns its promise, so read buffers are recycled instead
// of allocated per read: fresh multi-MiB buffers cost page faults in the kernel's read and, with ~50k small
// files, most of the process's garbage-collection time.
import { openSync, readSync, closeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { hashId, type Id } from '../../shared/core/index.js';
import { MIN_SIZE, type Chunker } from '../../shared/chunker/index.js';
import type { BlobWriter } from '../../shared/repository/index.js';

/**
 * Files are read in pieces of this size. A chunk (1 MiB on average) often spans two pieces; its pieces go
 * to the blob writer as they are, which copies them once into the encoder's batch, so nothing is
 * concatenated, and one buffer size for every read keeps the allocator from fragmenting.
 */
const READ_SIZE = 1024 * 1024;

/** Read buffers no chunk refers to any more, reused by the next read (files are read concurrently). */
const spare: Buffer[] = [];
const MAX_SPARE = 8;

function takeBuffer(): Buffer {
  return spare.pop() ?? Buffer.allocUnsafe(READ_SIZE);
}

function giveBack(buffers: Buffer[]): void {
  for (const b of buffers) if (spare.length < MAX_SPARE) spare.push(b);
}

/** One scratch buffer for small files: each is read, hashed and saved synchronously, so one is enough. */
let smallScratch: Buffer | undefined;

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

/**
 * readSmall returns the whole file, or undefined if it holds more than MIN_SIZE bytes. The result is a view
 * of a shared scratch buffer, valid until the next call: use it before any await.
 */
function readSmall(path: string): Buffer | undefined {
  const fd = openSync(path, 'r');
  try {
    const buf = (smallScratch ??= Buffer.allocUnsafe(MIN_SIZE + 1));
    let got = 0;
    for (let n; got < buf.length && (n = readSync(fd, buf, got, buf.length - got, got)) > 0; ) got += n;
    return got > MIN_SIZE ? undefined : buf.subarray(0, got);
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
  // Read buffers the unfinished chunk still refers to; the last one is the buffer being chunked.
  let held: Buffer[] = [];
  const emit = async (): Promise<void> => {
    const chunk = pieces;
    pieces = [];
    const id = hashId(chunk);
    const length = chunk.reduce((n, piece) => n + piece.length, 0);
    content.push(id);
    const saved = writer.save('data', id, chunk);
    // save() has consumed the chunk: earlier read buffers hold nothing that is still needed.
    giveBack(held.slice(0, -1));
    held = held.slice(-1);
    if (await saved) newBytes += length;
  };
  try {
    chunker.reset();
    for (;;) {
      const buf = takeBuffer();
      held.push(buf);
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
    giveBack(held);
    await fh.close();
  }
  return { content, size, newBytes };
}
