// The encoder's transformer layers on the project's WebAssembly kernels (engine.ts): the layer weights
// are packed once into the kernels' memory (the only copy: TensorFlow.js keeps the embeddings and heads),
// and a forward pass over the layers runs five parallel matrix products, the attention and two layer
// norms per layer, with the bias, the activation and the residual fused into the products.
import type { EncoderConfig, EncoderWeights, Tensor, TransformerLayerWeights } from '../../model/encoder';
import { Activation, type KernelEngine, type Region } from './engine';

/** Why these weights cannot run on the kernels (undefined: they can). */
export function kernelUnsupported(weights: EncoderWeights): string | undefined {
  const c = weights.config;
  if (c.hiddenSize % c.numHeads !== 0) return 'the hidden size is not divisible by the heads';
  for (const layer of weights.layers) {
    if (layer.talkingHeads) return 'talking-heads attention runs on TensorFlow.js';
    if (layer.gate) return 'a gated feed-forward runs on TensorFlow.js';
  }
  return undefined;
}

interface PackedLayer {
  readonly qkv: Region;
  readonly qkvBias: Region;
  readonly attentionOutput: Region;
  readonly attentionOutputBias: Region;
  readonly attentionNorm: Region;
  readonly intermediate: Region;
  readonly intermediateBias: Region;
  readonly output: Region;
  readonly outputBias: Region;
  readonly outputNorm: Region;
}

const RELEASED = new Float32Array(0);

export interface LayerRunOptions {
  /** After each layer (its output [B·S, H]); may be async (the caller yields, checks cancel). */
  readonly afterLayer?: (
    index: number,
    output: () => Float32Array,
    probs?: () => Float32Array,
  ) => Promise<void>;
  readonly withProbs?: boolean;
}

export class KernelLayers {
  private readonly regions: Region[] = [];
  private readonly layers: PackedLayer[];
  private disposed = false;

