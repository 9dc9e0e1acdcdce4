// The project's WebAssembly SIMD kernels (src/core/inference/kernels) against float64 references: the
// packed matrix product with its fused bias, activation and residual, layer norm, the masked softmax,
// attention and the element-wise activations, at odd sizes, on one thread and split over two.
import * as assert from 'node:assert/strict';
import type { Worker } from 'node:worker_threads';
import {
  Activation,
  KernelEngine,
  findKernels,
  type ActivationName,
  type Region,
} from '../../src/core/inference/kernels/engine';
import { rng } from '../support/random';
import { referenceActivation } from '../support/referenceEncoder';

/** float32 unit roundoff. */
const U = 2 ** -24;

function randoms(n: number, random: () => number, scale = 1): Float32Array {
  return Float32Array.from({ length: n }, () => (random() * 2 - 1) * scale);
}

/** A region of `n` random values in `e`'s memory. */
function randomRegion(e: KernelEngine, n: number, random: () => number): Region {
  const r = e.alloc(n);
  e.write(r, randoms(n, random));
  return r;
}

/** A random K × N matrix, packed for gemm. */
function randomPacked(e: KernelEngine, K: number, N: number, random: () => number): Region {
  const src = randomRegion(e, K * N, random);
  const packed = e.alloc(e.packedSize(K, N));
  e.pack(src.ptr, N, K, N, packed);
  return packed;
}

function kernelsFile(): string {
  const file = findKernels();
  if (!file)
    assert.fail('dist/wasm/mg-kernels.wasm is missing: run `npm run build` (it compiles the kernels)');
  return file;
}

