// The encoder's hot operations in WebAssembly SIMD (AssemblyScript, compiled by esbuild.config.mjs into
// dist/wasm/mg-kernels.wasm). Every function works on raw float32 buffers in the one shared memory; the
// parallel ones (gemm, layerNorm, attention) split their work in items that the threads running the same
// call take in turn from a shared counter (take), so that src/core/inference/kernels/engine.ts can run
// the same call on several threads at once and a thread the machine slows down takes fewer items; `part`
// only picks each thread's scratch area. Nothing here keeps state between calls: each instance (one per thread)
// only reads and writes the memory regions it is handed.
//
// Dense layers multiply by weights packed once at load time into panels of 8 columns, each panel K rows of
// 8 contiguous floats (packedSize/pack below), so that the inner loop reads the weights sequentially.
// The sums accumulate over k in order, one multiply and one add per step (WebAssembly SIMD has no fused
// multiply-add), like a straightforward float32 dot product.

const NR: i32 = 8;
/**
 * Steps of k per pass over a panel (a panel slice of KC × 8 floats stays in L1). Constants, so that every
 * thread's instance agrees on the scratch layout; between 128 and 768 (MC 32-128) the single-thread GEMM
 * changed by less than the noise of the shared machine.
 */
const KC: i32 = 256;
/** Rows of the left operand per block (an MC × KC packed block stays in L2 while the panels pass over it). */
const MC: i32 = 64;

export const ACT_NONE: i32 = 0;
export const ACT_GELU: i32 = 1;
export const ACT_GELU_EXACT: i32 = 2;
export const ACT_RELU: i32 = 3;
export const ACT_TANH: i32 = 4;

/** Floats a K × N matrix occupies once packed (N rounded up to whole panels). */
export function packedSize(K: i32, N: i32): i32 {
  return ((N + NR - 1) / NR) * K * NR;
}

/** Packs a row-major K × N matrix (row stride `ld` floats) into panels; the padding columns are zero. */
export function pack(src: usize, ld: i32, K: i32, N: i32, dst: usize): void {
  const panels = (N + NR - 1) / NR;
  for (let p = 0; p < panels; p++) {
    const col = p * NR;
    const cols = min(NR, N - col);
    let out = dst + ((<usize>(p * K)) << 5);
    let row = src + ((<usize>col) << 2);
    for (let k = 0; k < K; k++) {
      if (cols === NR) {
        v128.store(out, v128.load(row));
        v128.store(out, v128.load(row, 16), 16);
      } else {
        for (let j = 0; j < NR; j++)
          store<f32>(out + ((<usize>j) << 2), j < cols ? load<f32>(row + ((<usize>j) << 2)) : 0);
      }
      out += 32;
      row += (<usize>ld) << 2;
    }
  }
}

/** Packs the transpose of a row-major N × K matrix (row stride `ld`), i.e. B = srcᵀ with B[k][j] = src[j][k]. */
export function packTransposed(src: usize, ld: i32, K: i32, N: i32, dst: usize): void {
  const panels = (N + NR - 1) / NR;
  for (let p = 0; p < panels; p++) {
    const col = p * NR;
    const cols = min(NR, N - col);
    const out = dst + ((<usize>(p * K)) << 5);
    for (let j = 0; j < NR; j++) {
      const row = src + ((<usize>((col + j) * ld)) << 2);
      for (let k = 0; k < K; k++) {
        store<f32>(out + ((<usize>(k * NR + j)) << 2), j < cols ? load<f32>(row + ((<usize>k) << 2)) : 0);
      }
    }
  }
}

// ---- element-wise functions on four lanes ----

/** e^x for float32 (Cephes' expf: range reduction by ln 2 in two parts and a degree-6 polynomial). */
function exp4(x: v128): v128 {
  x = f32x4.min(f32x4.max(x, f32x4.splat(-87.33654)), f32x4.splat(88.72283));
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(1.4426950408889634)));
  let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(-2.1219444e-4)));
  let p = f32x4.splat(1.98756915e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  p = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), f32x4.splat(1));
  // 2^n, split in two factors so that n = 128 (x near 88.7) does not overflow the exponent field.
  const ni = i32x4.trunc_sat_f32x4_s(n);
  const half = i32x4.shr_s(ni, 1);
  const s1 = i32x4.shl(i32x4.add(half, i32x4.splat(127)), 23);
  const s2 = i32x4.shl(i32x4.add(i32x4.sub(ni, half), i32x4.splat(127)), 23);
  return f32x4.mul(f32x4.mul(p, s1), s2);
}

