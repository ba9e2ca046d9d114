// The hashing kernel: the one loop where the chunker spends its time, slides the 64-byte Rabin window over
// the bytes and stops at the first position whose fingerprint has its low `maskBits` bits all zero. It is a
// small WebAssembly function built at run time (shared/wasm): the 53-bit state and its 61-bit shifted
// form need 64-bit integers, which JS only has as slow BigInts; the best JS variant (state split into two
// 32-bit halves, same two-byte step) measured 1.6–1.9x slower in CPU time on this machine than this kernel.
//
// Speed comes from the data dependency, not the instruction count: one byte at a time, each step waits for
// a table load indexed by the previous step's top byte. The kernel moves two bytes per step with two
// independent loads (the top two bytes reduce separately, by linearity), and computes the in-between
// fingerprint only for the cut test, off the dependency chain.
import { type RabinTables } from './tables.js';
import { encodeOneFunctionModule, I32, I64, op } from '../wasm/index.js';

// Memory layout of one kernel instance (bytes).
const HIGH = 0; // reduceHigh, 256 × u64
const LOW = 2048; // reduceLow
const FAR = 4096; // outFar
const NEAR = 6144; // outNear
const STATE = 8192; // the fingerprint d, u64
const WINDOW = 8256; // the 64 bytes before the slice: the window's content when the slice starts
const SLICE = WINDOW + 64; // the bytes being scanned
/** Bytes scanned per kernel call; the input is copied into the instance's memory in slices this big. */
const SLICE_SIZE = 512 * 1024;
const PAGES = Math.ceil((SLICE + SLICE_SIZE) / 65536);

// The WebAssembly API the kernel needs. Node has it globally, but the project's type libraries (ES2023, no DOM)
// do not declare it, so it is typed here rather than through a global declaration others might clash with.
interface WasmInstance {
  readonly exports: Record<string, unknown>;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => WasmInstance;
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

const modules = new Map<string, object>();

/**
 * kernelModule builds (once per degree and mask) `scan(p, end) → i32`: hash the bytes at addresses
 * p+64 … end−1, where the window's oldest byte for the first of them is at p, continuing from the
 * fingerprint at STATE. Returns the address just past the first byte after which the fingerprint's masked bits
 * are zero, or −1 when there is none; either way the fingerprint reached is stored back at STATE.
 */
function kernelModule(degree: number, maskBits: number): object {
  const key = `${degree}/${maskBits}`;
  const cached = modules.get(key);
  if (cached !== undefined) return cached;

  const [p, end, d, e, a, o1, d1] = [0, 1, 2, 3, 4, 5, 6];
  const mask = op.i64Const((1n << BigInt(maskBits)) - 1n);
  // Table offset (byte × 8) of the byte at bits [low, low+8) of the i64 on the stack, in as few steps as possible:
  // these steps are on the dependency chain from one fingerprint to the next.
  const byteOffset = (low: number) =>
    low >= 3
      ? [...op.i64Const(low - 3), ...op.i64ShrU, ...op.i32WrapI64, ...op.i32Const(0x7f8), ...op.i32And]
      : [...op.i64Const(low), ...op.i64ShrU, ...op.i32WrapI64, ...op.i32Const(0xff), ...op.i32And, ...op.i32Const(3), ...op.i32Shl];
  // The top byte of d (< 2^degree), and the byte below it in e = d·x^8 + next byte: for degree ≥ 16 the next
  // byte does not reach it, so it is read from d, one step earlier on the chain.
  const topOfD = [...op.localGet(d), ...byteOffset(degree - 8)];
  const secondOfE = degree >= 16 ? [...op.localGet(d), ...byteOffset(degree - 16)] : [...op.localGet(e), ...byteOffset(degree - 8)];
  const storeState = (local: number) => [...op.i32Const(0), ...op.localGet(local), ...op.i64Store(STATE)];
  const returnIfCut = (local: number, pastCut: number[]) => [
    ...op.localGet(local), ...mask, ...op.i64And, ...op.i64Eqz, ...op.if,
    ...storeState(local), ...pastCut, ...op.return,
    ...op.end,
  ];
  const body = [
    ...op.i32Const(0), ...op.i64Load(STATE), ...op.localSet(d),
    ...op.block, ...op.loop,
    // two bytes left? (addresses p+64 and p+65 must be below end)
    ...op.localGet(p), ...op.i32Const(65), ...op.i32Add, ...op.localGet(end), ...op.i32GeU, ...op.brIf(1),
    // e = d·x^8 + next byte (not yet reduced: its top byte is a)
    ...op.localGet(d), ...op.i64Const(8), ...op.i64Shl, ...op.localGet(p), ...op.i64Load8U(64), ...op.i64Or, ...op.localSet(e),
    ...topOfD, ...op.localSet(a),
    ...op.localGet(p), ...op.i32Load8U(0), ...op.i32Const(3), ...op.i32Shl, ...op.localSet(o1),
    // the fingerprint after one byte, for the cut test only
    ...op.localGet(e), ...op.localGet(a), ...op.i64Load(LOW), ...op.i64Xor,
    ...op.localGet(o1), ...op.i64Load(NEAR), ...op.i64Xor, ...op.localSet(d1),
    ...returnIfCut(d1, [...op.localGet(p), ...op.i32Const(65), ...op.i32Add]),
    // the fingerprint after two bytes, straight from d: e·x^8 + byte, its top two bytes reduced separately;
    // the outgoing bytes first, so the two reductions, which wait for d, come last
    ...op.localGet(e), ...op.i64Const(8), ...op.i64Shl, ...op.localGet(p), ...op.i64Load8U(65), ...op.i64Or,
    ...op.localGet(o1), ...op.i64Load(FAR), ...op.i64Xor,
    ...op.localGet(p), ...op.i32Load8U(1), ...op.i32Const(3), ...op.i32Shl, ...op.i64Load(NEAR), ...op.i64Xor,
    ...op.localGet(a), ...op.i64Load(HIGH), ...secondOfE, ...op.i64Load(LOW), ...op.i64Xor, ...op.i64Xor,
    ...op.localSet(d),
    ...op.localGet(p), ...op.i32Const(2), ...op.i32Add, ...op.localSet(p),
    ...returnIfCut(d, [...op.localGet(p), ...op.i32Const(64), ...op.i32Add]),
    ...op.br(0),
    ...op.end, ...op.end,
    // at most one byte left
    ...op.localGet(p), ...op.i32Const(64), ...op.i32Add, ...op.localGet(end), ...op.i32LtU, ...op.if,
    ...op.localGet(d), ...op.i64Const(8), ...op.i64Shl, ...op.localGet(p), ...op.i64Load8U(64), ...op.i64Or,
    ...topOfD, ...op.i64Load(LOW), ...op.i64Xor,
    ...op.localGet(p), ...op.i32Load8U(0), ...op.i32Const(3), ...op.i32Shl, ...op.i64Load(NEAR), ...op.i64Xor,
    ...op.localSet(d),
    ...op.localGet(p), ...op.i32Const(1), ...op.i32Add, ...op.localSet(p),
    ...returnIfCut(d, [...op.localGet(p), ...op.i32Const(64), ...op.i32Add]),
    ...op.end,
    ...storeState(d), ...op.i32Const(-1),
  ];
  const bytes = encodeOneFunctionModule({
    exportName: 'scan',
    params: [I32, I32],
    results: [I32],
    locals: [[2, I64], [2, I32], [1, I64]],
    body,
    memoryPages: PAGES,
  });
  const module = new wasm.Module(bytes);
  modules.set(key, module);
  return module;
}

/**
 * RabinKernel is one hashing state: the fingerprint of the current window and the window itself, kept in
 * its own WebAssembly memory (~0.6 MiB). One per Chunker; the module itself is compiled once per degree.
 */
export class RabinKernel {
  readonly #scan: (p: number, end: number) => number;
  readonly #heap: Uint8Array;
  readonly #state: Int32Array;

