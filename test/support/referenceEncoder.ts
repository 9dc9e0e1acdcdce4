// An independent float64 forward pass of the encoder in plain TypeScript, written from the math
// (google-research/bert modeling.py, MODEL_GARDEN.md §8) and not from the TensorFlow.js graph: one
// sequence at a time, explicit loops, padding keys left out of the softmax instead of an additive mask.
import type { DenseWeights, EncoderWeights, LayerNormWeights, Tensor } from '../../src/core/model/encoder';

export interface ReferenceInput {
  readonly ids: readonly number[];
  readonly types?: readonly number[];
  readonly mask?: readonly number[];
}

export interface ReferenceOutput {
  /** `[seq][H]` */
  readonly sequence: number[][];
  readonly pooled?: number[];
  /** Every layer's `[seq][H]`. */
  readonly layers: number[][][];
  /** `[layer][head][query][key]` */
  readonly attention: number[][][][];
}

const at = (t: Tensor, row: number, col: number): number => t.data[row * t.shape[1]! + col]!;

function affine(x: readonly number[], w: DenseWeights): number[] {
  const inSize = w.kernel.shape[0]!;
  const outSize = w.kernel.shape[1]!;
  const y: number[] = [];
  for (let o = 0; o < outSize; o++) {
    let sum = w.bias.data[o]!;
    for (let i = 0; i < inSize; i++) sum += x[i]! * at(w.kernel, i, o);
    y.push(sum);
  }
  return y;
}

function normalize(x: readonly number[], n: LayerNormWeights, eps: number): number[] {
  let mean = 0;
  for (const v of x) mean += v;
  mean /= x.length;
  let variance = 0;
  for (const v of x) variance += (v - mean) * (v - mean);
  variance /= x.length;
  const inv = 1 / Math.sqrt(variance + eps);
  return x.map((v, i) => (v - mean) * inv * n.gamma.data[i]! + n.beta.data[i]!);
}

export function referenceActivation(v: number, kind: EncoderWeights['config']['activation']): number {
  switch (kind) {
    case 'gelu': {
      const cdf = 0.5 * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)));
      return v * cdf;
    }
    case 'gelu_exact':
      return 0.5 * v * (1 + erf(v / Math.SQRT2));
    case 'relu':
      return Math.max(0, v);
    case 'tanh':
      return Math.tanh(v);
  }
}

/** Abramowitz–Stegun 7.1.26 is too coarse for 1e-5; use a series/continued-fraction pair. */
function erf(x: number): number {
  const sign = x < 0 ? -1 : 1;
  const a = Math.abs(x);
  if (a < 2.5) {
    let term = a;
    let sum = a;
    for (let n = 1; n < 80; n++) {
      term *= (-a * a) / n;
      sum += term / (2 * n + 1);
    }
    return (sign * 2 * sum) / Math.sqrt(Math.PI);
  }
  // erfc continued fraction
  let f = 0;
  for (let k = 60; k >= 1; k--) f = k / 2 / (a + f);
  const erfc = Math.exp(-a * a) / Math.sqrt(Math.PI) / (a + f);
  return sign * (1 - erfc);
}

export function referenceForward(w: EncoderWeights, input: ReferenceInput): ReferenceOutput {
  const c = w.config;
  const S = input.ids.length;
  const H = c.hiddenSize;
  const A = c.numHeads;
  const d = H / A;
  const valid = (j: number) => (input.mask ? input.mask[j] !== 0 : true);
  let hidden: number[][] = [];
  for (let s = 0; s < S; s++) {
    const e: number[] = [];
    for (let k = 0; k < c.embeddingSize; k++) {
      e.push(
        at(w.wordEmbeddings, input.ids[s]!, k) +
          at(w.positionEmbeddings, s, k) +
          at(w.typeEmbeddings, input.types?.[s] ?? 0, k),
      );
    }
    const n = normalize(e, w.embeddingNorm, c.layerNormEpsilon);
    hidden.push(w.embeddingProjection ? affine(n, w.embeddingProjection) : n);
  }
  const layers: number[][][] = [];
  const attention: number[][][][] = [];
  for (const layer of w.layers) {
    const q = hidden.map((h) => affine(h, layer.query));
    const k = hidden.map((h) => affine(h, layer.key));
    const v = hidden.map((h) => affine(h, layer.value));
    const context: number[][] = hidden.map(() => new Array<number>(H).fill(0));
    const layerProbs: number[][][] = [];
    for (let head = 0; head < A; head++) {
      const headProbs: number[][] = [];
      for (let i = 0; i < S; i++) {
        const scores: number[] = [];
        for (let j = 0; j < S; j++) {
          let dot = 0;
          for (let t = 0; t < d; t++) dot += q[i]![head * d + t]! * k[j]![head * d + t]!;
          scores.push(dot / Math.sqrt(d));
        }
        const max = Math.max(...scores.filter((_, j) => valid(j)));
        const exps = scores.map((s, j) => (valid(j) ? Math.exp(s - max) : 0));
        const total = exps.reduce((a, b) => a + b, 0);
        const probs = exps.map((e) => e / total);
        headProbs.push(probs);
        for (let j = 0; j < S; j++) {
          for (let t = 0; t < d; t++) context[i]![head * d + t]! += probs[j]! * v[j]![head * d + t]!;
        }
      }
      layerProbs.push(headProbs);
    }
    attention.push(layerProbs);
    const afterAttention = hidden.map((h, i) => {
      const o = affine(context[i]!, layer.attentionOutput);
      return normalize(
        o.map((val, t) => val + h[t]!),
        layer.attentionNorm,
        c.layerNormEpsilon,
      );
    });
    hidden = afterAttention.map((h) => {
      const inner = affine(h, layer.intermediate).map((val) => referenceActivation(val, c.activation));
      const o = affine(inner, layer.output);
      return normalize(
        o.map((val, t) => val + h[t]!),
        layer.outputNorm,
        c.layerNormEpsilon,
      );
    });
    layers.push(hidden);
  }
  const pooled = w.pooler ? affine(hidden[0]!, w.pooler).map(Math.tanh) : undefined;
  return { sequence: hidden, pooled, layers, attention };
}

/** Masked-LM logits of one position's final hidden vector: transform, activation, norm, tied table. */
export function referenceMaskedLm(w: EncoderWeights, h: readonly number[]): number[] {
  const head = w.heads.maskedLm;
  if (!head) throw new Error('no masked-LM head');
  const t = affine(h, head.transform).map((v) => referenceActivation(v, w.config.activation));
  const n = normalize(t, head.norm, w.config.layerNormEpsilon);
  const logits: number[] = [];
  for (let token = 0; token < w.config.vocabSize; token++) {
    let sum = head.outputBias.data[token]!;
    for (let k = 0; k < n.length; k++) sum += n[k]! * at(w.wordEmbeddings, token, k);
    logits.push(sum);
  }
  return logits;
}

/** `x · W + b` for the simple heads (next-sentence, classifier, span, tagging). */
export function referenceDense(x: readonly number[], w: DenseWeights): number[] {
  return affine(x, w);
}