for (const threads of [1, 2]) {
  describe(`WebAssembly kernels (${threads} thread${threads > 1 ? 's' : ''}) against float64 references`, function () {
    let e: KernelEngine;
    const regions: Region[] = [];
    const put = (data: ArrayLike<number>, extra = 0): Region => {
      const r = e.alloc(data.length + extra);
      e.view(r).fill(0);
      e.write(r, data);
      regions.push(r);
      return r;
    };
    const zeros = (n: number): Region => put(new Float32Array(n));
    before(() => {
      e = KernelEngine.load(kernelsFile(), threads);
    });
    afterEach(() => {
      for (const r of regions.splice(0)) e.release(r);
    });
    after(() => e?.stop());

    // M × K · K × N with strides wider than the matrices, K past the 256-step blocking and M past the
    // 64-row blocking, N with a partial last 8-column panel.
    const shapes: [number, number, number][] = [
      [1, 1, 1],
      [3, 5, 7],
      [4, 8, 8],
      [5, 17, 9],
      [13, 300, 33],
      [70, 513, 19],
      [66, 64, 40],
    ];
    for (const [M, K, N] of shapes) {
      for (const act of ['none', 'gelu', 'gelu_exact', 'relu', 'tanh'] as const) {
        it(`gemm ${M}×${K}·${K}×${N} + bias${act === 'none' ? ' + residual' : `, ${act}`} is within the float32 summation bound`, function () {
          const random = rng(M * 1000 + K * 10 + N);
          const lda = K + 3;
          const ldc = N + 5;
          const a = randoms(M * lda, random);
          const b = randoms(K * N, random);
          const bias = randoms(N, random);
          const res = act === 'none' ? randoms(M * ldc, random) : undefined;
          const A = put(a);
          const Bsrc = put(b);
          const Bp = zeros(e.packedSize(K, N));
          e.pack(Bsrc.ptr, N, K, N, Bp);
          const biasR = put(bias, 8);
          const resR = res ? put(res) : undefined;
          const C = zeros(M * ldc);
          const scratch = zeros(e.gemmScratch());
          e.gemm({
            a: A.ptr,
            lda,
            b: Bp.ptr,
            K,
            N,
            bias: biasR.ptr,
            res: resR?.ptr,
            ldr: ldc,
            c: C.ptr,
            ldc,
            M,
            act: Activation[act],
            scratch: scratch.ptr,
          });
          const out = e.read(C);
          for (let i = 0; i < M; i++) {
            for (let j = 0; j < N; j++) {
              let sum = bias[j]!;
              let abs = Math.abs(bias[j]!);
              for (let k = 0; k < K; k++) {
                sum += a[i * lda + k]! * b[k * N + j]!;
                abs += Math.abs(a[i * lda + k]! * b[k * N + j]!);
              }
              // Recursive float32 summation: |error| ≤ (K + 1)·u·Σ|terms| (plus rounding of the products).
              let bound = (K + 2) * U * abs * 1.01;
              let want = sum;
              if (act !== 'none') {
                want = referenceActivation(sum, act);
                // The activation's slope is at most 1.13 (GELU) and its own approximation is ~1e-6.
                bound = bound * 1.13 + 2e-6 * (1 + Math.abs(want));
              } else {
                want += res![i * ldc + j]!;
                bound += 2 * U * Math.abs(want);
              }
              const got = out[i * ldc + j]!;
              if (!(Math.abs(got - want) <= bound))
                assert.fail(
                  `C[${i}][${j}] = ${got}, float64 ${want} (|Δ| ${Math.abs(got - want)} > ${bound})`,
                );
            }
            // The columns between N and the row stride are left alone.
            for (let j = N; j < ldc; j++)
              assert.equal(out[i * ldc + j], 0, `column ${j} of row ${i} was written`);
          }
        });
      }
    }

    it('packTransposed packs the transpose of its source', function () {
      const random = rng(7);
      const [N, K] = [11, 6];
      const src = randoms(N * K, random);
      const S = put(src);
      const viaT = zeros(e.packedSize(K, N));
      e.packTransposed(S.ptr, K, K, N, viaT);
      const t = new Float32Array(K * N);
      for (let j = 0; j < N; j++) for (let k = 0; k < K; k++) t[k * N + j] = src[j * K + k]!;
      const T = put(t);
      const direct = zeros(e.packedSize(K, N));
      e.pack(T.ptr, N, K, N, direct);
      assert.deepEqual(e.read(viaT), e.read(direct));
    });

    for (const H of [1, 7, 33, 768]) {
      it(`layer norm over rows of ${H} (in place) matches float64 within float32 rounding`, function () {
        const random = rng(H);
        const M = 9;
        // An offset mean and a wide spread: the two-pass variance must not cancel.
        const x = Float32Array.from(randoms(M * H, random, 3), (v) => v + 40);
        const gamma = randoms(H, random);
        const beta = randoms(H, random);
        const X = put(x);
        const G = put(gamma);
        const Bt = put(beta);
        const eps = 1e-12;
        e.layerNorm(X.ptr, X.ptr, G.ptr, Bt.ptr, M, H, eps);
        const out = e.read(X);
        for (let r = 0; r < M; r++) {
          const row = Array.from(x.subarray(r * H, (r + 1) * H));
          const mean = row.reduce((s, v) => s + v, 0) / H;
          const variance = row.reduce((s, v) => s + (v - mean) ** 2, 0) / H;
          for (let j = 0; j < H; j++) {
            const n = (row[j]! - mean) / Math.sqrt(variance + eps);
            const want = n * gamma[j]! + beta[j]!;
            // float32 rounding of the mean (of values near 40) and of the variance, carried through γ.
            const sigma = Math.sqrt(variance);
            const tol =
              Math.abs(gamma[j]!) * (Math.abs(mean) / sigma + Math.abs(n) + 1) * (Math.sqrt(H) + 4) * 4 * U +
              4 * U * Math.abs(beta[j]!);
            const got = out[r * H + j]!;
            if (!(Math.abs(got - want) <= tol))
              assert.fail(`row ${r} col ${j}: ${got} vs float64 ${want} (tol ${tol})`);
          }
        }
      });
    }

    for (const n of [1, 5, 33, 128]) {
      it(`softmax of x·scale + mask over rows of ${n} matches float64; masked keys get ~0`, function () {
        const random = rng(n + 100);
        const rows = 3;
        const x = randoms(rows * n, random, 8);
        const adder = Float32Array.from({ length: n }, (_, j) => (j % 4 === 3 ? -10000 : 0));
        const X = put(x);
        const Ad = put(adder);
        const scale = 0.125;
        e.softmaxRows(X, n, rows, n, scale, Ad);
        const out = e.read(X);
        for (let r = 0; r < rows; r++) {
          const z = Array.from({ length: n }, (_, j) => x[r * n + j]! * scale + adder[j]!);
          const m = Math.max(...z);
          const ex = z.map((v) => Math.exp(v - m));
          const s = ex.reduce((a, b) => a + b, 0);
          let total = 0;
          for (let j = 0; j < n; j++) {
            const want = ex[j]! / s;
            const got = out[r * n + j]!;
            total += got;
            // exp to a few ulps, then a sum of n terms and a division.
            const tol = (8 + n) * U * want + 1e-30;
            assert.ok(Math.abs(got - want) <= tol, `row ${r} col ${j}: ${got} vs ${want}`);
            if (adder[j]! < 0 && n > 1) assert.ok(got < 1e-30, `masked key ${j} got ${got}`);
          }
          assert.ok(Math.abs(total - 1) < 1e-6, `row ${r} sums to ${total}`);
        }
      });
    }

    for (const act of ['gelu', 'gelu_exact', 'relu', 'tanh'] as ActivationName[]) {
      it(`${act} over [-30, 30] (and ±1e-6, ±88) matches float64`, function () {
        const xs = Float32Array.from([
          ...Array.from({ length: 601 }, (_, i) => -30 + i * 0.1),
          1e-6,
          -1e-6,
          0,
          88,
          -88,
          7.5,
        ]);
        const X = put(xs);
        const Y = zeros(xs.length);
        e.activation(X, Y, xs.length, Activation[act]);
        const out = e.read(Y);
        for (let i = 0; i < xs.length; i++) {
          const want = referenceActivation(xs[i]!, act);
          // float32 rounding of the argument of exp (|z| up to ~30) shows as ~1e-6 relative in the tails.
          const tol = 2e-6 * Math.abs(want) + (act === 'gelu_exact' ? 2e-7 * Math.abs(xs[i]!) : 0) + 1e-12;
          const got = out[i]!;
          if (!(Math.abs(got - want) <= tol))
            assert.fail(`${act}(${xs[i]}) = ${got}, float64 ${want} (tol ${tol})`);
        }
      });
    }

    it('attention over odd sizes (2 rows, 13 positions, 3 heads of 5) matches float64, with probabilities', function () {
      const random = rng(42);
      const [B, S, A, d] = [2, 13, 3, 5];
      const H = A * d;
      const ld = 3 * H + 2;
      const qkv = randoms(B * S * ld, random, 2);
      const adder = Float32Array.from({ length: B * S }, (_, i) => (i >= S && i % S >= 9 ? -10000 : 0));
      const Q = put(qkv);
      const Ad = put(adder);
      const ldc = H + 1;
      const ctx = zeros(B * S * ldc);
      const probs = zeros(B * A * S * S);
      const scratch = zeros(e.attentionScratch(S, d));
      const scale = 1 / Math.sqrt(d);
      e.attention({
        qkv: Q.ptr,
        ld,
        H,
        adder: Ad.ptr,
        ctx: ctx.ptr,
        ldc,
        probs: probs.ptr,
        B,
        S,
        A,
        d,
        scale,
        scratch: scratch.ptr,
      });
      const gotCtx = e.read(ctx);
      const gotP = e.read(probs);
      for (let b = 0; b < B; b++) {
        for (let h = 0; h < A; h++) {
          for (let i = 0; i < S; i++) {
            const q = (r: number, c: number) => qkv[(b * S + r) * ld + c]!;
            const z = Array.from({ length: S }, (_, j) => {
              let s = 0;
              for (let c = 0; c < d; c++) s += q(i, h * d + c) * q(j, H + h * d + c);
              return s * scale + adder[b * S + j]!;
            });
            const m = Math.max(...z);
            const ex = z.map((v) => Math.exp(v - m));
            const sum = ex.reduce((x, y) => x + y, 0);
            const p = ex.map((v) => v / sum);
            for (let j = 0; j < S; j++) {
              const got = gotP[((b * A + h) * S + i) * S + j]!;
              assert.ok(
                Math.abs(got - p[j]!) <= 2e-6 * p[j]! + 1e-7,
                `p[${b},${h},${i},${j}] ${got} vs ${p[j]}`,
              );
            }
            for (let c = 0; c < d; c++) {
              let want = 0;
              let abs = 0;
              for (let j = 0; j < S; j++) {
                want += p[j]! * q(j, 2 * H + h * d + c);
                abs += Math.abs(p[j]! * q(j, 2 * H + h * d + c));
              }
              const got = gotCtx[(b * S + i) * ldc + h * d + c]!;
              assert.ok(
                Math.abs(got - want) <= 1e-5 * abs + 1e-7,
                `ctx[${b},${i},${h},${c}] ${got} vs ${want}`,
              );
            }
          }
        }
      }
    });

    it('memory regions are reused after release and grow the memory when needed', function () {
      const before = e.reservedBytes;
      const big = e.alloc(20 * 2 ** 20); // 80 MB: past the initial memory
      e.view(big).fill(1);
      assert.ok(e.reservedBytes >= before + 80 * 2 ** 20);
      e.release(big);
      assert.equal(e.reservedBytes, before);
      const again = e.alloc(1000);
      assert.ok(again.ptr < big.ptr + 80 * 2 ** 20);
      e.release(again);
      assert.equal(e.reservedBytes, before);
    });
  });
}

