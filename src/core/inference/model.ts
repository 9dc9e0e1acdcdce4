// The encoder forward pass (BERT, ALBERT, ELECTRA) and its heads in TensorFlow.js ops. One
// `EncoderModel` owns its uploaded weights until `dispose()`.
import * as tf from '@tensorflow/tfjs-core';
import type { EncoderConfig, EncoderHeads, EncoderWeights } from '../model/encoder';
import { activeKernels, KernelLayers, kernelUnsupported } from './kernels';
import { activate, attention, dense, layerNorm, talkingHeadsAttention } from './math';
import {
  CancelledError,
  InferenceInputError,
  type EncoderInput,
  type EncoderResult,
  type RunOptions,
} from './types';
import {
  uploadWeights,
  type DeviceDense,
  type DeviceLayer,
  type DeviceWeights,
  type UploadOptions,
} from './upload';

/** google-research/bert's additive attention mask for padding keys. */
const MASK_ADDER = -10000;

/** Lets the event loop run (cancel messages) between layers without a timer's delay. */
const yieldTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Which task heads a loaded model carries. */
export type HeadFlags = Readonly<Record<keyof EncoderHeads, boolean>>;

export class EncoderModel {
  readonly config: EncoderConfig;
  readonly labels: { readonly classifier?: readonly string[]; readonly tagging?: readonly string[] };
  private device: DeviceWeights | undefined;
  /** The transformer layers on the project's WebAssembly kernels, when they are active and fit the model. */
  private kernelLayers: KernelLayers | undefined;
  /** Why the layers run on TensorFlow.js although the kernels are active (e.g. talking-heads attention). */
  readonly kernelsSkipped?: string;

  /**
   * With `release`, the host arrays of `weights` are handed over during the upload (see upload.ts).
   * While the WebAssembly kernels are active (initBackend with the wasm backend), the transformer layers
   * are packed into their memory instead of TensorFlow.js tensors.
   */
  constructor(weights: EncoderWeights, upload: UploadOptions = {}) {
    this.config = weights.config;
    this.labels = { classifier: weights.heads.classifier?.labels, tagging: weights.heads.tagging?.labels };
    const kernels = activeKernels();
    const unsupported = kernels ? kernelUnsupported(weights) : undefined;
    if (unsupported) this.kernelsSkipped = unsupported;
    if (kernels && !unsupported) {
      this.kernelLayers = new KernelLayers(kernels, weights.config, weights.layers, upload.release);
    }
    try {
      this.device = uploadWeights(weights, { ...upload, layers: !this.kernelLayers });
    } catch (error) {
      this.kernelLayers?.dispose();
      throw error;
    }
  }

  /** Where the transformer layers run. */
  get engine(): 'kernels' | 'tfjs' {
    return this.kernelLayers ? 'kernels' : 'tfjs';
  }

  /** Which heads the weights carry. */
  get heads(): HeadFlags {
    const d = this.weights();
    return {
      maskedLm: !!d.maskedLm,
      nextSentence: !!d.nextSentence,
      classifier: !!d.classifier,
      span: !!d.span,
      tagging: !!d.tagging,
      discriminator: !!d.discriminator,
    };
  }

  get disposed(): boolean {
    return this.device === undefined;
  }

  dispose(): void {
    if (!this.device) return;
    for (const t of this.device.all) t.dispose();
    this.device = undefined;
    this.kernelLayers?.dispose();
    this.kernelLayers = undefined;
  }