function sigmoid4(x: v128): v128 {
  const one = f32x4.splat(1);
  return f32x4.div(one, f32x4.add(one, exp4(f32x4.neg(x))));
}

/** erf(x) by Abramowitz & Stegun 7.1.26 (absolute error below 1.5e-7). */
function erf4(x: v128): v128 {
  const ax = f32x4.abs(x);
  const t = f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), f32x4.mul(f32x4.splat(0.3275911), ax)));
  let y = f32x4.splat(1.061405429);
  y = f32x4.add(f32x4.mul(y, t), f32x4.splat(-1.453152027));
  y = f32x4.add(f32x4.mul(y, t), f32x4.splat(1.421413741));
  y = f32x4.add(f32x4.mul(y, t), f32x4.splat(-0.284496736));
  y = f32x4.add(f32x4.mul(y, t), f32x4.splat(0.254829592));
  y = f32x4.mul(y, t);
  const e = f32x4.sub(f32x4.splat(1), f32x4.mul(y, exp4(f32x4.neg(f32x4.mul(ax, ax)))));
  // Copy the sign of x.
  return v128.or(e, v128.and(x, i32x4.splat(0x80000000)));
}

function activate4(x: v128, act: i32): v128 {
  if (act === ACT_GELU) {
    // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) = x·sigmoid(x·(2√(2/π) + 2·0.044715·√(2/π)·x²))
    const slope = f32x4.add(
      f32x4.mul(f32x4.mul(x, x), f32x4.splat(0.0713548162726)),
      f32x4.splat(1.5957691216057308),
    );
    return f32x4.mul(x, sigmoid4(f32x4.mul(x, slope)));
  }
  if (act === ACT_GELU_EXACT) {
    const half = f32x4.mul(x, f32x4.splat(0.5));
    return f32x4.add(half, f32x4.mul(half, erf4(f32x4.mul(x, f32x4.splat(0.7071067811865476)))));
  }
  if (act === ACT_RELU) return f32x4.max(x, f32x4.splat(0));
  if (act === ACT_TANH) {
    // tanh(x) = 2·sigmoid(2x) − 1, with tanh's sign symmetry for accuracy near 0 kept by computing on |x|.
    const ax = f32x4.abs(x);
    const e = exp4(f32x4.mul(ax, f32x4.splat(-2)));
    const t = f32x4.div(f32x4.sub(f32x4.splat(1), e), f32x4.add(f32x4.splat(1), e));
    // Near 0, 1 − e cancels: use the series x − x³/3 + 2x⁵/15 − 17x⁷/315 there.
    const x2 = f32x4.mul(ax, ax);
    let s = f32x4.splat(-17.0 / 315.0);
    s = f32x4.add(f32x4.mul(s, x2), f32x4.splat(2.0 / 15.0));
    s = f32x4.add(f32x4.mul(s, x2), f32x4.splat(-1.0 / 3.0));
    s = f32x4.add(f32x4.mul(f32x4.mul(s, x2), ax), ax);
    const small = f32x4.lt(ax, f32x4.splat(0.125));
    return v128.or(v128.bitselect(s, t, small), v128.and(x, i32x4.splat(0x80000000)));
  }
  return x;
}

/** The same functions on a buffer, for tests and the odd caller. */
export function activation(x: usize, out: usize, n: i32, act: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4)
    v128.store(out + ((<usize>i) << 2), activate4(v128.load(x + ((<usize>i) << 2)), act));
  for (; i < n; i++) {
    const v = activate4(f32x4.splat(load<f32>(x + ((<usize>i) << 2))), act);
    store<f32>(out + ((<usize>i) << 2), f32x4.extract_lane(v, 0));
  }
}

// ---- matrix multiply ----

/**
 * A 4 × 8 tile of C over kc steps of k: the sums start from `init` (row stride `ldi` bytes: C itself, or
 * the bias with stride 0, or zero when `init` is 0). `a` points at a packed block of A (kc steps of 4
 * rows, packA), `b` at the panel's row k0. Kept small and not inlined, so that the eight accumulators
 * stay in registers.
 */
