// A minimal WebAssembly binary writer: value types, LEB128 immediates, the integer and SIMD instructions our
// kernels use, and one builder for a module with one memory and a few exported functions. It exists so that
// the few hot loops worth a native 64-bit integer or vector path (the chunker's Rabin scan, Poly1305's block
// loops) are written as lists of named instructions in TypeScript and encoded at run time: reviewable in
// source form, with no toolchain to install and no opaque .wasm blob in the repository. Instruction names
// follow the text format.

/** A WebAssembly value type: the integer types and the 128-bit SIMD vector, all the kernels need. */
export type ValueType = typeof I32 | typeof I64 | typeof V128;
export const I32 = 0x7f;
export const I64 = 0x7e;
export const V128 = 0x7b;

/** Unsigned LEB128, for sizes, counts, indices and offsets: n must be a non-negative safe integer. */
function uleb(n: number): number[] {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`unsigned LEB128 needs a non-negative integer, got ${n}`);
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n = Math.floor(n / 128);
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** Signed LEB128, for constants: any integer that fits the constant's type (i32 or i64). */
function sleb(value: number | bigint): number[] {
  let n = BigInt(value);
  const out: number[] = [];
  for (;;) {
    const byte = Number(n & 0x7fn);
    n >>= 7n;
    const done = (n === 0n && (byte & 0x40) === 0) || (n === -1n && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

/** A load or store: opcode, alignment hint (log2 of bytes; a hint only, never changes results), offset. */
const memory = (opcode: number, naturalAlign: number) => (offset: number, alignLog2 = naturalAlign) => [
  opcode,
  ...uleb(alignLog2),
  ...uleb(offset),
];

/** A SIMD instruction: the prefix byte 0xfd, then its opcode in LEB128 (two bytes from 0x80 on). */
const simd = (opcode: number): number[] => [0xfd, ...uleb(opcode)];

/** Exactly `count` immediate bytes, each 0..limit-1: a v128 constant's bytes or a shuffle's lane indices. */
function immediateBytes(bytes: readonly number[], count: number, limit: number): number[] {
  if (bytes.length !== count || bytes.some((b) => !Number.isInteger(b) || b < 0 || b >= limit)) {
    throw new RangeError(`expected ${count} immediate bytes below ${limit}, got [${bytes.join(', ')}]`);
  }
  return [...bytes];
}

/**
 * The instructions, in opcode order: those without immediates are their bytes, the others functions of
 * their immediates returning bytes, so that a function body reads as a list of instructions. Blocks have
 * no result type; loads and stores take an offset and optionally an alignment hint (default: natural).
 */
export const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  if: [0x04, 0x40],
  end: [0x0b],
  br: (depth: number) => [0x0c, ...uleb(depth)],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  return: [0x0f],
  localGet: (i: number) => [0x20, ...uleb(i)],
  localSet: (i: number) => [0x21, ...uleb(i)],
  localTee: (i: number) => [0x22, ...uleb(i)],
  i64Load: memory(0x29, 3),
  i32Load8U: memory(0x2d, 0),
  i64Load8U: memory(0x31, 0),
  i64Load32U: memory(0x35, 2),
  i64Store: memory(0x37, 3),
  i32Const: (n: number) => [0x41, ...sleb(n)],
  i64Const: (n: number | bigint) => [0x42, ...sleb(n)],
  i32LtU: [0x49],
  i32GeU: [0x4f],
  i64Eqz: [0x50],
  i32Add: [0x6a],
  i32And: [0x71],
  i32Shl: [0x74],
  i64Add: [0x7c],
  i64Mul: [0x7e],
  i64And: [0x83],
  i64Or: [0x84],
  i64Xor: [0x85],
  i64Shl: [0x86],
  i64ShrU: [0x88],
  i32WrapI64: [0xa7],
  i64ExtendI32S: [0xac],
  i64ExtendI32U: [0xad],

  // SIMD (0xfd prefix). Lane-wise unless said otherwise; i32x4 lane 0 is the lowest-addressed 4 bytes.
  v128Load: (offset: number, alignLog2 = 4) => [...simd(0x00), ...uleb(alignLog2), ...uleb(offset)],
  /** A constant from its 16 bytes in memory order. */
  v128Const: (bytes: readonly number[]) => [...simd(0x0c), ...immediateBytes(bytes, 16, 256)],
  /** Byte i of the result is byte lanes[i] of a‖b (0..15 from a, 16..31 from b). */
  i8x16Shuffle: (lanes: readonly number[]) => [...simd(0x0d), ...immediateBytes(lanes, 16, 32)],
  i32x4Splat: simd(0x11),
  i32x4ExtractLane: (lane: number) => [...simd(0x1b), ...immediateBytes([lane], 1, 4)],
  i32x4ReplaceLane: (lane: number) => [...simd(0x1c), ...immediateBytes([lane], 1, 4)],
  v128And: simd(0x4e),
  v128Or: simd(0x50),
  i16x8Add: simd(0x8e),
  i32x4Shl: simd(0xab),
  i32x4ShrS: simd(0xac),
  i32x4ShrU: simd(0xad),
  i32x4Add: simd(0xae),
  /** Multiplies the signed i16 lanes pairwise and adds neighbours: lane k = a[2k]·b[2k] + a[2k+1]·b[2k+1], as i32. */
  i32x4DotI16x8S: simd(0xba),
} as const;

/** One exported function: its export name, signature, locals and body. */
export interface ModuleFunction {
  readonly exportName: string;
  readonly params: readonly ValueType[];
  /** @default [] (the function returns nothing) */
  readonly results?: readonly ValueType[];
  /** Locals after the parameters (numbered on from them), as [count, type] runs. */
  readonly locals: ReadonlyArray<readonly [number, ValueType]>;
  /** The instructions, without the function's final `end`. */
  readonly body: readonly number[];
}

/** What encodeModule needs: the functions, and the memory they share. */
export interface ModuleDefinition {
  /** Numbered from 0 in this order, each exported under its own name. */
  readonly functions: readonly ModuleFunction[];
  /** Initial size of the module's memory in 64 KiB pages; it has no maximum, so it can grow. */
  readonly memoryPages: number;
}

/** What encodeOneFunctionModule needs: one function and the memory size. */
export interface OneFunctionModule extends ModuleFunction {
  readonly memoryPages: number;
}

function section(id: number, body: readonly number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

function vector(items: ReadonlyArray<readonly number[]>): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function name(text: string): number[] {
  const bytes = [...Buffer.from(text, 'utf8')];
  return [...uleb(bytes.length), ...bytes];
}

/**
 * encodeModule encodes a module that defines one memory and the given functions and exports them all: each
 * function under its exportName, the memory as "memory". Nothing is imported, so it instantiates alone.
 */
export function encodeModule(m: ModuleDefinition): Uint8Array {
  // One type per function, in function order (a type section may repeat a signature).
  const types = m.functions.map((f) => {
    const results = f.results ?? [];
    return [0x60, ...uleb(f.params.length), ...f.params, ...uleb(results.length), ...results];
  });
  const codes = m.functions.map((f) => {
    const code = [...vector(f.locals.map(([count, type]) => [...uleb(count), type])), ...f.body, ...op.end];
    return [...uleb(code.length), ...code];
  });
  const exports = m.functions.map((f, i) => [...name(f.exportName), 0x00, ...uleb(i)]);
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
    ...section(1, vector(types)),
    ...section(3, vector(m.functions.map((_, i) => uleb(i)))), // functions: function i has type i
    ...section(5, vector([[0x00, ...uleb(m.memoryPages)]])), // memories: minimum only
    ...section(7, vector([...exports, [...name('memory'), 0x02, 0]])),
    ...section(10, vector(codes)),
  ]);
}

/** encodeOneFunctionModule is encodeModule for a single function. */
export function encodeOneFunctionModule(m: OneFunctionModule): Uint8Array {
  return encodeModule({ functions: [m], memoryPages: m.memoryPages });
}
