// The pack checks that need no pack content: every indexed pack exists with the size its index entries
// imply, its entries tile the pack from offset 0 without gaps or overlaps, and the hints restic gives
// (packs in no index, packs in several index files, packs mixing data and tree blobs). All of it comes
// from the index and one listing of data/, so it runs on every check, with or without --read-data.
import type { Id } from '../../core/index.js';
import { expectedPackSize } from '../../format/index.js';
import type { MasterIndex } from '../../repository/index.js';
import type { CheckedIndex } from './load-index.js';
import type { Finding, PackToRead } from './types.js';

export type PackStructure = {
  errors: Finding[];
  hints: Finding[];
  /** Indexed packs that exist, with their real sizes: the candidates for --read-data. */
  present: PackToRead[];
  /** Indexed packs that are missing or have the wrong size: their blobs are at risk. */
  badPacks: Set<Id>;
  /** Blobs whose index entries point outside their pack. */
  badBlobs: Set<Id>;
};

/** An index entry, with the field name the pack format's size rules (expectedPackSize) take. */
type PackEntry = ReturnType<MasterIndex['packBlobs']>[number] & { uncompressedLength: number };

/** packEntries returns a pack's index entries as PackEntry, in offset order. */
export function packEntries(index: MasterIndex, packId: Id): PackEntry[] {
  return index.packBlobs(packId).map((b) => ({ ...b, uncompressedLength: b.uncompressed_length ?? 0 }));
}

/**
 * checkPackStructure compares the index with the storage listing (pack ID → size). Errors: `pack-missing`,
 * `pack-size`, `index-entry-invalid`. Hints: `pack-unreferenced` (present in no index and not marked for
 * deletion: an interrupted backup or prune left it; prune removes it), `pack-in-several-indexes`,
 * `pack-mixed`.
 */
export function checkPackStructure(checked: CheckedIndex, listing: ReadonlyMap<Id, number>): PackStructure {
  const out: PackStructure = { errors: [], hints: [], present: [], badPacks: new Set(), badBlobs: new Set() };
  const { index } = checked;
  for (const packId of index.packIds()) {
    const short = packId.slice(0, 8);
    const blobs = packEntries(index, packId);
    const expected = expectedPackSize(blobs);
    const actual = listing.get(packId);
    if (actual === undefined) {
      out.errors.push({ kind: 'pack-missing', pack: packId, message: `pack ${short} is in the index but does not exist in the repository` });
      out.badPacks.add(packId);
      continue;
    }
    out.present.push({ id: packId, size: actual });
    if (actual !== expected) {
      out.errors.push({
        kind: 'pack-size',
        pack: packId,
        message: `pack ${short} is ${actual} bytes but the index implies ${expected}: it is truncated or damaged`,
      });
      out.badPacks.add(packId);
    }
    // Blobs sit back to back from offset 0 and the header follows the last one, so the blobs fill exactly
    // [0, sum of lengths). An entry reaching past that, or overlapping the one before it, points at bytes that
    // are not its blob. (With every entry in range and none overlapping there can be no hole either.) Sizes
    // alone miss this: a moved offset keeps the sum of the lengths.
    const blobsEnd = blobs.reduce((n, b) => n + b.length, 0);
    // Which of two overlapping entries is wrong cannot be told from the index; the message names both, and
    // --read-data's comparison with the pack header pins it down.
    let pos = 0;
    let last: (typeof blobs)[number] | undefined;
    for (const b of blobs) {
      const end = b.offset + b.length;
      let where: string | undefined;
      if (end > actual) where = `beyond the end of the pack (${actual} bytes)`;
      else if (end > blobsEnd) where = 'past the last blob, into the pack header';
      else if (b.offset < pos) where = `into ${last!.type} blob ${last!.id.slice(0, 8)} (offset ${last!.offset}, length ${last!.length})`;
      else {
        pos = end;
        last = b;
      }
      if (where === undefined) continue;
      out.errors.push({
        kind: 'index-entry-invalid',
        pack: packId,
        blob: b.id,
        blobType: b.type,
        message: `index entry for ${b.type} blob ${b.id.slice(0, 8)} in pack ${short} (offset ${b.offset}, length ${b.length}) points ${where}`,
      });
      out.badBlobs.add(b.id);
    }
    if (blobs.some((b) => b.type === 'data') && blobs.some((b) => b.type === 'tree')) {
      out.hints.push({ kind: 'pack-mixed', pack: packId, message: `pack ${short} contains both data and tree blobs` });
    }
    const files = checked.listedTwice.get(packId);
    if (files !== undefined) {
      out.hints.push({
        kind: 'pack-in-several-indexes',
        pack: packId,
        message: `pack ${short} is listed in ${files} index files; \`cairn prune\` (or restic rebuild-index) tidies this`,
      });
    }
  }
  for (const [packId, size] of listing) {
    if (index.hasPack(packId) || checked.marked.has(packId)) continue;
    out.hints.push({
      kind: 'pack-unreferenced',
      pack: packId,
      message: `pack ${packId.slice(0, 8)} (${size} bytes) is not referenced in any index: left by an interrupted backup or prune; prune removes it`,
    });
  }
  return out;
}