function tile4x8(a: usize, b: usize, kc: i32, c: usize, ldc: usize, init: usize, ldi: usize): void {
  let c00: v128, c01: v128, c10: v128, c11: v128, c20: v128, c21: v128, c30: v128, c31: v128;
  if (init) {
    c00 = v128.load(init);
    c01 = v128.load(init, 16);
    c10 = v128.load(init + ldi);
    c11 = v128.load(init + ldi, 16);
    c20 = v128.load(init + 2 * ldi);
    c21 = v128.load(init + 2 * ldi, 16);
    c30 = v128.load(init + 3 * ldi);
    c31 = v128.load(init + 3 * ldi, 16);
  } else {
    c00 = f32x4.splat(0);
    c01 = c00;
    c10 = c00;
    c11 = c00;
    c20 = c00;
    c21 = c00;
    c30 = c00;
    c31 = c00;
  }
  const end = b + ((<usize>kc) << 5);
  while (b < end) {
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
    let x = v128.load32_splat(a);
    c00 = f32x4.add(c00, f32x4.mul(x, b0));
    c01 = f32x4.add(c01, f32x4.mul(x, b1));
    x = v128.load32_splat(a, 4);
    c10 = f32x4.add(c10, f32x4.mul(x, b0));
    c11 = f32x4.add(c11, f32x4.mul(x, b1));
    x = v128.load32_splat(a, 8);
    c20 = f32x4.add(c20, f32x4.mul(x, b0));
    c21 = f32x4.add(c21, f32x4.mul(x, b1));
    x = v128.load32_splat(a, 12);
    c30 = f32x4.add(c30, f32x4.mul(x, b0));
    c31 = f32x4.add(c31, f32x4.mul(x, b1));
    a += 16;
    b += 32;
  }
  v128.store(c, c00);
  v128.store(c, c01, 16);
  v128.store(c + ldc, c10);
  v128.store(c + ldc, c11, 16);
  v128.store(c + 2 * ldc, c20);
  v128.store(c + 2 * ldc, c21, 16);
  v128.store(c + 3 * ldc, c30);
  v128.store(c + 3 * ldc, c31, 16);
}

/**
 * Copies rows [0, rows) × k [0, kc) of A (row stride `lda` bytes) into groups of 4 rows, 4 floats per k
 * (rows past `rows` are zero): the tile then reads A contiguously, away from the cache-set conflicts of
 * row strides that are multiples of 4 KiB (3072 floats is 12 KiB).
 */
function packA(a: usize, lda: usize, rows: i32, kc: i32, dst: usize): void {
  for (let q = 0; q < rows; q += 4) {
    const r0 = a + <usize>q * lda;
    const n = min(4, rows - q);
    let out = dst + ((<usize>(q * kc)) << 2);
    if (n === 4) {
      const r1 = r0 + lda;
      const r2 = r1 + lda;
      const r3 = r2 + lda;
      for (let k = 0; k < kc; k++) {
        const o = (<usize>k) << 2;
        store<f32>(out, load<f32>(r0 + o));
        store<f32>(out, load<f32>(r1 + o), 4);
        store<f32>(out, load<f32>(r2 + o), 8);
        store<f32>(out, load<f32>(r3 + o), 12);
        out += 16;
      }
    } else {
      for (let k = 0; k < kc; k++) {
        const o = (<usize>k) << 2;
        for (let r = 0; r < 4; r++) {
          store<f32>(out + ((<usize>r) << 2), r < n ? load<f32>(r0 + <usize>r * lda + o) : 0);
        }
        out += 16;
      }
    }
  }
}

/** act(c) + res over rows × 8 columns (row strides in bytes). */
function epilogue(c: usize, ldc: usize, rows: i32, res: usize, ldr: usize, act: i32): void {
  for (let r = 0; r < rows; r++) {
    let v0 = v128.load(c);
    let v1 = v128.load(c, 16);
    if (act !== ACT_NONE) {
      v0 = activate4(v0, act);
      v1 = activate4(v1, act);
    }
    if (res) {
      v0 = f32x4.add(v0, v128.load(res));
      v1 = f32x4.add(v1, v128.load(res, 16));
      res += ldr;
    }
    v128.store(c, v0);
    v128.store(c, v1, 16);
    c += ldc;
  }
}

/**
 * Hands out work items 0, 1, 2 … to whichever thread asks first: every thread of an operation takes the
 * next item from the counter (in the shared memory, set to 0 by the caller before the operation) until
 * none is left. A thread that the machine's other work slows down simply takes fewer items; what each
 * item computes, and in which order, does not depend on who takes it, so the results do not either.
 */
function take(counter: usize): i32 {
  return atomic.add<i32>(counter, 1);
}

