// Poly1305 (RFC 8439) with its block loops in WebAssembly. The MAC runs over every stored byte, and pure
// JavaScript (16-bit limbs, no 64-bit multiply) managed ~160 MB/s here; the scalar kernel below, the
// radix-2^26 algorithm of poly1305-donna-32 with native i64 multiplies, ~1.7 GB/s; the SIMD kernel
// (poly1305-simd.ts, four blocks at a time) ~3.4 GB/s on long messages (bench/crypto.ts). The loops live
// in wasm; key setup, the last partial block and the final reduction (once per message) stay in
// JavaScript, in plain 32-bit integer arithmetic: BigInt there cost ~1 µs per message.
import { encodeModule, I32, I64, op, type ModuleFunction } from '../wasm/index.js';
import { blocks4Function, POWERS_SIZE, writePowers } from './poly1305-simd.js';

// Memory layout: r0..r4 at 0..39, h0..h4 at 40..79 (i64 each), the SIMD kernel's powers of r from
// POWERS_AT, message bytes from MESSAGE_AT on. Scalar loads and stores give alignment hint 0 (none
// promised): the limb loads at m+3, m+6, … are unaligned, and a hint never changes results.
const H_AT = 40;
const POWERS_AT = 128;
const MESSAGE_AT = POWERS_AT + POWERS_SIZE;
const PAGES = 5;
/** Message bytes copied into wasm memory per call: 256 KiB, a multiple of the SIMD kernel's 64-byte step. */
const CHUNK = (PAGES - 1) * 65536;
/** By default, from this many bytes of full blocks the SIMD kernel runs, once r's powers are in its table; … */
const SIMD_FROM = 128;
/** … and from this many it pays to compute them first (~1.5 µs here, the scalar kernel's time for ~3 KiB). */
const POWERS_FROM = 8192;

const MASK26 = 0x3ffffff;
// Parameters and locals of `blocks(m, end, hibit)`.
const [M, END, HIBIT] = [0, 1, 2];
const R = [3, 4, 5, 6, 7];
const S = [0, 8, 9, 10, 11]; // s_i = 5·r_i; s0 is never used
const H = [12, 13, 14, 15, 16];
const D = [17, 18, 19, 20, 21];
const C = 22;
const HIBIT64 = 23;

/** d_i = Σ h_j · (r_{i-j} or s_{5+i-j}): the schoolbook product, reduced by 2^130 ≡ 5. */
function product(i: number): number[] {
  const out: number[] = [];
  for (let j = 0; j < 5; j++) {
    const factor = j <= i ? R[i - j]! : S[5 + i - j]!;
    out.push(...op.localGet(H[j]!), ...op.localGet(factor), ...op.i64Mul);
    if (j > 0) out.push(...op.i64Add);
  }
  return out;
}

/** Adds one 26-bit limb of the block at m (bytes `byte`.., shifted right by `shift`) into h_i. */
function absorbLimb(i: number, byte: number, shift: number, last: boolean): number[] {
  return [
    ...op.localGet(H[i]!),
    ...op.localGet(M),
    ...op.i64Load32U(byte, 0),
    ...op.i64Const(shift),
    ...op.i64ShrU,
    ...(last ? [...op.localGet(HIBIT64), ...op.i64Or] : [...op.i64Const(MASK26), ...op.i64And]),
    ...op.i64Add,
    ...op.localSet(H[i]!),
  ];
}

/** c = d_i >> 26 (after adding the previous carry), h_i = d_i & mask. */
function carry(i: number): number[] {
  return [
    ...op.localGet(D[i]!),
    ...(i > 0 ? [...op.localGet(C), ...op.i64Add] : []),
    ...op.localTee(D[i]!),
    ...op.i64Const(26),
    ...op.i64ShrU,
    ...op.localSet(C),
    ...op.localGet(D[i]!),
    ...op.i64Const(MASK26),
    ...op.i64And,
    ...op.localSet(H[i]!),
  ];
}

