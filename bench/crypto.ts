// Micro-benchmark of the per-blob hot path, single-threaded, on 1 MiB pieces: seal, open (and their
// AES-CTR and Poly1305 halves), zstd compress and decompress; and Poly1305's two kernels, scalar and
// SIMD, on short to long messages. Run: node --import tsx bench/crypto.ts
import { createCipheriv, createSecretKey, randomBytes } from 'node:crypto';
import { zstdCompress, zstdDecompress, zstdImplementation } from '../shared/compression/index.js';
import { generateMasterKey, open, seal } from '../shared/crypto/index.js';
import { sealInto } from '../shared/crypto/seal.js';
import { poly1305AesTag } from '../shared/crypto/poly1305-aes.js';
import { poly1305 } from '../shared/crypto/poly1305-wasm.js';

const PIECE = 1 << 20;
const TRIALS = 5;
const TRIAL_MS = 300;

/**
 * Runs `fn` repeatedly in TRIALS timed trials of ~TRIAL_MS (after a warm-up) and prints the best trial's
 * MB/s of `bytes` per call: on a shared machine the best trial is the least disturbed one.
 */
function measure(name: string, bytes: number, fn: () => void): void {
  for (let i = 0; i < 5; i++) fn();
  let best = 0;
  for (let trial = 0; trial < TRIALS; trial++) {
    let calls = 0;
    const started = performance.now();
    let elapsed = 0;
    while (elapsed < TRIAL_MS) {
      fn();
      calls++;
      elapsed = performance.now() - started;
    }
    best = Math.max(best, (bytes * calls) / (elapsed / 1000) / 1e6);
  }
  console.log(`${name.padEnd(36)} ${best.toFixed(0).padStart(6)} MB/s`);
}

/** Something like file contents: repetitive words with random choices, about 3:1 under zstd -3. */
function textLike(size: number): Buffer {
  const words = ['backup', 'restic', 'cairn', 'snapshot', '2026-11-26', 'the', 'of', '\n', '    ', '{"id":', '42', 'home'];
  const picks = randomBytes(size);
  const parts: string[] = [];
  for (let i = 0, n = 0; n < size; i++) {
    const w = words[(picks[i] ?? 0) % words.length] ?? '';
    parts.push(w);
    n += w.length;
  }
  return Buffer.from(parts.join('')).subarray(0, size);
}

const key = generateMasterKey();
const random = randomBytes(PIECE);
const text = textLike(PIECE);
const sealed = seal(key, random);
const macK = createSecretKey(key.macK);
const iv = randomBytes(16);

console.log(`node ${process.version}, zstd via ${zstdImplementation()}, pieces of ${PIECE} bytes`);
measure('seal', PIECE, () => seal(key, random));
const pack = Buffer.allocUnsafe(16 * (PIECE + 32));
let packOffset = 0;
measure('sealInto a reused 16-piece buffer', PIECE, () => {
  if (packOffset + PIECE + 32 > pack.length) packOffset = 0;
  packOffset += sealInto(key, random, pack, packOffset);
});
measure('open', PIECE, () => open(key, sealed));
measure('  AES-256-CTR, one 1 MiB update', PIECE, () => createCipheriv('aes-256-ctr', key.encrypt, iv).update(random));
measure('  Poly1305-AES alone', PIECE, () => poly1305AesTag(macK, key.macR, iv, random));
// One key throughout, as restic's fixed r: the SIMD kernel's powers of r stay cached.
const oneTimeKey = randomBytes(32);
for (const size of [1024, 65_536, PIECE, 8 * PIECE]) {
  const message = randomBytes(size);
  for (const kernel of ['scalar', 'simd'] as const) {
    measure(`  Poly1305 ${kernel}, ${size >= PIECE ? `${size / PIECE} MiB` : `${size / 1024} KiB`}`, size, () => poly1305(message, oneTimeKey, kernel));
  }
}
for (const [label, data] of [['text-like', text], ['random', random]] as const) {
  const frame = zstdCompress(data);
  console.log(`zstd -3 on ${label}: ratio ${(data.length / frame.length).toFixed(2)}`);
  measure(`zstd compress -3, ${label}`, PIECE, () => zstdCompress(data));
  measure(`zstd decompress, ${label}`, PIECE, () => zstdDecompress(frame, data.length));
}
const textFrame = zstdCompress(text);
measure('blob write: zstd + seal, text-like', PIECE, () => seal(key, zstdCompress(text)));
const sealedFrame = seal(key, textFrame);
measure('blob read: open + unzstd, text-like', PIECE, () => zstdDecompress(open(key, sealedFrame), PIECE));