/**
 * C[M × N] = act(A[M × K] · B + bias) + R, with B packed (pack above), A's rows `lda` floats apart, C's
 * `ldc` and R's `ldr`; `bias` (N floats) and `res` may be 0 for none. The work is split in items of up to
 * MC rows × G panels (8-column groups), each computed whole (every k, in order) by the thread that takes
 * it from `counter` (take); `scratch` holds gemmScratch() floats per part.
 */
export function gemm(
  a: usize,
  lda: i32,
  b: usize,
  K: i32,
  N: i32,
  bias: usize,
  res: usize,
  ldr: i32,
  c: usize,
  ldc: i32,
  M: i32,
  act: i32,
  scratch: usize,
  counter: usize,
  part: i32,
  parts: i32,
): void {
  if (M <= 0 || N <= 0) return;
  const panels = (N + NR - 1) / NR;
  const blocks = (M + MC - 1) / MC;
  // Up to 32 panels an item (each item packs its rows of A again), fewer when that would leave fewer than
  // 8 items per thread.
  let G = 32;
  while (G > 1 && blocks * ((panels + G - 1) / G) < 8 * parts) G >>= 1;
  const groups = (panels + G - 1) / G;
  const items = blocks * groups;
  const area = scratch + ((<usize>(gemmScratch() * part)) << 2);
  const ldaB = (<usize>lda) << 2;
  const ldcB = (<usize>ldc) << 2;
  const ldrB = (<usize>ldr) << 2;
  for (let t = take(counter); t < items; t = take(counter)) {
    // Consecutive items share the rows of A (and take the panels in turn).
    const m0 = (t / groups) * MC;
    const p0 = (t % groups) * G;
    gemmBlock(
      a,
      ldaB,
      b,
      K,
      N,
      bias,
      res,
      ldrB,
      c,
      ldcB,
      m0,
      min(M, m0 + MC),
      p0,
      min(panels, p0 + G),
      act,
      area,
    );
  }
}

/**
 * Rows [m0, m1) × panels [p0, p1) of gemm's C, on one thread; `area` holds gemmScratch() floats. Every
 * element's sum runs over k in order (in KC steps), whatever the rows and panels of the call.
 */
function gemmBlock(
  a: usize,
  ldaB: usize,
  b: usize,
  K: i32,
  N: i32,
  bias: usize,
  res: usize,
  ldrB: usize,
  c: usize,
  ldcB: usize,
  mStart: i32,
  mEnd: i32,
  p0: i32,
  p1: i32,
  act: i32,
  area: usize,
): void {
  // A 4 × 8 tile for the edges (a partial last panel or group of rows), then the packed block of A.
  const edge = area;
  const aPacked = area + 128;
  for (let k0 = 0; k0 < K; k0 += KC) {
    const kc = min(KC, K - k0);
    const first = k0 === 0;
    const last = k0 + kc >= K;
    for (let m0 = mStart; m0 < mEnd; m0 += MC) {
      const m1 = min(mEnd, m0 + MC);
      packA(a + <usize>m0 * ldaB + ((<usize>k0) << 2), ldaB, m1 - m0, kc, aPacked);
      for (let p = p0; p < p1; p++) {
        const col = p * NR;
        const cols = min(NR, N - col);
        const panel = b + ((<usize>(p * K + k0)) << 5);
        const biasP = bias ? bias + ((<usize>col) << 2) : 0;
        for (let i = m0; i < m1; i += 4) {
          const rows = min(4, m1 - i);
          const ap = aPacked + ((<usize>((i - m0) * kc)) << 2);
          const ct = c + <usize>i * ldcB + ((<usize>col) << 2);
          const rt = res ? res + <usize>i * ldrB + ((<usize>col) << 2) : 0;
          if (rows === 4 && cols === NR) {
            if (first) tile4x8(ap, panel, kc, ct, ldcB, biasP, 0);
            else tile4x8(ap, panel, kc, ct, ldcB, ct, ldcB);
            if (last && (act !== ACT_NONE || res)) epilogue(ct, ldcB, 4, rt, ldrB, act);
            continue;
          }
          // Edge: through the scratch tile, only the valid rows and columns read and written.
          for (let r = 0; r < 4; r++) {
            for (let j = 0; j < NR; j++) {
              let v: f32 = 0;
              if (r < rows && j < cols) {
                if (!first) v = load<f32>(ct + <usize>r * ldcB + ((<usize>j) << 2));
                else if (bias) v = load<f32>(biasP + ((<usize>j) << 2));
              }
              store<f32>(edge + ((<usize>(r * NR + j)) << 2), v);
            }
          }
          tile4x8(ap, panel, kc, edge, 32, edge, 32);
          if (last && act !== ACT_NONE) epilogue(edge, 32, rows, 0, 0, act);
          for (let r = 0; r < rows; r++) {
            for (let j = 0; j < cols; j++) {
              let v = load<f32>(edge + ((<usize>(r * NR + j)) << 2));
              if (last && res) v += load<f32>(rt + <usize>r * ldrB + ((<usize>j) << 2));
              store<f32>(ct + <usize>r * ldcB + ((<usize>j) << 2), v);
            }
          }
        }
      }
    }
  }
}