  async run(input: EncoderInput, options: RunOptions = {}): Promise<EncoderResult> {
    const d = this.weights();
    const c = this.config;
    const { batch: B, seqLength: S } = input;
    this.validate(input);
    const H = c.hiddenSize;
    const A = c.numHeads;
    const headSize = H / A;
    const cancelled = () => options.isCancelled?.() === true;
    const keep: tf.Tensor[] = [];
    const layersOut: Float32Array[] = [];
    const attentionOut: Float32Array[] = [];
    let x: tf.Tensor2D | undefined;
    try {
      const ids = tf.tensor2d(input.inputIds, [B, S], 'int32');
      const types = tf.tensor2d(input.typeIds ?? new Int32Array(B * S), [B, S], 'int32');
      const maskArr = input.mask ?? new Int32Array(B * S).fill(1);
      keep.push(ids, types);
      // [B, 1, 1, S]: 0 for real keys, MASK_ADDER for padding.
      const adder = tf.tidy(() =>
        tf.reshape(tf.mul(tf.sub(1, tf.tensor2d(maskArr, [B, S], 'float32')), MASK_ADDER), [B, 1, 1, S]),
      );
      keep.push(adder);
      x = tf.tidy(() => {
        const words = tf.gather(d.wordEmbeddings, tf.reshape(ids, [-1]));
        const positions = tf.slice(d.positionEmbeddings, [0, 0], [S, c.embeddingSize]);
        const segs = tf.gather(d.typeEmbeddings, tf.reshape(types, [-1]));
        const summed = tf.add(tf.add(tf.reshape(words, [B, S, -1]), positions), tf.reshape(segs, [B, S, -1]));
        const normed = layerNorm(summed, d.embeddingNorm.gamma, d.embeddingNorm.beta, c.layerNormEpsilon);
        const flat = tf.reshape(normed, [B * S, c.embeddingSize]) as tf.Tensor2D;
        return d.embeddingProjection
          ? dense(flat, d.embeddingProjection.kernel, d.embeddingProjection.bias)
          : flat;
      }) as tf.Tensor2D;
      if (this.kernelLayers) {
        if (cancelled()) throw new CancelledError();
        const embedded = await dataOf(x);
        x.dispose();
        x = undefined;
        const maskAdder = Float32Array.from(maskArr, (m) => (1 - m) * MASK_ADDER);
        const out = await this.kernelLayers.run(embedded, maskAdder, B, S, {
          withProbs: !!options.attention,
          afterLayer: async (_index, output, probs) => {
            if (options.allLayers) layersOut.push(output());
            if (probs) attentionOut.push(probs());
            await yieldTurn();
            if (cancelled()) throw new CancelledError();
          },
        });
        x = tf.tensor2d(out, [B * S, H]);
      }
      for (const layer of d.layers) {
        if (cancelled()) throw new CancelledError();
        const previous: tf.Tensor2D = x;
        const { output, probs } = tf.tidy(() =>
          this.layer(layer, previous, adder, B, S, A, headSize, !!options.attention),
        );
        previous.dispose();
        x = output;
        if (options.allLayers) layersOut.push(await dataOf(x));
        if (probs) {
          attentionOut.push(await dataOf(probs));
          probs.dispose();
        }
        await yieldTurn();
      }
      if (cancelled()) throw new CancelledError();
      const sequence = await dataOf(x);
      const seq3 = x;
      const result: { -readonly [K in keyof EncoderResult]: EncoderResult[K] } = {
        batch: B,
        seqLength: S,
        hiddenSize: H,
        sequence,
      };
      if (options.allLayers) result.layers = layersOut;
      if (options.attention) result.attention = attentionOut;
      let pooled: tf.Tensor2D | undefined;
      if (d.pooler) {
        const pooler = d.pooler;
        pooled = tf.tidy(() => {
          const first = tf.reshape(tf.slice(tf.reshape(seq3, [B, S, H]), [0, 0, 0], [B, 1, H]), [
            B,
            H,
          ]) as tf.Tensor2D;
          return tf.tanh(dense(first, pooler.kernel, pooler.bias)) as tf.Tensor2D;
        });
        keep.push(pooled);
        result.pooled = await dataOf(pooled);
      }
      if (options.maskedPositions && d.maskedLm) {
        const { logits, positions } = this.maskedLm(d, seq3, options.maskedPositions, B, S);
        keep.push(logits);
        result.maskedLmLogits = await dataOf(logits);
        result.maskedLmPositions = positions;
      }
      if (options.heads) {
        if (pooled && d.nextSentence) result.nextSentenceLogits = await denseData(pooled, d.nextSentence);
        if (pooled && d.classifier) result.classifierLogits = await denseData(pooled, d.classifier);
        if (d.span) {
          const both = await denseData(seq3, d.span);
          const start = new Float32Array(B * S);
          const end = new Float32Array(B * S);
          for (let i = 0; i < B * S; i++) {
            start[i] = both[2 * i]!;
            end[i] = both[2 * i + 1]!;
          }
          result.spanStartLogits = start;
          result.spanEndLogits = end;
        }
        if (d.tagging) result.taggingLogits = await denseData(seq3, d.tagging);
        if (d.discriminator) {
          const disc = d.discriminator;
          const hidden = tf.tidy(() =>
            activate(dense(seq3, disc.dense.kernel, disc.dense.bias), c.activation),
          );
          keep.push(hidden);
          result.discriminatorLogits = await denseData(hidden as tf.Tensor2D, disc.prediction);
        }
      }
      return result;
    } finally {
      for (const t of keep) t.dispose();
      x?.dispose();
    }
  }

