// Verifying a whole pack's bytes against the index's entries for it — every check restic 0.14's
// `check --read-data` makes: the file hashes to its name, the header decrypts and parses and has the size the
// index implies, every header entry is in the index with identical fields (and the reverse), and every
// indexed blob decrypts, decompresses and hashes to its ID. Pure CPU work on bytes already read, so that it
// runs the same on the calling thread or in a worker (pack-verify-worker.ts). A damaged pack never throws:
// each problem is reported, and only a bug (an error that is not CorruptDataError) escapes.
import { CorruptDataError, hashId, type BlobType, type Id } from '../core/index.js';
import { open, type MasterKey } from '../crypto/index.js';
import { decodeBlobWithKey } from './blob-reader.js';
import {
  decodePackHeader, HEADER_LENGTH_SIZE, packHeaderEntrySize, SEAL_OVERHEAD, type IndexBlob, type PackBlob,
} from '../format/index.js';

/** What can be wrong with a pack's contents (the check job's finding kinds of the same names). */
export type PackProblemKind =
  | 'pack-hash'
  | 'pack-header'
  | 'header-not-in-index'
  | 'index-not-in-header'
  | 'index-entry-invalid'
  | 'blob-gap'
  | 'blob-damaged';

/** One problem; `message` does not name the pack (the caller knows which it asked about). */
export type PackProblem = {
  readonly kind: PackProblemKind;
  readonly message: string;
  readonly blob?: { readonly id: Id; readonly type: BlobType };
};

export type PackVerdict = {
  readonly problems: PackProblem[];
  /** Indexed blobs that verified. */
  readonly blobs: number;
};

/** verifyPack checks `bytes`, the whole stored file of pack `packId`, against `indexed`, its index entries in offset order. */
export function verifyPack(key: MasterKey, packId: Id, bytes: Uint8Array, indexed: readonly IndexBlob[]): PackVerdict {
  const steps = verifyPackSteps(key, packId, bytes, indexed);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * verifyPackSteps is verifyPack in steps (the pack's hash and header, then each blob), so that a thread
 * with other duties (reading the next packs, feeding workers) can attend to them between steps.
 */
export function* verifyPackSteps(key: MasterKey, packId: Id, bytes: Uint8Array, indexed: readonly IndexBlob[]): Generator<void, PackVerdict> {
  const problems: PackProblem[] = [];
  const report: Report = (kind, message, blob) => {
    problems.push(blob ? { kind, message, blob: { id: blob.id, type: blob.type } } : { kind, message });
  };
  if (hashId(bytes) !== packId) report('pack-hash', 'its contents do not hash to its name: the file is damaged');
  checkHeader(key, bytes, indexed, report);

  let blobs = 0;
  for (const b of indexed) {
    yield;
    // The structure check already reported entries that overlap or point outside the blobs, so here a
    // blob only needs to lie inside the file to be worth opening.
    if (b.offset + b.length > bytes.length) {
      report('blob-gap', `${b.type} blob ${b.id.slice(0, 8)} (offset ${b.offset}, length ${b.length}) lies beyond the end of the file (${bytes.length} bytes)`, b);
      continue;
    }
    try {
      // Into reused buffers: each plaintext is only hashed.
      decodeBlobWithKey(key, { uncompressedLength: b.uncompressed_length ?? 0 }, b.id, bytes.subarray(b.offset, b.offset + b.length), true);
      blobs++;
    } catch (err) {
      if (!(err instanceof CorruptDataError)) throw err;
      report('blob-damaged', `${b.type} blob ${b.id.slice(0, 8)} at offset ${b.offset} is damaged: ${err.message}`, b);
    }
  }
  return { problems, blobs };
}

type Report = (kind: PackProblemKind, message: string, blob?: IndexBlob | PackBlob) => void;

/** checkHeader compares the pack's own header with the index entries, reporting every difference. */
function checkHeader(key: MasterKey, bytes: Uint8Array, indexed: readonly IndexBlob[], report: Report): void {
  if (bytes.length < HEADER_LENGTH_SIZE + SEAL_OVERHEAD) {
    report('pack-header', `file of ${bytes.length} bytes is too short to hold a header`);
    return;
  }
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.length).getUint32(bytes.length - HEADER_LENGTH_SIZE, true);
  const expectedLength = SEAL_OVERHEAD + indexed.reduce((n, b) => n + packHeaderEntrySize({ uncompressedLength: b.uncompressed_length ?? 0 }), 0);
  if (headerLength !== expectedLength) report('pack-header', `header is ${headerLength} bytes but the index implies ${expectedLength}`);
  if (headerLength < SEAL_OVERHEAD || headerLength > bytes.length - HEADER_LENGTH_SIZE) {
    report('pack-header', `header length ${headerLength} does not fit in the file (${bytes.length} bytes)`);
    return;
  }
  const start = bytes.length - HEADER_LENGTH_SIZE - headerLength;
  let header: PackBlob[];
  try {
    header = decodePackHeader(open(key, bytes.subarray(start, bytes.length - HEADER_LENGTH_SIZE)));
  } catch (err) {
    if (!(err instanceof CorruptDataError)) throw err;
    report('pack-header', `header cannot be read: ${err.message}`);
    return;
  }
  const byKey = new Map(indexed.map((b) => [`${b.type}:${b.id}`, b]));
  for (const h of header) {
    const k = `${h.type}:${h.id}`;
    const b = byKey.get(k);
    if (b === undefined) {
      report('header-not-in-index', `header lists ${h.type} blob ${h.id.slice(0, 8)} (offset ${h.offset}, length ${h.length}), which the index does not list in this pack`, h);
      continue;
    }
    byKey.delete(k);
    const ulen = h.uncompressedLength ?? 0;
    if (b.offset !== h.offset || b.length !== h.length || (b.uncompressed_length ?? 0) !== ulen) {
      report(
        'index-entry-invalid',
        `${h.type} blob ${h.id.slice(0, 8)}: header says offset ${h.offset} length ${h.length} uncompressed ${ulen}, ` +
          `the index says offset ${b.offset} length ${b.length} uncompressed ${b.uncompressed_length ?? 0}`,
        h,
      );
    }
  }
  for (const b of byKey.values()) {
    report('index-not-in-header', `the index lists ${b.type} blob ${b.id.slice(0, 8)} in this pack, but its header does not`, b);
  }
}