function blocksBody(): number[] {
  const body: number[] = [];
  for (let i = 0; i < 5; i++) body.push(...op.i32Const(0), ...op.i64Load(8 * i, 0), ...op.localSet(R[i]!));
  for (let i = 1; i < 5; i++) body.push(...op.localGet(R[i]!), ...op.i64Const(5), ...op.i64Mul, ...op.localSet(S[i]!));
  for (let i = 0; i < 5; i++) body.push(...op.i32Const(0), ...op.i64Load(H_AT + 8 * i, 0), ...op.localSet(H[i]!));
  body.push(...op.localGet(HIBIT), ...op.i64ExtendI32U, ...op.localSet(HIBIT64));
  body.push(...op.block, ...op.loop);
  body.push(...op.localGet(M), ...op.localGet(END), ...op.i32GeU, ...op.brIf(1));
  body.push(...absorbLimb(0, 0, 0, false), ...absorbLimb(1, 3, 2, false), ...absorbLimb(2, 6, 4, false));
  body.push(...absorbLimb(3, 9, 6, false), ...absorbLimb(4, 12, 8, true));
  for (let i = 0; i < 5; i++) body.push(...product(i), ...op.localSet(D[i]!));
  for (let i = 0; i < 5; i++) body.push(...carry(i));
  // h0 += 5·c folds the carry out of limb 4 back in (2^130 ≡ 5); then one more carry into h1.
  body.push(...op.localGet(H[0]!), ...op.localGet(C), ...op.i64Const(5), ...op.i64Mul, ...op.i64Add, ...op.localSet(D[0]!));
  body.push(...op.localGet(H[1]!), ...op.localGet(D[0]!), ...op.i64Const(26), ...op.i64ShrU, ...op.i64Add, ...op.localSet(H[1]!));
  body.push(...op.localGet(D[0]!), ...op.i64Const(MASK26), ...op.i64And, ...op.localSet(H[0]!));
  body.push(...op.localGet(M), ...op.i32Const(16), ...op.i32Add, ...op.localSet(M), ...op.br(0));
  body.push(...op.end, ...op.end);
  for (let i = 0; i < 5; i++) body.push(...op.i32Const(0), ...op.localGet(H[i]!), ...op.i64Store(H_AT + 8 * i, 0));
  return body;
}

interface Exports {
  blocks(m: number, end: number, hibit: number): void;
  /** Only where the engine has WebAssembly SIMD. */
  blocks4?: (m: number, end: number) => void;
  memory: { buffer: ArrayBuffer };
}

// The project's TypeScript lib has no WebAssembly declarations (they live in lib.dom); this is the slice used.
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
}
const { WebAssembly: webAssembly } = globalThis as unknown as { WebAssembly: WebAssemblyApi };

interface Instance {
  exports: Exports;
  bytes: Uint8Array;
  words: Uint32Array;
  /** The clamped r whose powers are in the table, if any: restic's r is fixed per repository key. */
  powersOf?: readonly number[];
}
let instance: Instance | undefined;

function wasm(): Instance {
  if (instance === undefined) {
    const scalarFunction: ModuleFunction = { exportName: 'blocks', params: [I32, I32, I32], locals: [[21, I64]], body: blocksBody() };
    // Engines without SIMD (V8 on an x86 CPU lacking SSE4.1, for one) reject the module; the scalar kernel
    // alone then does all the work.
    let module: object;
    try {
      module = new webAssembly.Module(encodeModule({ functions: [scalarFunction, blocks4Function(H_AT, POWERS_AT)], memoryPages: PAGES }));
    } catch {
      module = new webAssembly.Module(encodeModule({ functions: [scalarFunction], memoryPages: PAGES }));
    }
    const exports = new webAssembly.Instance(module).exports as unknown as Exports;
    instance = { exports, bytes: new Uint8Array(exports.memory.buffer), words: new Uint32Array(exports.memory.buffer) };
  }
  return instance;
}

const le32 = (b: Uint8Array, at: number): number => ((b[at] ?? 0) | ((b[at + 1] ?? 0) << 8) | ((b[at + 2] ?? 0) << 16) | ((b[at + 3] ?? 0) << 24)) >>> 0;

/**
 * The tag from h's five limbs (each below 2^27) and s: h mod p, plus s, mod 2^128, little-endian. Every
 * intermediate fits 32 bits, so plain integer arithmetic does.
 */