  private layer(
    w: DeviceLayer,
    x: tf.Tensor2D,
    adder: tf.Tensor,
    B: number,
    S: number,
    A: number,
    headSize: number,
    wantProbs: boolean,
  ): { output: tf.Tensor2D; probs?: tf.Tensor } {
    const c = this.config;
    const H = c.hiddenSize;
    const heads = (t: tf.Tensor2D, order: number[]) =>
      tf.transpose(tf.reshape(t, [B, S, A, headSize]), order) as tf.Tensor4D;
    const q = heads(dense(x, w.query.kernel, w.query.bias), [0, 2, 1, 3]);
    const kT = heads(dense(x, w.key.kernel, w.key.bias), [0, 2, 3, 1]);
    const v = heads(dense(x, w.value.kernel, w.value.bias), [0, 2, 1, 3]);
    const scale = 1 / Math.sqrt(headSize);
    const { context: perHead, probs } = w.talkingHeads
      ? talkingHeadsAttention(q, kT, v, adder as tf.Tensor4D, scale, w.talkingHeads.pre, w.talkingHeads.post)
      : attention(q, kT, v, adder as tf.Tensor4D, scale, wantProbs);
    const context = tf.reshape(tf.transpose(perHead, [0, 2, 1, 3]), [B * S, H]) as tf.Tensor2D;
    const attended = dense(context, w.attentionOutput.kernel, w.attentionOutput.bias);
    const x1 = layerNorm(
      tf.add(attended, x),
      w.attentionNorm.gamma,
      w.attentionNorm.beta,
      c.layerNormEpsilon,
    );
    const activated = activate(
      dense(x1 as tf.Tensor2D, w.intermediate.kernel, w.intermediate.bias),
      c.activation,
    );
    // GatedFeedforward: the activation times a linear gate of the same input.
    const inner = w.gate
      ? tf.mul(activated, dense(x1 as tf.Tensor2D, w.gate.kernel, w.gate.bias))
      : activated;
    const out = dense(inner as tf.Tensor2D, w.output.kernel, w.output.bias);
    const output = layerNorm(
      tf.add(out, x1),
      w.outputNorm.gamma,
      w.outputNorm.beta,
      c.layerNormEpsilon,
    ) as tf.Tensor2D;
    return wantProbs ? { output, probs } : { output };
  }

  private maskedLm(
    d: DeviceWeights,
    seq: tf.Tensor2D,
    wanted: readonly (readonly number[])[],
    B: number,
    S: number,
  ): { logits: tf.Tensor; positions: number[][] } {
    const head = d.maskedLm!;
    if (wanted.length !== B)
      throw new InferenceInputError(`maskedPositions has ${wanted.length} rows for a batch of ${B}`);
    const P = Math.max(1, ...wanted.map((r) => r.length));
    const positions = wanted.map((row) => [...row]);
    const flat = new Int32Array(B * P);
    for (let b = 0; b < B; b++) {
      for (let p = 0; p < P; p++) {
        const pos = positions[b]![p] ?? 0;
        if (!Number.isInteger(pos) || pos < 0 || pos >= S) {
          throw new InferenceInputError(`masked position ${pos} is outside the sequence (length ${S})`);
        }
        flat[b * P + p] = b * S + pos;
      }
    }
    const logits = tf.tidy(() => {
      const picked = tf.gather(seq, tf.tensor1d(flat, 'int32')) as tf.Tensor2D;
      const t = activate(dense(picked, head.transform.kernel, head.transform.bias), this.config.activation);
      const normed = layerNorm(
        t,
        head.norm.gamma,
        head.norm.beta,
        this.config.layerNormEpsilon,
      ) as tf.Tensor2D;
      const scores = tf.add(tf.matMul(normed, d.wordEmbeddings, false, true), head.outputBias);
      return tf.reshape(scores, [B, P, this.config.vocabSize]);
    });
    return { logits, positions };
  }

  private validate(input: EncoderInput): void {
    const { batch: B, seqLength: S } = input;
    const c = this.config;
    if (!Number.isInteger(B) || B < 1 || !Number.isInteger(S) || S < 1) {
      throw new InferenceInputError(`batch (${B}) and sequence length (${S}) must be positive integers`);
    }
    if (S > c.maxPositionEmbeddings) {
      throw new InferenceInputError(
        `sequence length ${S} exceeds the model's ${c.maxPositionEmbeddings} positions`,
      );
    }
    const n = B * S;
    for (const [name, arr] of [
      ['inputIds', input.inputIds],
      ['typeIds', input.typeIds],
      ['mask', input.mask],
    ] as const) {
      if (arr && arr.length !== n)
        throw new InferenceInputError(`${name} has ${arr.length} values, expected ${n}`);
    }
    for (const id of input.inputIds) {
      if (id < 0 || id >= c.vocabSize)
        throw new InferenceInputError(`token id ${id} is outside the vocabulary (${c.vocabSize})`);
    }
    if (input.typeIds) {
      for (const t of input.typeIds) {
        if (t < 0 || t >= c.typeVocabSize)
          throw new InferenceInputError(`type id ${t} is outside 0..${c.typeVocabSize - 1}`);
      }
    }
  }

  private weights(): DeviceWeights {
    if (!this.device) throw new Error('The model was disposed.');
    return this.device;
  }
}

async function dataOf(t: tf.Tensor): Promise<Float32Array> {
  return (await t.data()) as Float32Array;
}

async function denseData(x: tf.Tensor2D, w: DeviceDense): Promise<Float32Array> {
  const out = dense(x, w.kernel, w.bias);
  try {
    return await dataOf(out);
  } finally {
    out.dispose();
  }
}
