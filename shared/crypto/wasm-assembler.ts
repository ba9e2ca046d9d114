// A minimal WebAssembly binary writer, just enough for poly1305-wasm.ts: one memory, one exported function,
// i32/i64 integer instructions. Writing the few bytes of the module from named instructions keeps the hot
// loop reviewable in source form, with no toolchain and no opaque blob in the repository.

/** WebAssembly value types. */
export const I32 = 0x7f;
export const I64 = 0x7e;

/** Unsigned LEB128, for sizes, counts and indices. */
export function uleb(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

/** Signed LEB128, for constants. */
export function sleb(value: bigint): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = Number(value & 0x7fn);
    value >>= 7n;
    const done = (value === 0n && (byte & 0x40) === 0) || (value === -1n && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

/** Instructions, each returning its encoding, so function bodies read as lists of instructions. */
export const op = {
  localGet: (i: number) => [0x20, ...uleb(i)],
  localSet: (i: number) => [0x21, ...uleb(i)],
  localTee: (i: number) => [0x22, ...uleb(i)],
  i32Add: () => [0x6a],
  i32GeU: () => [0x4f],
  i32Const: (v: number) => [0x41, ...sleb(BigInt(v))],
  i64Const: (v: number | bigint) => [0x42, ...sleb(BigInt(v))],
  i64Add: () => [0x7c],
  i64Mul: () => [0x7e],
  i64And: () => [0x83],
  i64Or: () => [0x84],
  i64ShrU: () => [0x88],
  i64ExtendI32U: () => [0xad],
  /** Loads 4 bytes (unaligned allowed) zero-extended to i64. */
  i64Load32U: (offset: number) => [0x35, 0, ...uleb(offset)],
  i64Load: (offset: number) => [0x29, 0, ...uleb(offset)],
  i64Store: (offset: number) => [0x37, 0, ...uleb(offset)],
  block: () => [0x02, 0x40],
  loop: () => [0x03, 0x40],
  br: (depth: number) => [0x0c, ...uleb(depth)],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  end: () => [0x0b],
};

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

function name(text: string): number[] {
  const bytes = [...Buffer.from(text, 'utf8')];
  return [...uleb(bytes.length), ...bytes];
}

/** The one function of a module: its signature, extra locals (all of one type) and body. */
export interface WasmFunction {
  readonly exportName: string;
  readonly params: readonly number[];
  readonly localCount: number;
  readonly localType: number;
  readonly body: readonly number[];
}

/** buildModule encodes a module with `pages` of memory (exported as "memory") and the given function. */
export function buildModule(pages: number, fn: WasmFunction): Uint8Array {
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [1, 0x60, ...uleb(fn.params.length), ...fn.params, 0]),
    ...section(3, [1, 0]),
    ...section(5, [1, 0x00, ...uleb(pages)]),
    ...section(7, [2, ...name(fn.exportName), 0x00, 0, ...name('memory'), 0x02, 0]),
  ];
  const code = [1, ...uleb(fn.localCount), fn.localType, ...fn.body, 0x0b];
  bytes.push(...section(10, [1, ...uleb(code.length), ...code]));
  return Uint8Array.from(bytes);
}