  /** Packs the layers' weights; with `release`, each host array is emptied once copied. */
  constructor(
    private readonly engine: KernelEngine,
    private readonly config: EncoderConfig,
    weights: readonly TransformerLayerWeights[],
    release = false,
  ) {
    const shared = new Map<TransformerLayerWeights, PackedLayer>();
    try {
      this.layers = weights.map((layer) => {
        let packed = shared.get(layer);
        if (!packed) {
          packed = this.packLayer(layer);
          shared.set(layer, packed);
        }
        return packed;
      });
      if (release) {
        for (const layer of shared.keys()) {
          for (const t of layerTensors(layer)) (t as { data: Float32Array }).data = RELEASED;
        }
      }
    } catch (error) {
      this.dispose();
      throw error;
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (!this.engine.stoppedAlready) for (const r of this.regions) this.engine.release(r);
    this.regions.length = 0;
  }

  /**
   * Runs every layer on `x` [B·S, H] (the embeddings) with the per-key additive mask `adder` [B·S];
   * returns the last layer's output.
   */
  async run(
    x: Float32Array,
    adder: Float32Array,
    B: number,
    S: number,
    options: LayerRunOptions = {},
  ): Promise<Float32Array> {
    if (this.disposed) throw new Error('The model was disposed.');
    const e = this.engine;
    const c = this.config;
    const H = c.hiddenSize;
    const F = c.intermediateSize;
    const A = c.numHeads;
    const d = H / A;
    const M = B * S;
    const act = Activation[c.activation];
    const buffers: Region[] = [];
    const buffer = (floats: number) => {
      const r = e.alloc(floats);
      buffers.push(r);
      return r;
    };
    try {
      const X = buffer(M * H);
      const X1 = buffer(M * H);
      const QKV = buffer(M * 3 * H);
      const CTX = buffer(M * H);
      const INNER = buffer(M * F);
      const ADD = buffer(M);
      const probs = options.withProbs ? buffer(B * A * S * S) : undefined;
      const gemmScratch = buffer(e.gemmScratch());
      const attnScratch = buffer(e.attentionScratch(S, d));
      e.write(X, x);
      e.write(ADD, adder);
      const scale = 1 / Math.sqrt(d);
      for (const [index, w] of this.layers.entries()) {
        e.gemm({
          a: X.ptr,
          lda: H,
          b: w.qkv.ptr,
          K: H,
          N: 3 * H,
          bias: w.qkvBias.ptr,
          c: QKV.ptr,
          ldc: 3 * H,
          M,
          label: 'gemm qkv',
          scratch: gemmScratch.ptr,
        });
        e.attention({
          qkv: QKV.ptr,
          ld: 3 * H,
          H,
          adder: ADD.ptr,
          ctx: CTX.ptr,
          ldc: H,
          probs: probs?.ptr,
          B,
          S,
          A,
          d,
          scale,
          scratch: attnScratch.ptr,
        });
        // x1 = LayerNorm(context · Wo + bo + x)
        e.gemm({
          a: CTX.ptr,
          lda: H,
          b: w.attentionOutput.ptr,
          K: H,
          N: H,
          bias: w.attentionOutputBias.ptr,
          res: X.ptr,
          ldr: H,
          c: X1.ptr,
          ldc: H,
          M,
          label: 'gemm attention output',
          scratch: gemmScratch.ptr,
        });
        e.layerNorm(
          X1.ptr,
          X1.ptr,
          w.attentionNorm.ptr,
          w.attentionNorm.ptr + 4 * H,
          M,
          H,
          c.layerNormEpsilon,
        );
        // x = LayerNorm(act(x1 · W1 + b1) · W2 + b2 + x1)
        e.gemm({
          a: X1.ptr,
          lda: H,
          b: w.intermediate.ptr,
          K: H,
          N: F,
          bias: w.intermediateBias.ptr,
          c: INNER.ptr,
          ldc: F,
          M,
          act,
          label: 'gemm intermediate',
          scratch: gemmScratch.ptr,
        });
        e.gemm({
          a: INNER.ptr,
          lda: F,
          b: w.output.ptr,
          K: F,
          N: H,
          bias: w.outputBias.ptr,
          res: X1.ptr,
          ldr: H,
          c: X.ptr,
          ldc: H,
          M,
          label: 'gemm output',
          scratch: gemmScratch.ptr,
        });
        e.layerNorm(X.ptr, X.ptr, w.outputNorm.ptr, w.outputNorm.ptr + 4 * H, M, H, c.layerNormEpsilon);
        await options.afterLayer?.(index, () => e.read(X), probs ? () => e.read(probs) : undefined);
      }
      return e.read(X);
    } finally {
      for (const r of buffers) e.release(r);
    }
  }

  private keep(floats: number): Region {
    const r = this.engine.alloc(floats);
    this.regions.push(r);
    return r;
  }

  /** Copies a vector padded with zeros to a whole number of 8-float panels (the kernels read by 8). */
  private vector(parts: readonly Tensor[]): Region {
    const n = parts.reduce((s, t) => s + t.data.length, 0);
    const r = this.keep(Math.ceil(n / 8) * 8);
    this.engine.view(r).fill(0);
    let at = 0;
    for (const t of parts) {
      this.engine.write(r, t.data, at);
      at += t.data.length;
    }
    return r;
  }

  /** Packs the column-wise concatenation of row-major [K × Nᵢ] matrices. */
  private matrix(parts: readonly Tensor[]): Region {
    const e = this.engine;
    const K = parts[0]!.shape[0]!;
    const N = parts.reduce((s, t) => s + t.shape[1]!, 0);
    for (const t of parts) {
      if (t.shape.length !== 2 || t.shape[0] !== K || t.data.length !== K * t.shape[1]!)
        throw new Error(`a kernel of shape [${t.shape.join(', ')}] does not fit [${K}, …]`);
    }
    const staging = e.alloc(K * N);
    try {
      const view = e.view(staging);
      let col = 0;
      for (const t of parts) {
        const n = t.shape[1]!;
        for (let k = 0; k < K; k++) view.set(t.data.subarray(k * n, (k + 1) * n), k * N + col);
        col += n;
      }
      const packed = this.keep(e.packedSize(K, N));
      e.pack(staging.ptr, N, K, N, packed);
      return packed;
    } finally {
      e.release(staging);
    }
  }

  private packLayer(l: TransformerLayerWeights): PackedLayer {
    const c = this.config;
    const H = c.hiddenSize;
    const check = (name: string, t: Tensor, shape: number[]) => {
      if (
        t.shape.length !== shape.length ||
        t.shape.some((v, i) => v !== shape[i]) ||
        t.data.length !== shape.reduce((a, b) => a * b, 1)
      )
        throw new Error(`${name}: expected shape [${shape.join(', ')}], got [${t.shape.join(', ')}]`);
    };
    for (const [name, d] of [
      ['query', l.query],
      ['key', l.key],
      ['value', l.value],
      ['attention_output', l.attentionOutput],
    ] as const) {
      check(`${name}/kernel`, d.kernel, [H, H]);
      check(`${name}/bias`, d.bias, [H]);
    }
    check('intermediate/kernel', l.intermediate.kernel, [H, c.intermediateSize]);
    check('intermediate/bias', l.intermediate.bias, [c.intermediateSize]);
    check('output/kernel', l.output.kernel, [c.intermediateSize, H]);
    check('output/bias', l.output.bias, [H]);
    for (const n of [l.attentionNorm, l.outputNorm]) {
      check('layer_norm/gamma', n.gamma, [H]);
      check('layer_norm/beta', n.beta, [H]);
    }
    return {
      qkv: this.matrix([l.query.kernel, l.key.kernel, l.value.kernel]),
      qkvBias: this.vector([l.query.bias, l.key.bias, l.value.bias]),
      attentionOutput: this.matrix([l.attentionOutput.kernel]),
      attentionOutputBias: this.vector([l.attentionOutput.bias]),
      attentionNorm: this.vector([l.attentionNorm.gamma, l.attentionNorm.beta]),
      intermediate: this.matrix([l.intermediate.kernel]),
      intermediateBias: this.vector([l.intermediate.bias]),
      output: this.matrix([l.output.kernel]),
      outputBias: this.vector([l.output.bias]),
      outputNorm: this.vector([l.outputNorm.gamma, l.outputNorm.beta]),
    };
  }
}

function layerTensors(l: TransformerLayerWeights): Tensor[] {
  return [
    l.query.kernel,
    l.query.bias,
    l.key.kernel,
    l.key.bias,
    l.value.kernel,
    l.value.bias,
    l.attentionOutput.kernel,
    l.attentionOutput.bias,
    l.intermediate.kernel,
    l.intermediate.bias,
    l.output.kernel,
    l.output.bias,
    l.attentionNorm.gamma,
    l.attentionNorm.beta,
    l.outputNorm.gamma,
    l.outputNorm.beta,
  ];
}
