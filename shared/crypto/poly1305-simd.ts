// Poly1305's block loop four blocks at a time, in WebAssembly SIMD. The scalar kernel (poly1305-wasm.ts)
// waits on each block's multiply and carry chain before the next block can start; here four accumulators,
// one per i32x4 lane, each take every fourth block and multiply by r^4, so their chains run side by side.
//
// Lane j holds Σ m_{4t+j} · r^(4·(T−t)) after T steps with r^4. The message polynomial wants block 4t+j
// weighted r^(4·(T−t)−j), so the last step multiplies lane j by r^(4−j) instead (the "last" table); the
// four lanes then add up to the Horner result. The running h enters through lane 0 and leaves as the lane
// sum, in the scalar kernel's five 26-bit limbs, so the two kernels continue each other's state.
//
// The multiplies are i32x4.dot_i16x8_s (x86 pmaddwd): eight 16×16-bit products and four sums in one
// instruction, where a 32×32→64 multiply (i64x2.extmul) gives two products and V8 adds two shuffles to
// each. That means radix 2^13 (ten limbs, 100 products per block) and sums that must fit a signed i32:
//   - r's power is kept in balanced limbs, |ρ| ≤ 2^12 + 5, so that 5ρ (the wrap, 2^130 ≡ 5) fits an i16;
//   - h's limbs are carried to [0, 2^13) (limb 1 within ±160 of it), and so are the message's, so h + m
//     would reach 2^14; but the factor x = h + m − o, with o = (8187, 8191, …, 8191) the radix-2^13 digits
//     of p itself, is the same number mod p and has |x| ≤ 8352;
//   - the largest sum, d_0 = x_0·ρ_0 + Σ_{j≥1} x_j·5ρ_{10−j}, is then ≤ 8352 · (4101 + 9 · 20505) < 1.58e9,
//     below 2^31 ≈ 2.15e9 with the carries added.
// Each i32 lane of the vector X_k holds the pair (x_{2k}, x_{2k+1}) as two i16, and the multiplier vector
// Y holds (y_{i−2k}, y_{i−2k−1}) with y_e = ρ_e, or 5ρ_{10+e} for e < 0; so d_i = Σ_k dot(X_k, Y_{i−2k}),
// and the 50 (i, k) pairs need only the 18 vectors Y_{−8..9}.
import { I32, I64, V128, op, type ModuleFunction } from '../wasm/index.js';

/** The multiplier vectors Y_δ, δ = −8..9, of one table. */
const Y_COUNT = 18;
/** Bytes in the powers table: two tables (every step: r^4 in all lanes; last step: r^4, r^3, r^2, r). */
export const POWERS_SIZE = 2 * Y_COUNT * 16;
const LAST = Y_COUNT * 16;

/** p's digits in radix 2^13 but for limb 0's (8187): what each message limb gives up to keep x small. */
const DIGIT = 8191;
const DIGIT0 = 8187;

/**
 * a·b mod p on radix-2^13 limbs (each below 2^13 + 2^6), carried back to that form: limbs below 2^13 but
 * limb 1. Plain doubles suffice: a sum is below 10 · 5 · 2^26.1 < 2^33.
 */
function mulMod(a: readonly number[], b: readonly number[]): number[] {
  const d = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
  for (let i = 0; i < 10; i++) {
    for (let j = 0; j < 10 - i; j++) d[i + j]! += a[i]! * b[j]!;
    for (let j = 10 - i; j < 10; j++) d[i + j - 10]! += 5 * a[i]! * b[j]!; // 2^130 ≡ 5
  }
  let c = 0;
  for (let k = 0; k < 10; k++) {
    const t = d[k]! + c;
    c = Math.floor(t / 8192);
    d[k] = t - c * 8192;
  }
  d[0]! += 5 * c;
  c = Math.floor(d[0]! / 8192);
  d[0]! -= c * 8192;
  d[1]! += c;
  return d;
}

