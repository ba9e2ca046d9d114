// Lookup tables of the rolling Rabin hash, one set per polynomial. The fingerprint of the 64-byte window is
// fp = Σ b_i·x^(8·(63−i)) mod P. Moving the window by one byte multiplies by x^8, adds the new byte and
// removes the byte that fell out; each of those products is a table lookup on one byte. The kernel moves two
// bytes per step, so it needs the products for x^8 and x^16 of the top bytes and of the outgoing bytes.
import { degree, polyMod, polyMulMod } from './polynomial.js';

/**
 * The four 256-entry tables of 64-bit values the kernel reads, for a polynomial of degree `deg`:
 * - `reduceHigh[a]` = a·x^(deg+8) mod P, XOR (a << (deg+8)) truncated to 64 bits: reduces the top byte of a
 *   value shifted by 16 and cancels that byte's bits in the shifted value;
 * - `reduceLow[b]` = b·x^deg mod P, XOR (b << deg): the same for the byte just below (or a value shifted by 8);
 * - `outFar[o]` = o·x^(8·65) mod P: removes byte o two steps after it left the window's oldest slot;
 * - `outNear[o]` = o·x^(8·64) mod P: removes byte o one step after (the window is 64 bytes).
 * The kernel removes the outgoing byte after the shift rather than before it (restic's order), which gives the
 * same fingerprint because everything is reduced mod P, and keeps the lookup off the critical dependency path.
 */
export interface RabinTables {
  readonly degree: number;
  readonly reduceHigh: BigUint64Array;
  readonly reduceLow: BigUint64Array;
  readonly outFar: BigUint64Array;
  readonly outNear: BigUint64Array;
}

const MASK64 = (1n << 64n) - 1n;
const cache = new Map<bigint, RabinTables>();

/** tablesFor returns the (cached, read-only by convention) tables for pol; pol must have degree 8..53. */
export function tablesFor(pol: bigint): RabinTables {
  let tables = cache.get(pol);
  if (tables === undefined) {
    tables = computeTables(pol);
    cache.set(pol, tables);
  }
  return tables;
}

function computeTables(pol: bigint): RabinTables {
  const deg = degree(pol);
  if (deg < 8 || deg > 53) throw new RangeError(`chunker polynomial must have degree 8..53, got ${deg}`);
  const table = (exponent: number, cancelShift: number | undefined): BigUint64Array => {
    const power = polyMod(1n << BigInt(exponent), pol);
    const out = new BigUint64Array(256);
    for (let b = 0; b < 256; b++) {
      let v = polyMulMod(BigInt(b), power, pol);
      if (cancelShift !== undefined) v ^= (BigInt(b) << BigInt(cancelShift)) & MASK64;
      out[b] = v;
    }
    return out;
  };
  return {
    degree: deg,
    reduceHigh: table(deg + 8, deg + 8),
    reduceLow: table(deg, deg),
    outFar: table(8 * 65, undefined),
    outNear: table(8 * 64, undefined),
  };
}
