// Poly1305 (RFC 8439) with its block loop in WebAssembly. The MAC runs over every stored byte, and pure
// JavaScript (16-bit limbs, no 64-bit multiply) managed ~160 MB/s here; the same radix-2^26 algorithm as
// poly1305-donna-32, with native i64 multiplies, is several times faster. The loop lives in wasm; key
// setup, the last partial block and the final reduction (once per message) stay in JavaScript.
import { encodeOneFunctionModule, I32, I64, op } from '../wasm/index.js';

// Memory layout: r0..r4 at 0..39, h0..h4 at 40..79 (i64 each), message bytes from MESSAGE_AT on.
// Loads and stores give alignment hint 0 (none promised): the limb loads at m+3, m+6, … are unaligned, and a
// hint never changes results.
const H_AT = 40;
const MESSAGE_AT = 128;
const PAGES = 5;
/** Message bytes copied into wasm memory per call: 256 KiB, a multiple of the 16-byte block. */
const CHUNK = (PAGES - 1) * 65536;

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
  memory: { buffer: ArrayBuffer };
}

// The project's TypeScript lib has no WebAssembly declarations (they live in lib.dom); this is the slice used.
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
}
const { WebAssembly: webAssembly } = globalThis as unknown as { WebAssembly: WebAssemblyApi };

let instance: { exports: Exports; bytes: Uint8Array; words: Uint32Array } | undefined;

function wasm(): NonNullable<typeof instance> {
  if (instance === undefined) {
    const module = new webAssembly.Module(
      encodeOneFunctionModule({ exportName: 'blocks', params: [I32, I32, I32], locals: [[21, I64]], body: blocksBody(), memoryPages: PAGES }),
    );
    const exports = new webAssembly.Instance(module).exports as unknown as Exports;
    instance = { exports, bytes: new Uint8Array(exports.memory.buffer), words: new Uint32Array(exports.memory.buffer) };
  }
  return instance;
}

const le32 = (b: Uint8Array, at: number): number => ((b[at] ?? 0) | ((b[at + 1] ?? 0) << 8) | ((b[at + 2] ?? 0) << 16) | ((b[at + 3] ?? 0) << 24)) >>> 0;

const P = (1n << 130n) - 5n;

/** poly1305 returns the 16-byte tag of `message` under the one-time key `key` = r (16 bytes) || s (16 bytes). */
export function poly1305(message: Uint8Array, key: Uint8Array): Uint8Array {
  const { exports, bytes, words } = wasm();
  // r's limbs, clamped by the masks (poly1305-donna's), then h = 0; the high word of each i64 is zero.
  const r = [le32(key, 0) & 0x3ffffff, (le32(key, 3) >>> 2) & 0x3ffff03, (le32(key, 6) >>> 4) & 0x3ffc0ff, (le32(key, 9) >>> 6) & 0x3f03fff, (le32(key, 12) >>> 8) & 0x00fffff];
  words.fill(0, 0, H_AT / 4 + 10);
  r.forEach((limb, i) => (words[2 * i] = limb));

  const full = message.length - (message.length % 16);
  for (let at = 0; at < full; at += CHUNK) {
    const n = Math.min(CHUNK, full - at);
    bytes.set(message.subarray(at, at + n), MESSAGE_AT);
    exports.blocks(MESSAGE_AT, MESSAGE_AT + n, 1 << 24);
  }
  if (full < message.length) {
    // The last partial block is padded with a single 1 byte and zeros, and gets no 2^128 bit.
    bytes.fill(0, MESSAGE_AT, MESSAGE_AT + 16);
    bytes.set(message.subarray(full), MESSAGE_AT);
    bytes[MESSAGE_AT + message.length - full] = 1;
    exports.blocks(MESSAGE_AT, MESSAGE_AT + 16, 0);
  }

  let h = 0n;
  for (let i = 4; i >= 0; i--) h = (h << 26n) + BigInt(words[H_AT / 4 + 2 * i] ?? 0);
  let s = 0n;
  for (let i = 15; i >= 0; i--) s = (s << 8n) | BigInt(key[16 + i] ?? 0);
  let tag = ((h % P) + s) & ((1n << 128n) - 1n);
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++, tag >>= 8n) out[i] = Number(tag & 0xffn);
  return out;
}