/** The same number with each limb in [−2^12, 2^12), limb 0 up to 5 more: carries move up by one where needed. */
function balanced(limbs: readonly number[]): number[] {
  const out = [...limbs];
  let c = 0;
  for (let k = 0; k < 10; k++) {
    out[k]! += c;
    c = out[k]! >= 4096 ? 1 : 0;
    out[k]! -= 8192 * c;
  }
  out[0]! += 5 * c; // the carry out of 2^130, worth 5
  return out;
}

/** y_e = ρ_e, or 5ρ_{10+e} for e < 0: the factor of x_j in d_i, for e = i − j. */
const y = (limbs: readonly number[], e: number): number => (e >= 0 ? limbs[e]! : 5 * limbs[10 + e]!);

/** The i16 pair (low, high) as the u32 of one i32 lane. */
const pair = (low: number, high: number): number => ((low & 0xffff) | (high << 16)) >>> 0;

/**
 * writePowers fills the powers table at byte `at` of `words`' buffer for the clamped r, given as five
 * 26-bit limbs: Y_δ for r^4 in every lane, then Y_δ for the last step, lanes 0..3 holding r^4, r^3, r^2, r.
 */
export function writePowers(words: Uint32Array, at: number, r26: readonly number[]): void {
  const r: number[] = [];
  for (const limb of r26) r.push(limb & 0x1fff, limb >>> 13);
  const r2 = mulMod(r, r);
  const r4 = balanced(mulMod(r2, r2));
  const lastLanes = [r4, balanced(mulMod(r2, r)), balanced(r2), balanced(r)];
  for (let delta = -8; delta <= 9; delta++) {
    const everyStep = (at + 16 * (delta + 8)) / 4;
    const every = pair(y(r4, delta), y(r4, delta - 1));
    for (let lane = 0; lane < 4; lane++) words[everyStep + lane] = every;
    for (let lane = 0; lane < 4; lane++) words[everyStep + LAST / 4 + lane] = pair(y(lastLanes[lane]!, delta), y(lastLanes[lane]!, delta - 1));
  }
}

// Parameters and locals of `blocks4(m, end)`.
const [M, END] = [0, 1];
let nextLocal = 2;
const local = (): number => nextLocal++;
const locals = (n: number): number[] => Array.from({ length: n }, local);
const X = locals(5); // (x_{2k}, x_{2k+1}) i16 pairs, lane j = accumulator j
const H = locals(10); // h_i, one i32 per accumulator
const W = locals(4); // message words, then their transposition
const D = local(); // the limb being carried
const C = local(); // its carry
const MASK13 = local();
const MASK_HIGH = local(); // 0x1fff0000
const DIGITS = locals(3); // (−o_0, −o_1); (−o_j, −o_j+1) for the middle pairs; (−o_8, −o_9) plus the 2^128 bit
const Y = locals(Y_COUNT); // the every-step table, held in locals across the loop
const V128_LOCALS = nextLocal - 2;
const L = locals(5); // the scalar kernel's 26-bit limbs, i64
const CARRY = local();

const u32x4 = (n: number): number[] => [...op.i32Const(n | 0), ...op.i32x4Splat];
const i32x4Lanes = (lanes: readonly number[]): number[] => lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]);
const get = op.localGet;
const set = op.localSet;