/** Floats of scratch gemm needs per part: the edge tile and a packed MC × KC block of A. */
export function gemmScratch(): i32 {
  return 32 + ((MC + 3) & ~3) * KC;
}

// ---- normalization ----

/** out = (x − mean) / √(var + ε) · γ + β over rows of H (population variance), the rows split in items. */
export function layerNorm(
  x: usize,
  out: usize,
  gamma: usize,
  beta: usize,
  M: i32,
  H: i32,
  eps: f32,
  counter: usize,
  _part: i32,
  _parts: i32,
): void {
  // Items of 8 rows, taken from the counter (take).
  const items = (M + 7) >> 3;
  for (let t = take(counter); t < items; t = take(counter)) {
    for (let r = t << 3, r1 = min(M, (t << 3) + 8); r < r1; r++) layerNormRow(x, out, gamma, beta, r, H, eps);
  }
}

function layerNormRow(x: usize, out: usize, gamma: usize, beta: usize, r: i32, H: i32, eps: f32): void {
  {
    const row = x + ((<usize>(r * H)) << 2);
    const dst = out + ((<usize>(r * H)) << 2);
    let s = f32x4.splat(0);
    let j = 0;
    for (; j + 4 <= H; j += 4) s = f32x4.add(s, v128.load(row + ((<usize>j) << 2)));
    let sum: f32 =
      f32x4.extract_lane(s, 0) +
      f32x4.extract_lane(s, 1) +
      f32x4.extract_lane(s, 2) +
      f32x4.extract_lane(s, 3);
    for (; j < H; j++) sum += load<f32>(row + ((<usize>j) << 2));
    const mean: f32 = sum / <f32>H;
    const mv = f32x4.splat(mean);
    let q = f32x4.splat(0);
    j = 0;
    for (; j + 4 <= H; j += 4) {
      const d = f32x4.sub(v128.load(row + ((<usize>j) << 2)), mv);
      q = f32x4.add(q, f32x4.mul(d, d));
    }
    let sq: f32 =
      f32x4.extract_lane(q, 0) +
      f32x4.extract_lane(q, 1) +
      f32x4.extract_lane(q, 2) +
      f32x4.extract_lane(q, 3);
    for (; j < H; j++) {
      const d = load<f32>(row + ((<usize>j) << 2)) - mean;
      sq += d * d;
    }
    const inv: f32 = <f32>1 / Mathf.sqrt(sq / <f32>H + eps);
    const iv = f32x4.splat(inv);
    j = 0;
    for (; j + 4 <= H; j += 4) {
      const o = (<usize>j) << 2;
      const n = f32x4.mul(f32x4.sub(v128.load(row + o), mv), iv);
      v128.store(dst + o, f32x4.add(f32x4.mul(n, v128.load(gamma + o)), v128.load(beta + o)));
    }
    for (; j < H; j++) {
      const o = (<usize>j) << 2;
      store<f32>(dst + o, (load<f32>(row + o) - mean) * inv * load<f32>(gamma + o) + load<f32>(beta + o));
    }
  }
}