  constructor(tables: RabinTables, maskBits: number) {
    const instance = new wasm.Instance(kernelModule(tables.degree, maskBits));
    const memory = instance.exports['memory'] as { readonly buffer: ArrayBuffer };
    this.#scan = instance.exports['scan'] as (p: number, end: number) => number;
    this.#heap = new Uint8Array(memory.buffer);
    const words = new BigUint64Array(memory.buffer, 0, 1024);
    words.set(tables.reduceHigh, HIGH / 8);
    words.set(tables.reduceLow, LOW / 8);
    words.set(tables.outFar, FAR / 8);
    words.set(tables.outNear, NEAR / 8);
    this.#state = new Int32Array(memory.buffer, STATE, 2);
    this.restart();
  }

  /** restart empties the window (all zero bytes) and sets the fingerprint to 0, its value for that window. */
  restart(): void {
    this.#heap.fill(0, WINDOW, SLICE);
    this.#state[0] = 0;
    this.#state[1] = 0;
  }

  /**
   * scan slides the window over data[start..end) and returns the index just past the first byte at index
   * ≥ firstCut − 1 after which the fingerprint's masked bits are zero (a cut point), or −1 if there is none.
   * After −1 the state has absorbed all of data[start..end); after a cut the state is undefined (restart).
   */
  scan(data: Uint8Array, start: number, end: number, firstCut: number): number {
    const heap = this.#heap;
    while (start < end) {
      const length = Math.min(end - start, SLICE_SIZE);
      heap.set(data.subarray(start, start + length), SLICE);
      const sliceEnd = SLICE + length;
      let p = WINDOW;
      for (;;) {
        const past = this.#scan(p, sliceEnd);
        if (past < 0) break;
        const cut = start + (past - SLICE);
        if (cut >= firstCut) return cut;
        p = past - 64; // a cut the caller must ignore (chunk still too short): continue after it
      }
      heap.copyWithin(WINDOW, sliceEnd - 64, sliceEnd);
      start += length;
    }
    return -1;
  }
}
