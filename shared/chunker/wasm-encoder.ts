// A minimal WebAssembly binary writer: just enough of the format (one function type, one exported function,
// one exported memory, LEB128 immediates) to build the chunker's hashing kernel at run time from readable
// TypeScript instead of shipping an opaque .wasm blob. Instruction names follow the WebAssembly text format.

/** Value types. */
export const I32 = 0x7f;
export const I64 = 0x7e;

/** Unsigned LEB128 of a non-negative integer below 2^32. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 of any 64-bit integer. */
export function sleb(value: number | bigint): number[] {
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

/** The instructions the kernel uses, each returning its encoded bytes. */
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
  i64Load: (offset: number) => [0x29, 3, ...uleb(offset)],
  i32Load8U: (offset: number) => [0x2d, 0, ...uleb(offset)],
  i64Load8U: (offset: number) => [0x31, 0, ...uleb(offset)],
  i64Store: (offset: number) => [0x37, 3, ...uleb(offset)],
  i32Const: (n: number) => [0x41, ...sleb(n)],
  i64Const: (n: number | bigint) => [0x42, ...sleb(n)],
  i32LtU: [0x49],
  i32GeU: [0x4f],
  i64Eqz: [0x50],
  i32Add: [0x6a],
  i32And: [0x71],
  i32Shl: [0x74],
  i64And: [0x83],
  i64Or: [0x84],
  i64Xor: [0x85],
  i64Shl: [0x86],
  i64ShrU: [0x88],
  i32WrapI64: [0xa7],
} as const;

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

function vector(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function name(s: string): number[] {
  const bytes = [...Buffer.from(s, 'utf8')];
  return [...uleb(bytes.length), ...bytes];
}

/** What moduleWithOneFunction needs: the function's signature, locals, body and export names. */
export interface OneFunctionModule {
  params: number[];
  results: number[];
  /** Extra locals after the parameters, as [count, type] runs. */
  locals: Array<[number, number]>;
  /** The instructions, without the function's final `end`. */
  body: number[];
  functionName: string;
  memoryName: string;
  /** Initial memory size in 64 KiB pages. */
  memoryPages: number;
}

/** moduleWithOneFunction encodes a module that exports one function and its own (growable) memory. */
export function moduleWithOneFunction(m: OneFunctionModule): Uint8Array {
  const funcType = [0x60, ...uleb(m.params.length), ...m.params, ...uleb(m.results.length), ...m.results];
  const code = [...vector(m.locals.map(([count, type]) => [...uleb(count), type])), ...m.body, ...op.end];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
    ...section(1, vector([funcType])),
    ...section(3, vector([[0]])),
    ...section(5, vector([[0x00, ...uleb(m.memoryPages)]])),
    ...section(7, vector([[...name(m.functionName), 0x00, 0], [...name(m.memoryName), 0x02, 0]])),
    ...section(10, vector([[...uleb(code.length), ...code]])),
  ]);
}
