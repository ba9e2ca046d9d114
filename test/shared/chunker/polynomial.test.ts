import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { CorruptDataError } from '../../../shared/core/errors.js';
import {
  degree,
  formatPolynomial,
  isIrreducible,
  parsePolynomial,
  randomPolynomial,
} from '../../../shared/chunker/polynomial.js';

// restic/chunker's test polynomial, irreducible of degree 53.
const RESTIC_TEST_POL = 0x3da3358b4dc173n;

// --- an independent, deliberately plain GF(2) toolkit for cross-checks (full product, then reduce) ---
function bitLength(a: bigint): number {
  return a === 0n ? 0 : a.toString(2).length;
}
function clmul(a: bigint, b: bigint): bigint {
  let r = 0n;
  for (let i = 0; i < bitLength(b); i++) if ((b >> BigInt(i)) & 1n) r ^= a << BigInt(i);
  return r;
}
function reduce(a: bigint, m: bigint): bigint {
  const dm = bitLength(m);
  for (let i = bitLength(a); i >= dm; i--) if ((a >> BigInt(i - 1)) & 1n) a ^= m << BigInt(i - dm);
  return a;
}
/** Rabin's test for a polynomial of prime degree n: x^(2^n) ≡ x (mod p), and p(0) = p(1) = 1 (no factor x, x+1). */
function irreducibleByRabin(p: bigint, n: number): boolean {
  let q = 2n;
  for (let i = 0; i < n; i++) q = reduce(clmul(q, q), p);
  const weight = p.toString(2).split('').filter((c) => c === '1').length;
  return q === 2n && (p & 1n) === 1n && weight % 2 === 1;
}
/** A seeded byte source (SHA-256 in counter mode), to make randomPolynomial reproducible. */
function seededSource(seed: string): (n: number) => Buffer {
  let counter = 0;
  return (n) => {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i += 32) createHash('sha256').update(`${seed}/${counter++}`).digest().copy(out, i);
    return out;
  };
}
function le64(v: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(v);
  return b;
}

describe('polynomial', () => {
  test('degree is the highest set bit, −1 for zero', () => {
    assert.equal(degree(0n), -1);
    assert.equal(degree(1n), 0);
    assert.equal(degree(0b1011n), 3);
    assert.equal(degree(RESTIC_TEST_POL), 53);
  });

  test('isIrreducible finds exactly as many irreducible polynomials per degree as the counting formula says', () => {
    // Number of monic irreducible polynomials of degree n over GF(2) (OEIS A001037).
    const expected = [2, 1, 2, 3, 6, 9, 18, 30, 56, 99, 186, 335];
    for (let n = 1; n <= expected.length; n++) {
      let count = 0;
      for (let p = 1n << BigInt(n); p < 1n << BigInt(n + 1); p++) if (isIrreducible(p)) count++;
      assert.equal(count, expected[n - 1], `degree ${n}`);
    }
    assert.equal(isIrreducible(0n), false);
    assert.equal(isIrreducible(1n), false);
  });

  test('isIrreducible rejects products and accepts restic’s test polynomial', () => {
    assert.equal(isIrreducible(RESTIC_TEST_POL), true);
    assert.equal(irreducibleByRabin(RESTIC_TEST_POL, 53), true);
    const product = clmul(0b111n, 0x3da3358b4dc1n | 1n); // (x²+x+1)·(something): degree 49, reducible
    assert.equal(isIrreducible(product), false);
    assert.equal(isIrreducible(clmul(RESTIC_TEST_POL, 0b11n)), false);
  });

  test('randomPolynomial follows restic’s procedure: LE bytes, bits above 53 dropped, bits 53 and 0 set', () => {
    // Candidate 1 stays reducible after bits 53 and 0 are set, so it is skipped. Candidate 2 is the test polynomial
    // with junk above bit 53 and bits 53 and 0 cleared: masking and setting them must restore it exactly.
    const reducible = clmul(0x1bn, 0x1fffffffffffn);
    const candidates = [le64(reducible), le64((RESTIC_TEST_POL ^ (1n << 53n) ^ 1n) | (0xffn << 56n) | (1n << 54n))];
    let calls = 0;
    const p = randomPolynomial((n) => {
      assert.equal(n, 8);
      return candidates[calls++]!;
    });
    assert.equal(p, RESTIC_TEST_POL);
    assert.equal(calls, 2, 'the reducible candidate was skipped');
    assert.equal(isIrreducible(reducible | (1n << 53n) | 1n), false, 'precondition: first candidate reducible');
  });

  test('randomPolynomial returns degree-53 polynomials that an independent Rabin test finds irreducible', () => {
    const random = seededSource('cairn-polynomials');
    const seen = new Set<bigint>();
    for (let i = 0; i < 8; i++) {
      const p = randomPolynomial(random);
      assert.equal(degree(p), 53);
      assert.equal(irreducibleByRabin(p, 53), true, formatPolynomial(p));
      seen.add(p);
    }
    assert.equal(seen.size, 8);
    const fresh = randomPolynomial();
    assert.equal(degree(fresh), 53);
    assert.equal(irreducibleByRabin(fresh, 53), true);
  });

  test('formatPolynomial and parsePolynomial round-trip config’s lowercase hex without 0x', () => {
    assert.equal(formatPolynomial(RESTIC_TEST_POL), '3da3358b4dc173');
    assert.equal(parsePolynomial('3da3358b4dc173'), RESTIC_TEST_POL);
    assert.equal(parsePolynomial('3DA3358B4DC173'), RESTIC_TEST_POL);
  });

  test('parsePolynomial rejects what the chunker cannot use, as corrupt data', () => {
    const bad = [
      '', '0x3da3358b4dc173', 'xyz', '3da3358b4dc173 ', '10000000000000000', // not a 64-bit hex number
      '3da3358b4dc172', // even: divisible by x
      formatPolynomial(clmul(RESTIC_TEST_POL, 0b11n)), // degree 54 (and reducible)
      formatPolynomial((1n << 60n) | 0b11n),
      '3', '7', // irreducible but degree < 8
      formatPolynomial(clmul(0b111n, 0x3da3358b4dc1n | 1n)), // reducible
    ];
    for (const hex of bad) {
      assert.throws(() => parsePolynomial(hex), (e: unknown) => e instanceof CorruptDataError && /invalid chunker polynomial/.test(e.message), hex);
    }
  });
});
