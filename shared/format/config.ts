// The repository config: the one file whose name is not a hash. It fixes the format version (1 or 2; 2 adds
// compression), the repository's random ID and the chunker polynomial, and is written once at init. Stored
// sealed but never compressed, as compact JSON without a trailing newline (what restic 0.14 writes).
import type { Id } from '../core/index.js';
import { asObject, fail, parseJson, reqId, reqString, reqUint } from './json-fields.js';

/** RepoConfig is the decoded `config` file. */
export interface RepoConfig {
  version: 1 | 2;
  /** 64 hex characters naming the repository (restic keys its cache by it). */
  id: string;
  /** The Rabin polynomial as lowercase hex without `0x`, e.g. `26a6373ad77bd9`. */
  chunker_polynomial: string;
}

/** Go's strconv.FormatUint(p, 16) of a non-zero polynomial that fits in 64 bits. */
const POLYNOMIAL = /^[0-9a-f]{1,16}$/;

/** encodeConfig returns the config plaintext: `{"version":2,"id":"…","chunker_polynomial":"…"}`. */
export function encodeConfig(c: RepoConfig): Buffer {
  return Buffer.from(
    `{"version":${c.version},"id":${JSON.stringify(c.id)},"chunker_polynomial":${JSON.stringify(c.chunker_polynomial)}}`,
    'utf8',
  );
}

/**
 * decodeConfig parses and validates a config plaintext: version 1 or 2, a 64-hex id, a hex polynomial.
 * Throws CorruptDataError otherwise. Whether the polynomial is irreducible is the chunker's check, not this one.
 */
export function decodeConfig(bytes: Uint8Array): RepoConfig {
  const o = asObject(parseJson(bytes, 'config'), 'config');
  const version = reqUint(o, 'version', 'config');
  if (version !== 1 && version !== 2) fail('config', `unsupported repository version ${version} (this program reads 1 and 2)`);
  const id: Id = reqId(o, 'id', 'config');
  // Go reads the polynomial with strconv.ParseUint(s, 16, 64), which also takes upper case; normalize it.
  const polynomial = reqString(o, 'chunker_polynomial', 'config').toLowerCase();
  if (!POLYNOMIAL.test(polynomial) || /^0+$/.test(polynomial)) {
    fail('config.chunker_polynomial', `invalid chunker polynomial ${JSON.stringify(polynomial)}`);
  }
  return { version, id, chunker_polynomial: polynomial };
}
