import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Chunker, MAX_SIZE, MIN_SIZE, chunkBuffer, chunkStream } from '../../../shared/chunker/index.js';
import type { ChunkerOptions } from '../../../shared/chunker/index.js';

const POL = 0x3da3358b4dc173n; // restic/chunker's test polynomial (degree 53)
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Deterministic pseudo-random bytes (xorshift32), so failures reproduce. */
function randomData(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size);
  let s = seed | 0 || 1;
  for (let i = 0; i < size; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = s & 0xff;
  }
  return out;
}
function rng(seed: number): () => number {
  let s = seed | 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

/**
 * The reference: restic's chunker as plainly as possible, with BigInt and a byte ring, one byte at a time, its own
 * tables (out = b·x^(8·63), mod = (b·x^deg mod P) | b·x^deg), restic's reset (window [1,0…], digest of that one
 * byte) and skipping of the first minSize−64 bytes. Returns chunk lengths.
 */
function referenceChunkLengths(data: Uint8Array, pol: bigint, minSize: number, maxSize: number, bits: number): number[] {
  const deg = pol.toString(2).length - 1;
  const mod = (a: bigint) => {
    for (let d = a.toString(2).length - 1; a !== 0n && d >= deg; d = a.toString(2).length - 1) a ^= pol << BigInt(d - deg);
    return a;
  };
  const outT: bigint[] = [];
  const modT: bigint[] = [];
  for (let b = 0; b < 256; b++) {
    let h = mod(BigInt(b));
    for (let i = 0; i < 63; i++) h = mod(h << 8n);
    outT.push(h);
    modT.push(mod(BigInt(b) << BigInt(deg)) | (BigInt(b) << BigInt(deg)));
  }
  const shift = BigInt(deg - 8);
  const mask = (1n << BigInt(bits)) - 1n;
  const update = (d: bigint, b: number) => ((d << 8n) | BigInt(b)) ^ modT[Number(d >> shift)]!;
  const lengths: number[] = [];
  let start = 0;
  while (start < data.length) {
    const win = new Uint8Array(64);
    win[0] = 1;
    let wpos = 1;
    let digest = update(outT[0]!, 1);
    let count = minSize - 64;
    let i = start + count;
    let cut = data.length;
    for (; i < data.length; i++) {
      const b = data[i]!;
      digest ^= outT[win[wpos]!]!;
      win[wpos] = b;
      wpos = (wpos + 1) % 64;
      digest = update(digest, b);
      count++;
      if ((digest & mask) === 0n || count >= maxSize) {
        if (count < minSize) continue;
        cut = i + 1;
        break;
      }
    }
    lengths.push(Math.min(cut, data.length) - start);
    start = Math.min(cut, data.length);
  }
  return lengths;
}

function lengthsOf(chunks: Uint8Array[]): number[] {
  return chunks.map((c) => c.length);
}

/** Feeds data to a Chunker in the given pieces and returns the chunk lengths. */
function streamLengths(chunker: Chunker, data: Uint8Array, pieceSizes: number[]): number[] {
  chunker.reset();
  const lengths: number[] = [];
  let offset = 0;
  let pending = 0;
  for (const size of pieceSizes) {
    let piece = data.subarray(offset, offset + size);
    offset += piece.length;
    for (let n = chunker.next(piece); n >= 0; n = chunker.next(piece)) {
      assert.ok(n >= 1 && n <= piece.length, `next returned ${n} for a piece of ${piece.length}`);
      lengths.push(pending + n);
      assert.equal(chunker.pending, 0);
      pending = 0;
      piece = piece.subarray(n);
    }
    pending += piece.length;
    assert.equal(chunker.pending, pending);
  }
  if (pending > 0) lengths.push(pending);
  return lengths;
}

function randomSplits(total: number, next: () => number, maxPiece: number): number[] {
  const sizes: number[] = [];
  for (let left = total; left > 0; ) {
    const r = next();
    const size = r < 0.1 ? 0 : r < 0.3 ? 1 + Math.floor(next() * 130) : 1 + Math.floor(next() * maxPiece);
    sizes.push(Math.min(size, left));
    left -= Math.min(size, left);
  }
  return sizes;
}

// Small parameters make every path (early cut inside the first window, MaxSize, odd tails) frequent.
const SMALL: Required<ChunkerOptions> = { minSize: 256, maxSize: 1024, averageBits: 8 };

describe('chunker', () => {
  test('restic’s test vector: 4·MinSize zero bytes are four MinSize chunks with the known SHA-256', () => {
    const chunks = chunkBuffer(new Uint8Array(4 * MIN_SIZE), POL);
    assert.equal(chunks.length, 4);
    for (const c of chunks) {
      assert.equal(c.length, MIN_SIZE);
      assert.equal(sha256(c), '07854d2fef297a06ba81685e660c332de36d5d18d546927d30daad6d7fda1541');
    }
  });

  test('matches the BigInt reference with restic’s parameters on random data', () => {
    const data = randomData(7 * 1024 * 1024 + 12345, 0x1234567);
    const expected = referenceChunkLengths(data, POL, MIN_SIZE, MAX_SIZE, 20);
    assert.ok(expected.length >= 3, 'the data has several chunks');
    assert.deepEqual(lengthsOf(chunkBuffer(data, POL)), expected);
  });

  test('matches the BigInt reference with small parameters, for polynomials of several degrees', () => {
    // irreducible of degree 53 (restic's test polynomial), 50, 41, 20 and 8 (AES's x^8+x^4+x^3+x+1)
    let maxSizeCuts = 0;
    for (const pol of [POL, 0x5a5a5a5a5a60bn, 0x3a1fbe51c57n, 0x11a865n, 0x11bn]) {
      for (let seed = 1; seed <= 3; seed++) {
        const data = randomData(60_000 + seed * 7919, seed * 0x9e3779b1);
        const expected = referenceChunkLengths(data, pol, SMALL.minSize, SMALL.maxSize, SMALL.averageBits);
        assert.deepEqual(lengthsOf(chunkBuffer(data, pol, SMALL)), expected, `pol ${pol.toString(16)} seed ${seed}`);
        maxSizeCuts += expected.filter((l) => l === SMALL.maxSize).length;
      }
    }
    assert.ok(maxSizeCuts > 10, 'MaxSize cuts are exercised');
  });

  test('cuts at MaxSize when no fingerprint matches (constant non-zero data)', () => {
    const data = new Uint8Array(2 * MAX_SIZE + 100_000).fill(1);
    assert.deepEqual(lengthsOf(chunkBuffer(data, POL)), [MAX_SIZE, MAX_SIZE, 100_000]);
  });

  test('short inputs: empty gives no chunks, up to MinSize gives one', () => {
    assert.deepEqual(chunkBuffer(new Uint8Array(0), POL), []);
    assert.deepEqual(lengthsOf(chunkBuffer(randomData(100, 5), POL)), [100]);
    assert.deepEqual(lengthsOf(chunkBuffer(randomData(MIN_SIZE, 5), POL)), [MIN_SIZE]);
  });

  test('property: feeding the data in arbitrary pieces gives the same cuts', () => {
    const next = rng(42);
    const chunker = new Chunker(POL, SMALL);
    for (let round = 0; round < 40; round++) {
      const data = randomData(1 + Math.floor(next() * 40_000), round + 1);
      const whole = lengthsOf(chunkBuffer(data, POL, SMALL));
      assert.deepEqual(streamLengths(chunker, data, randomSplits(data.length, next, 5000)), whole, `round ${round}`);
    }
    const big = randomData(12 * 1024 * 1024, 77);
    const whole = lengthsOf(chunkBuffer(big, POL));
    const defaults = new Chunker(POL);
    for (let round = 0; round < 3; round++) {
      assert.deepEqual(streamLengths(defaults, big, randomSplits(big.length, next, 3 * 1024 * 1024)), whole);
    }
  });

  test('reset starts a new file: a half-scanned file does not affect the next', () => {
    const chunker = new Chunker(POL, SMALL);
    assert.equal(chunker.next(randomData(200, 9)), -1);
    assert.ok(chunker.pending > 0);
    const data = randomData(30_000, 10);
    assert.deepEqual(streamLengths(chunker, data, [data.length]), lengthsOf(chunkBuffer(data, POL, SMALL)));
  });

  test('chunkStream yields the same chunks as chunkBuffer, whole, from pieces of any size', async () => {
    const data = randomData(9 * 1024 * 1024, 2024);
    const expected = chunkBuffer(data, POL).map(sha256);
    const next = rng(7);
    async function* pieces(): AsyncGenerator<Uint8Array> {
      for (let off = 0; off < data.length; ) {
        const size = Math.floor(next() * 3 * 1024 * 1024);
        yield data.slice(off, off + size);
        off += size;
      }
    }
    const got: string[] = [];
    for await (const chunk of chunkStream(pieces(), POL)) {
      assert.ok(Buffer.isBuffer(chunk));
      got.push(sha256(chunk));
    }
    assert.deepEqual(got, expected);
    const none: Buffer[] = [];
    for await (const c of chunkStream([], POL)) none.push(c);
    assert.deepEqual(none, []);
  });

  test('rejects impossible parameters', () => {
    assert.throws(() => new Chunker(POL, { minSize: 10 }), RangeError);
    assert.throws(() => new Chunker(POL, { minSize: 1000, maxSize: 999 }), RangeError);
    assert.throws(() => new Chunker(POL, { averageBits: 0 }), RangeError);
    assert.throws(() => new Chunker(0x3n), RangeError);
  });
});