function finish(h: number[], key: Uint8Array): Uint8Array {
  // Two carry passes leave every limb below 2^26: the first leaves h0 at most 5·4 over; in the second a
  // carry can only come around again (5 more) if it started from h0, which it left below 2^5.
  for (let pass = 0; pass < 2; pass++) {
    let c = 0;
    for (let i = 0; i < 5; i++) {
      const t = h[i]! + c;
      c = t >>> 26;
      h[i] = t & MASK26;
    }
    h[0]! += 5 * c;
  }
  // h < 2^130 now, so h mod p is h, or h − p = h + 5 − 2^130 if that is not negative.
  const g = [0, 0, 0, 0, 0];
  let c = 5;
  for (let i = 0; i < 5; i++) {
    const t = h[i]! + c;
    c = t >>> 26;
    g[i] = t & MASK26;
  }
  const [h0, h1, h2, h3, h4] = c > 0 ? g : h;
  const words = [h0! | (h1! << 26), (h1! >>> 6) | (h2! << 20), (h2! >>> 12) | (h3! << 14), (h3! >>> 18) | (h4! << 8)];
  const out = new Uint8Array(16);
  let carry = 0;
  for (let i = 0; i < 4; i++) {
    const sum = (words[i]! >>> 0) + le32(key, 16 + 4 * i) + carry;
    carry = sum > 0xffffffff ? 1 : 0;
    for (let b = 0; b < 4; b++) out[4 * i + b] = (sum >>> (8 * b)) & 0xff;
  }
  return out;
}

/** The clamped r as five 26-bit limbs (poly1305-donna's masks). */
const clampedR = (key: Uint8Array): number[] => [
  le32(key, 0) & 0x3ffffff,
  (le32(key, 3) >>> 2) & 0x3ffff03,
  (le32(key, 6) >>> 4) & 0x3ffc0ff,
  (le32(key, 9) >>> 6) & 0x3f03fff,
  (le32(key, 12) >>> 8) & 0x00fffff,
];

/**
 * Which kernel takes the full blocks: `auto` picks by length (the SIMD kernel where there is one and it
 * pays), `scalar` and `simd` force one, for tests and benchmarks (`simd` still leaves the blocks after the
 * last whole 64-byte step to the scalar kernel, and is `scalar` where SIMD is missing).
 */
export type Poly1305Kernel = 'auto' | 'scalar' | 'simd';

/**
 * poly1305 returns the 16-byte tag of `message` under the one-time key `key` = r (16 bytes) || s (16 bytes).
 */
export function poly1305(message: Uint8Array, key: Uint8Array, kernel: Poly1305Kernel = 'auto'): Uint8Array {
  const wasmInstance = wasm();
  const { exports, bytes, words } = wasmInstance;
  // r's limbs, then h = 0; the high word of each i64 is zero.
  const r = clampedR(key);
  words.fill(0, 0, H_AT / 4 + 10);
  for (let i = 0; i < 5; i++) words[2 * i] = r[i]!;

  const length = message.length;
  const full = length - (length % 16);
  // The SIMD kernel takes whole 64-byte steps, the scalar one the remaining full blocks.
  const { blocks4 } = exports;
  const cached = wasmInstance.powersOf;
  const powersReady = cached !== undefined && r.every((limb, i) => limb === cached[i]);
  const simdFrom = kernel === 'auto' ? (powersReady ? SIMD_FROM : POWERS_FROM) : kernel === 'simd' ? 64 : Infinity;
  const stepped = blocks4 !== undefined && full >= simdFrom ? full - (full % 64) : 0;
  if (stepped > 0 && !powersReady) {
    writePowers(words, POWERS_AT, r);
    wasmInstance.powersOf = r;
  }
  // The message goes through wasm memory a chunk at a time (whole when it fits: a subarray costs more than
  // copying a short message), each chunk's share of the stepped, full and partial blocks hashed in turn.
  for (let at = 0; at < length; at += CHUNK) {
    const end = Math.min(at + CHUNK, length);
    bytes.set(at === 0 && end === length ? message : message.subarray(at, end), MESSAGE_AT);
    const base = MESSAGE_AT - at; // where message byte 0 would be
    if (at < stepped) blocks4!(MESSAGE_AT, base + Math.min(end, stepped));
    const from = Math.max(at, stepped);
    const to = Math.min(end, full);
    if (from < to) exports.blocks(base + from, base + to, 1 << 24);
    if (end > full) {
      // The last partial block is padded with a single 1 byte and zeros, and gets no 2^128 bit.
      bytes[base + length] = 1;
      bytes.fill(0, base + length + 1, base + full + 16);
      exports.blocks(base + full, base + full + 16, 0);
    }
  }
  const h = H_AT / 4;
  return finish([words[h]!, words[h + 2]!, words[h + 4]!, words[h + 6]!, words[h + 8]!], key);
}

/** hasSimdKernel tells whether this engine compiled the SIMD kernel (else the scalar one does all the work). */
export function hasSimdKernel(): boolean {
  return wasm().exports.blocks4 !== undefined;
}
