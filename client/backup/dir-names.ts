// Listing a directory for the walk: its entry names in restic's order (by UTF-8 bytes), and the names that
// are not valid UTF-8 apart, since Node cannot hand them back to the file system (see archiver.ts).
import { readdirSync } from 'node:fs';
import { compareNames } from '../../shared/format/index.js';

/** Characters outside the Basic Multilingual Plane, where UTF-16 order and UTF-8 byte order part ways. */
const SURROGATE = /[\ud800-\udfff]/;

/**
 * readDirNames returns the names of `path`'s entries in restic's order; `onInvalid` gets each name that is
 * not valid UTF-8 (decoded with U+FFFD in place of the bad bytes), which is left out.
 */
export function readDirNames(path: string, onInvalid: (decoded: string) => void): string[] {
  const names = readdirSync(path);
  // Invalid bytes always decode to U+FFFD, so a listing without one is exact; only with one (bad bytes,
  // or a real U+FFFD in a name) are the raw bytes needed to tell which.
  if (names.some((n) => n.includes('\ufffd'))) return checkedNames(path, onInvalid);
  // Without surrogates, UTF-16 code unit order (sort's default) is UTF-8 byte order.
  return names.some((n) => SURROGATE.test(n)) ? names.sort(compareNames) : names.sort();
}

function checkedNames(path: string, onInvalid: (decoded: string) => void): string[] {
  const names: string[] = [];
  for (const bytes of readdirSync(path, { encoding: 'buffer' }).sort(Buffer.compare)) {
    const name = bytes.toString('utf8');
    if (Buffer.from(name, 'utf8').equals(bytes)) names.push(name);
    else onInvalid(name);
  }
  return names;
}