/** Row-wise softmax of x·scale + adder (adder: one value per column, may be 0) over rows of n, in place. */
export function softmaxRows(x: usize, ld: i32, rows: i32, n: i32, scale: f32, adder: usize): void {
  const sv = f32x4.splat(scale);
  for (let r = 0; r < rows; r++) {
    const row = x + ((<usize>(r * ld)) << 2);
    let mx = f32x4.splat(-Infinity);
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const o = (<usize>j) << 2;
      let v = f32x4.mul(v128.load(row + o), sv);
      if (adder) v = f32x4.add(v, v128.load(adder + o));
      v128.store(row + o, v);
      mx = f32x4.max(mx, v);
    }
    let m: f32 = max(
      max(f32x4.extract_lane(mx, 0), f32x4.extract_lane(mx, 1)),
      max(f32x4.extract_lane(mx, 2), f32x4.extract_lane(mx, 3)),
    );
    for (; j < n; j++) {
      const o = (<usize>j) << 2;
      let v = load<f32>(row + o) * scale;
      if (adder) v += load<f32>(adder + o);
      store<f32>(row + o, v);
      m = max(m, v);
    }
    const mv = f32x4.splat(m);
    let s = f32x4.splat(0);
    j = 0;
    for (; j + 4 <= n; j += 4) {
      const o = (<usize>j) << 2;
      const e = exp4(f32x4.sub(v128.load(row + o), mv));
      v128.store(row + o, e);
      s = f32x4.add(s, e);
    }
    let sum: f32 =
      f32x4.extract_lane(s, 0) +
      f32x4.extract_lane(s, 1) +
      f32x4.extract_lane(s, 2) +
      f32x4.extract_lane(s, 3);
    for (; j < n; j++) {
      const o = (<usize>j) << 2;
      const e = f32x4.extract_lane(exp4(f32x4.splat(load<f32>(row + o) - m)), 0);
      store<f32>(row + o, e);
      sum += e;
    }
    const inv = f32x4.splat(<f32>1 / sum);
    const invS: f32 = <f32>1 / sum;
    j = 0;
    for (; j + 4 <= n; j += 4) {
      const o = (<usize>j) << 2;
      v128.store(row + o, f32x4.mul(v128.load(row + o), inv));
    }
    for (; j < n; j++) {
      const o = (<usize>j) << 2;
      store<f32>(row + o, load<f32>(row + o) * invS);
    }
  }
}

/** Floats of scratch one thread needs for attention at sequence length S and head size d. */
export function attentionScratch(S: i32, d: i32): i32 {
  return packedSize(d, S) + S * S + packedSize(S, d) + gemmScratch() + 16;
}

/**
 * Scaled dot-product attention for every (batch row, head) pair. `qkv` holds [B·S, ld]
 * rows with the queries at column 0, keys at H and values at 2H (head h at h·d within each); `adder`
 * [B·S] is the additive mask per key; the context of head h lands in ctx[row][h·d …] (row stride ldc).
 * With `probs`, the probabilities are also written there as [B, A, S, S]. `scratch` holds `parts` areas
 * of attentionScratch(S, d) floats. The (batch row, head) pairs are the items taken from `counter` (take).
 */
export function attention(
  qkv: usize,
  ld: i32,
  H: i32,
  adder: usize,
  ctx: usize,
  ldc: i32,
  probs: usize,
  B: i32,
  S: i32,
  A: i32,
  d: i32,
  scale: f32,
  scratch: usize,
  counter: usize,
  part: i32,
  _parts: i32,
): void {
  const pairs = B * A;
  const area = scratch + ((<usize>(attentionScratch(S, d) * part)) << 2);
  const kT = area;
  const scores = kT + ((<usize>packedSize(d, S)) << 2);
  const vP = scores + ((<usize>(S * S)) << 2);
  const edge = vP + ((<usize>packedSize(S, d)) << 2);
  const ldB = (<usize>ld) << 2;
  for (let pair = take(counter); pair < pairs; pair = take(counter)) {
    const b = pair / A;
    const h = pair % A;
    const base = qkv + <usize>(b * S) * ldB + ((<usize>(h * d)) << 2);
    // Kᵀ (d × S) and V (S × d) as packed right operands.
    packTransposed(base + ((<usize>H) << 2), ld, d, S, kT);
    pack(base + ((<usize>(2 * H)) << 2), ld, S, d, vP);
    gemmBlock(
      base,
      ldB,
      kT,
      d,
      S,
      0,
      0,
      0,
      scores,
      (<usize>S) << 2,
      0,
      S,
      0,
      (S + NR - 1) / NR,
      ACT_NONE,
      edge,
    );
    softmaxRows(scores, S, S, S, scale, adder + ((<usize>(b * S)) << 2));
    if (probs) memory.copy(probs + ((<usize>(pair * S * S)) << 2), scores, (<usize>(S * S)) << 2);
    const out = ctx + <usize>(b * S) * ((<usize>ldc) << 2) + ((<usize>(h * d)) << 2);
    gemmBlock(
      scores,
      (<usize>S) << 2,
      vP,
      S,
      d,
      0,
      0,
      0,
      out,
      (<usize>ldc) << 2,
      0,
      S,
      0,
      (d + NR - 1) / NR,
      ACT_NONE,
      edge,
    );
  }
}
