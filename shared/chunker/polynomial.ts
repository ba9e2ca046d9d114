// Polynomials over GF(2), the field the chunker's Rabin fingerprint lives in. A polynomial is a bigint whose
// bit i is the coefficient of x^i; addition is XOR. Every repository has one random irreducible polynomial of
// degree 53 (config's `chunker_polynomial`), and the chunker's cut points depend on it, so two tools dedup
// against each other only if they pick, store and read it the same way restic does.
import { randomBytes } from 'node:crypto';
import { CorruptDataError } from '../core/errors.js';

/** The degree restic gives every new polynomial (53: the largest prime below 64 − 8). */
export const POLYNOMIAL_DEGREE = 53;

/** Lowest degree the chunker accepts: the rolling hash needs 8 bits above the byte it shifts in. */
const MIN_CHUNKER_DEGREE = 8;

/** How many random candidates randomPolynomial tries before giving up (restic's bound). */
const MAX_TRIES = 1_000_000;

/** degree returns the degree of p, or −1 for the zero polynomial. */
export function degree(p: bigint): number {
  if (p < 0n) throw new RangeError('a polynomial is a non-negative bigint');
  return p === 0n ? -1 : p.toString(2).length - 1;
}

/** polyMod returns a mod m (the remainder of long division over GF(2)); m must not be zero. */
export function polyMod(a: bigint, m: bigint): bigint {
  const dm = degree(m);
  if (dm < 0) throw new RangeError('division by the zero polynomial');
  let da = degree(a);
  while (da >= dm) {
    a ^= m << BigInt(da - dm);
    da = degree(a);
  }
  return a;
}

/** polyMulMod returns a·b mod m, reducing as it goes so intermediate values stay below 2·deg(m) bits. */
export function polyMulMod(a: bigint, b: bigint, m: bigint): bigint {
  a = polyMod(a, m);
  let result = 0n;
  while (b !== 0n) {
    if ((b & 1n) !== 0n) result ^= a;
    b >>= 1n;
    a = polyMod(a << 1n, m);
  }
  return polyMod(result, m);
}

/** polyGcd returns the greatest common divisor of a and b (gcd(a, 0) = a). */
export function polyGcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, polyMod(a, b)];
  return a;
}

/**
 * isIrreducible tells whether p (degree ≥ 1) has no non-trivial factor, by Ben-Or's test: for every
 * i ≤ deg/2, gcd(p, x^(2^i) − x mod p) must be 1. That is the test restic runs on the stored polynomial;
 * unlike restic's, 0 and 1 are (correctly) not irreducible here.
 */
export function isIrreducible(p: bigint): boolean {
  const d = degree(p);
  if (d < 1) return false;
  let q = 2n; // x
  for (let i = 1; i <= d >> 1; i++) {
    q = polyMulMod(q, q, p); // q = x^(2^i) mod p
    if (polyGcd(p, q ^ 2n) !== 1n) return false;
  }
  return true;
}

/**
 * randomPolynomial returns a new random irreducible polynomial of degree 53 the way restic's `init` picks
 * one: read 8 random bytes as a little-endian uint64, keep bits 0..53, set bits 53 and 0, keep it if
 * irreducible. `random(n)` supplies n random bytes (default: the system CSPRNG); pass a seeded source to
 * reproduce a polynomial. Throws if a million candidates fail, which a real random source never causes.
 */
export function randomPolynomial(random: (n: number) => Uint8Array = randomBytes): bigint {
  const low54 = (1n << 54n) - 1n;
  const fixedBits = (1n << 53n) | 1n;
  for (let tries = 0; tries < MAX_TRIES; tries++) {
    const bytes = random(8);
    if (bytes.length !== 8) throw new RangeError(`random source returned ${bytes.length} bytes instead of 8`);
    const view = new DataView(bytes.buffer, bytes.byteOffset, 8);
    const candidate = (view.getBigUint64(0, true) & low54) | fixedBits;
    if (isIrreducible(candidate)) return candidate;
  }
  throw new Error(`no irreducible polynomial found in ${MAX_TRIES} random candidates: the random source is broken`);
}

/**
 * parsePolynomial reads config's `chunker_polynomial` (hex, as Go's strconv.ParseUint(s, 16, 64) accepts
 * it: no `0x`, either case) and checks that the chunker can use it: irreducible and of degree 8..53.
 * Throws CorruptDataError "invalid chunker polynomial" otherwise, as restic refuses such a repository.
 */
export function parsePolynomial(hex: string): bigint {
  if (!/^[0-9a-fA-F]{1,16}$/.test(hex)) {
    throw new CorruptDataError(`invalid chunker polynomial: ${JSON.stringify(hex)} is not a 64-bit hex number`);
  }
  const p = BigInt(`0x${hex}`);
  const d = degree(p);
  if (d < MIN_CHUNKER_DEGREE || d > POLYNOMIAL_DEGREE) {
    throw new CorruptDataError(`invalid chunker polynomial: ${hex} has degree ${d}, the chunker needs 8 to 53`);
  }
  if (!isIrreducible(p)) throw new CorruptDataError(`invalid chunker polynomial: ${hex} is not irreducible`);
  return p;
}

/** formatPolynomial writes p as config stores it: lowercase hex without `0x` (Go's FormatUint(p, 16)). */
export function formatPolynomial(p: bigint): string {
  if (p < 0n || p >= 1n << 64n) throw new RangeError('a chunker polynomial fits in 64 bits');
  return p.toString(16);
}