/** Adds the four blocks at m to X: each block's limbs packed like X's, with the 2^128 bit, less o's. */
function absorb(): number[] {
  const body: number[] = [];
  for (let k = 0; k < 4; k++) body.push(...get(M), ...op.v128Load(16 * k, 0), ...set(W[k]!));
  // Transpose the 4×4 matrix of 32-bit words (rows: blocks) so that W[k] holds word k of the four blocks:
  // interleave pairs of rows, then pairs of those (x86's unpack instructions).
  const interleave = (a: number, b: number, lanes: readonly number[]): number[] => [...get(a), ...get(b), ...op.i8x16Shuffle(i32x4Lanes(lanes))];
  body.push(...interleave(W[0]!, W[1]!, [0, 4, 1, 5]), ...interleave(W[0]!, W[1]!, [2, 6, 3, 7]));
  body.push(...interleave(W[2]!, W[3]!, [0, 4, 1, 5]), ...interleave(W[2]!, W[3]!, [2, 6, 3, 7]));
  body.push(...set(W[3]!), ...set(W[2]!), ...set(W[1]!), ...set(W[0]!));
  body.push(...interleave(W[0]!, W[2]!, [0, 1, 4, 5]), ...interleave(W[0]!, W[2]!, [2, 3, 6, 7]));
  body.push(...interleave(W[1]!, W[3]!, [0, 1, 4, 5]), ...interleave(W[1]!, W[3]!, [2, 3, 6, 7]));
  body.push(...set(W[3]!), ...set(W[2]!), ...set(W[1]!), ...set(W[0]!));
  for (let k = 0; k < 5; k++) {
    // F = bits 26k..26k+25 of each block (the top of word k−1 and the bottom of word k), then its two
    // 13-bit halves into the low and high i16 of the lane.
    if (k === 0) body.push(...get(W[0]!));
    else if (k < 4) body.push(...get(W[k - 1]!), ...op.i32Const(32 - 6 * k), ...op.i32x4ShrU, ...get(W[k]!), ...op.i32Const(6 * k), ...op.i32x4Shl, ...op.v128Or);
    else body.push(...get(W[3]!), ...op.i32Const(8), ...op.i32x4ShrU);
    body.push(...op.localTee(D), ...get(MASK13), ...op.v128And, ...get(D), ...op.i32Const(3), ...op.i32x4Shl, ...get(MASK_HIGH), ...op.v128And, ...op.v128Or);
    body.push(...get(DIGITS[k === 0 ? 0 : k < 4 ? 1 : 2]!), ...op.i16x8Add, ...get(X[k]!), ...op.i16x8Add, ...set(X[k]!));
  }
  return body;
}

/**
 * For i = 0..9, pushes d_i (from `d(i)`) and carries it into h_i (an arithmetic shift: d may be negative),
 * then folds the top carry back (×5) into h_0 and h_0's carry into h_1, and packs the pairs of h into X.
 */
function carry(d: (i: number) => number[]): number[] {
  const body: number[] = [];
  for (let i = 0; i < 10; i++) {
    body.push(...d(i));
    if (i > 0) body.push(...get(C), ...op.i32x4Add);
    body.push(...op.localTee(D), ...op.i32Const(13), ...op.i32x4ShrS, ...set(C), ...get(D), ...get(MASK13), ...op.v128And, ...set(H[i]!));
  }
  body.push(...get(H[0]!), ...get(C), ...op.i32x4Add, ...get(C), ...op.i32Const(2), ...op.i32x4Shl, ...op.i32x4Add);
  body.push(...op.localTee(D), ...op.i32Const(13), ...op.i32x4ShrS, ...get(H[1]!), ...op.i32x4Add, ...set(H[1]!));
  body.push(...get(D), ...get(MASK13), ...op.v128And, ...set(H[0]!));
  for (let k = 0; k < 5; k++) body.push(...get(H[2 * k]!), ...get(H[2 * k + 1]!), ...op.i32Const(16), ...op.i32x4Shl, ...op.v128Or, ...set(X[k]!));
  return body;
}

/** d_i = Σ_k dot(X_k, Y_{i−2k}), with Y_δ from `y(δ)`. */
const products = (y: (delta: number) => number[]) => (i: number): number[] => {
  const body: number[] = [];
  for (let k = 0; k < 5; k++) {
    body.push(...get(X[k]!), ...y(i - 2 * k), ...op.i32x4DotI16x8S);
    if (k > 0) body.push(...op.i32x4Add);
  }
  return body;
};

/** The sum of i32x4 `v`'s lanes, as an i64 (h_1's may be negative). */
function laneSum(v: number): number[] {
  const body = [...get(v), ...op.i32x4ExtractLane(0)];
  for (let lane = 1; lane < 4; lane++) body.push(...get(v), ...op.i32x4ExtractLane(lane), ...op.i32Add);
  return [...body, ...op.i64ExtendI32S];
}