describe('WebAssembly kernels: a worker thread that dies', function () {
  it('fails the operation after the bound and stops the engine, instead of waiting forever', async function () {
    const e = KernelEngine.load(kernelsFile(), 2, 20_000, 1_500);
    try {
      const worker = (e as unknown as { workers: Worker[] }).workers[0]!;
      await worker.terminate();
      const [M, K, N] = [8, 16, 8];
      const A = e.alloc(M * K);
      const Bp = e.alloc(e.packedSize(K, N));
      const C = e.alloc(M * N);
      const scratch = e.alloc(e.gemmScratch());
      assert.throws(
        () =>
          e.gemm({
            a: A.ptr,
            lda: K,
            b: Bp.ptr,
            K,
            N,
            c: C.ptr,
            ldc: N,
            M,
            act: Activation.none,
            scratch: scratch.ptr,
          }),
        /kernel thread did not finish gemm within 1\.5 s; the kernels were stopped/,
      );
      assert.equal(e.stoppedAlready, true);
    } finally {
      e.stop();
    }
  });
});

describe('WebAssembly kernels: two threads compute what one computes', function () {
  it('gemm, attention and layer norm split over two threads equal one thread bit for bit', function () {
    const file = kernelsFile();
    const results: Float32Array[][] = [];
    for (const threads of [1, 2]) {
      const e = KernelEngine.load(file, threads);
      try {
        const random = rng(3);
        const [M, K, N] = [37, 70, 101];
        const A = randomRegion(e, M * K, random);
        const Bp = randomPacked(e, K, N, random);
        const C = e.alloc(M * N);
        const scratch = e.alloc(e.gemmScratch());
        e.gemm({
          a: A.ptr,
          lda: K,
          b: Bp.ptr,
          K,
          N,
          c: C.ptr,
          ldc: N,
          M,
          act: Activation.gelu,
          scratch: scratch.ptr,
        });
        const [B, S, Hd, d] = [3, 17, 4, 8];
        const H = Hd * d;
        const Q = randomRegion(e, B * S * 3 * H, random);
        const Ad = e.alloc(B * S);
        e.view(Ad).fill(0);
        const ctx = e.alloc(B * S * H);
        const as = e.alloc(e.attentionScratch(S, d));
        e.attention({
          qkv: Q.ptr,
          ld: 3 * H,
          H,
          adder: Ad.ptr,
          ctx: ctx.ptr,
          ldc: H,
          B,
          S,
          A: Hd,
          d,
          scale: 0.3,
          scratch: as.ptr,
        });
        // Past several 64-row blocks and 256-step k blocks, with the residual; and layer norm.
        const [M2, K2, N2] = [150, 600, 300];
        const A2 = randomRegion(e, M2 * K2, random);
        const B2p = randomPacked(e, K2, N2, random);
        const R2 = randomRegion(e, M2 * N2, random);
        const bias2 = randomRegion(e, N2 + 8, random);
        const C2 = e.alloc(M2 * N2);
        e.gemm({
          a: A2.ptr,
          lda: K2,
          b: B2p.ptr,
          K: K2,
          N: N2,
          bias: bias2.ptr,
          res: R2.ptr,
          ldr: N2,
          c: C2.ptr,
          ldc: N2,
          M: M2,
          scratch: scratch.ptr,
        });
        const gamma = randomRegion(e, N2, random);
        const beta = randomRegion(e, N2, random);
        const normed = e.alloc(M2 * N2);
        e.layerNorm(C2.ptr, normed.ptr, gamma.ptr, beta.ptr, M2, N2, 1e-12);
        results.push([e.read(C), e.read(ctx), e.read(C2), e.read(normed)]);
      } finally {
        e.stop();
      }
    }
    for (let i = 0; i < results[0]!.length; i++) assert.deepEqual(results[1]![i], results[0]![i]);
  });

  it('one thread alone takes every work item of an operation split in two parts (a slow thread leaves no hole)', function () {
    // The threads of an operation take its items from a counter: part 0 running with no part 1 at all
    // (a thread the machine never schedules) must still compute everything, exactly as a one-part run.
    const e = KernelEngine.load(kernelsFile(), 1);
    try {
      const raw = (e as unknown as { exports: Record<string, (...args: number[]) => void> }).exports;
      const counter = e.alloc(16);
      const alone = (fn: string, args: number[]) => {
        e.view(counter).fill(0);
        raw[fn]!(...args, counter.ptr, 0, 2);
      };
      const random = rng(5);
      const [M, K, N] = [150, 300, 100];
      const A = randomRegion(e, M * K, random);
      const Bp = randomPacked(e, K, N, random);
      // Scratch for two parts: part 0 uses the first area.
      const scratch = e.alloc(2 * e.gemmScratch());
      const whole = e.alloc(M * N);
      const half = e.alloc(M * N);
      e.view(half).fill(0);
      e.gemm({
        a: A.ptr,
        lda: K,
        b: Bp.ptr,
        K,
        N,
        c: whole.ptr,
        ldc: N,
        M,
        act: Activation.relu,
        scratch: scratch.ptr,
      });
      alone('gemm', [A.ptr, K, Bp.ptr, K, N, 0, 0, 0, half.ptr, N, M, Activation.relu, scratch.ptr]);
      assert.deepEqual(e.read(half), e.read(whole));

      const gamma = randomRegion(e, N, random);
      const beta = randomRegion(e, N, random);
      const n1 = e.alloc(M * N);
      const n2 = e.alloc(M * N);
      e.view(n2).fill(0);
      e.layerNorm(whole.ptr, n1.ptr, gamma.ptr, beta.ptr, M, N, 1e-12);
      alone('layerNorm', [whole.ptr, n2.ptr, gamma.ptr, beta.ptr, M, N, 1e-12]);
      assert.deepEqual(e.read(n2), e.read(n1));

      const [B, S, Hd, d] = [2, 20, 3, 8];
      const H = Hd * d;
      const Q = randomRegion(e, B * S * 3 * H, random);
      const Ad = e.alloc(B * S);
      e.view(Ad).fill(0);
      const as = e.alloc(2 * e.attentionScratch(S, d));
      const ctx1 = e.alloc(B * S * H);
      const ctx2 = e.alloc(B * S * H);
      e.view(ctx2).fill(0);
      e.attention({
        qkv: Q.ptr,
        ld: 3 * H,
        H,
        adder: Ad.ptr,
        ctx: ctx1.ptr,
        ldc: H,
        B,
        S,
        A: Hd,
        d,
        scale: 0.3,
        scratch: as.ptr,
      });
      alone('attention', [Q.ptr, 3 * H, H, Ad.ptr, ctx2.ptr, H, 0, B, S, Hd, d, 0.3, as.ptr]);
      assert.deepEqual(e.read(ctx2), e.read(ctx1));
    } finally {
      e.stop();
    }
  });
});