/**
 * blocks4Function builds `blocks4(m, end)`: absorbs the full blocks at m..end into the h stored as five i64
 * limbs of 26 bits at `hAt`, with r's powers at `powersAt` (writePowers). end − m must be a positive
 * multiple of 64.
 */
export function blocks4Function(hAt: number, powersAt: number): ModuleFunction {
  const body: number[] = [];
  body.push(...u32x4(0x1fff), ...set(MASK13), ...u32x4(0x1fff0000), ...set(MASK_HIGH));
  body.push(...u32x4(pair(-DIGIT0, -DIGIT)), ...set(DIGITS[0]!), ...u32x4(pair(-DIGIT, -DIGIT)), ...set(DIGITS[1]!));
  body.push(...u32x4(pair(-DIGIT, -DIGIT + 2048)), ...set(DIGITS[2]!));
  // h enters lane 0, split into 13-bit halves and carried; the other lanes start at h = 0.
  const hLimb = (i: number): number[] => [
    ...op.v128Const(new Array<number>(16).fill(0)),
    ...op.i32Const(0),
    ...op.i64Load(hAt + 8 * (i >> 1), 0),
    ...(i % 2 === 1 ? [...op.i64Const(13), ...op.i64ShrU, ...op.i32WrapI64] : [...op.i32WrapI64, ...op.i32Const(0x1fff), ...op.i32And]),
    ...op.i32x4ReplaceLane(0),
  ];
  body.push(...carry(hLimb));
  for (let delta = -8; delta <= 9; delta++) body.push(...op.i32Const(0), ...op.v128Load(powersAt + 16 * (delta + 8)), ...set(Y[delta + 8]!));

  body.push(...op.block, ...op.loop);
  body.push(...get(M), ...op.i32Const(64), ...op.i32Add, ...get(END), ...op.i32GeU, ...op.brIf(1));
  body.push(...absorb(), ...carry(products((delta) => get(Y[delta + 8]!))));
  body.push(...get(M), ...op.i32Const(64), ...op.i32Add, ...set(M), ...op.br(0));
  body.push(...op.end, ...op.end);
  body.push(...absorb(), ...carry(products((delta) => [...op.i32Const(0), ...op.v128Load(powersAt + LAST + 16 * (delta + 8))])));

  // Back to five 26-bit limbs: the lane sums plus 16p, which keeps them positive (h_1 may be negative), carried.
  const sixteenP = [2 ** 30 - 80, 2 ** 30 - 16, 2 ** 30 - 16, 2 ** 30 - 16, 2 ** 30 - 16];
  for (let k = 0; k < 5; k++) {
    body.push(...laneSum(H[2 * k]!), ...laneSum(H[2 * k + 1]!), ...op.i64Const(13), ...op.i64Shl, ...op.i64Add);
    body.push(...op.i64Const(sixteenP[k]!), ...op.i64Add, ...set(L[k]!));
  }
  const carryOut = (k: number): number[] => [
    ...op.localTee(L[k]!),
    ...op.i64Const(26),
    ...op.i64ShrU,
    ...set(CARRY),
    ...get(L[k]!),
    ...op.i64Const(0x3ffffff),
    ...op.i64And,
    ...set(L[k]!),
  ];
  body.push(...get(L[0]!), ...carryOut(0));
  for (let k = 1; k < 5; k++) body.push(...get(L[k]!), ...get(CARRY), ...op.i64Add, ...carryOut(k));
  body.push(...get(L[0]!), ...get(CARRY), ...op.i64Const(5), ...op.i64Mul, ...op.i64Add, ...carryOut(0));
  body.push(...get(L[1]!), ...get(CARRY), ...op.i64Add, ...set(L[1]!));
  for (let k = 0; k < 5; k++) body.push(...op.i32Const(0), ...get(L[k]!), ...op.i64Store(hAt + 8 * k, 0));
  return { exportName: 'blocks4', params: [I32, I32], locals: [[V128_LOCALS, V128], [6, I64]], body };
}
