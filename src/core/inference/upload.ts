// Copies canonical `EncoderWeights` into backend tensors once. ALBERT's shared block is uploaded a
// single time (layers that are the same object share tensors).
import * as tf from '@tensorflow/tfjs-core';
import type {
  DenseWeights,
  EncoderWeights,
  LayerNormWeights,
  Tensor,
  TransformerLayerWeights,
} from '../model/encoder';

export interface DeviceDense {
  readonly kernel: tf.Tensor2D;
  readonly bias: tf.Tensor1D;
}

export interface DeviceNorm {
  readonly gamma: tf.Tensor1D;
  readonly beta: tf.Tensor1D;
}

export interface DeviceLayer {
  readonly query: DeviceDense;
  readonly key: DeviceDense;
  readonly value: DeviceDense;
  readonly attentionOutput: DeviceDense;
  readonly attentionNorm: DeviceNorm;
  readonly intermediate: DeviceDense;
  readonly output: DeviceDense;
  readonly outputNorm: DeviceNorm;
  readonly gate?: DeviceDense;
  readonly talkingHeads?: { readonly pre: tf.Tensor2D; readonly post: tf.Tensor2D };
}

export interface DeviceWeights {
  readonly wordEmbeddings: tf.Tensor2D;
  readonly positionEmbeddings: tf.Tensor2D;
  readonly typeEmbeddings: tf.Tensor2D;
  readonly embeddingNorm: DeviceNorm;
  readonly embeddingProjection?: DeviceDense;
  readonly layers: readonly DeviceLayer[];
  readonly pooler?: DeviceDense;
  readonly maskedLm?: {
    readonly transform: DeviceDense;
    readonly norm: DeviceNorm;
    readonly outputBias: tf.Tensor1D;
  };
  readonly nextSentence?: DeviceDense;
  readonly classifier?: DeviceDense;
  readonly span?: DeviceDense;
  readonly tagging?: DeviceDense;
  readonly discriminator?: { readonly dense: DeviceDense; readonly prediction: DeviceDense };
  /** Every tensor uploaded, for dispose. */
  readonly all: readonly tf.Tensor[];
}

export class WeightShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WeightShapeError';
  }
}

export interface UploadOptions {
  /**
   * Hand each host array over: after its tensor is created, the weights' `data` is replaced by an empty array
   * so that the host copy can be collected during the upload (the backends that copy into their own memory —
   * wasm, tfjs-node — then hold the only copy). The weights are unusable afterwards.
   */
  readonly release?: boolean;
  /** False when the transformer layers run elsewhere (the WebAssembly kernels): `layers` is then empty. */
  readonly layers?: boolean;
}

const RELEASED = new Float32Array(0);

export function uploadWeights(weights: EncoderWeights, options: UploadOptions = {}): DeviceWeights {
  const all: tf.Tensor[] = [];
  // A host tensor that appears twice in the weights (tied weights) is uploaded once.
  const uploaded = new Map<Tensor, tf.Tensor>();
  const hand = (t: Tensor, out: tf.Tensor): void => {
    uploaded.set(t, out);
    all.push(out);
    if (options.release) (t as { data: Float32Array }).data = RELEASED;
  };
  const known = (t: Tensor, shape: readonly number[]): tf.Tensor | undefined => {
    const out = uploaded.get(t);
    if (out && (out.shape.length !== shape.length || out.shape.some((d, i) => d !== shape[i])))
      throw new WeightShapeError(
        `a tied weight of shape [${out.shape.join(', ')}] is used as [${shape.join(', ')}]`,
      );
    return out;
  };
  const check = (name: string, t: Tensor, shape: readonly number[]): void => {
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i]) || t.data.length !== size) {
      throw new WeightShapeError(
        `${name}: expected shape [${shape.join(', ')}], got [${t.shape.join(', ')}] with ${t.data.length} values`,
      );
    }
  };
  const up2 = (name: string, t: Tensor, shape: readonly number[]): tf.Tensor2D => {
    const reused = known(t, shape);
    if (reused) return reused as tf.Tensor2D;
    check(name, t, shape);
    const out = tf.tensor2d(t.data, [shape[0]!, shape[1]!], 'float32');
    hand(t, out);
    return out;
  };
  const up1 = (name: string, t: Tensor, shape: readonly number[]): tf.Tensor1D => {
    const reused = known(t, shape);
    if (reused) return reused as tf.Tensor1D;
    check(name, t, shape);
    const out = tf.tensor1d(t.data, 'float32');
    hand(t, out);
    return out;
  };
  const denseW = (name: string, d: DenseWeights, inSize: number, outSize?: number): DeviceDense => {
    const out = outSize ?? d.bias.shape[0] ?? 0;
    return {
      kernel: up2(`${name}/kernel`, d.kernel, [inSize, out]),
      bias: up1(`${name}/bias`, d.bias, [out]),
    };
  };
  const norm = (name: string, n: LayerNormWeights, size: number): DeviceNorm => ({
    gamma: up1(`${name}/gamma`, n.gamma, [size]),
    beta: up1(`${name}/beta`, n.beta, [size]),
  });

  const c = weights.config;
  const H = c.hiddenSize;
  const E = c.embeddingSize;
  if (H % c.numHeads !== 0)
    throw new WeightShapeError(`hidden size ${H} is not divisible by ${c.numHeads} heads`);
  if (weights.layers.length !== c.numLayers) {
    throw new WeightShapeError(`config says ${c.numLayers} layers, weights have ${weights.layers.length}`);
  }
  if (E !== H && !weights.embeddingProjection) {
    throw new WeightShapeError(
      `embedding width ${E} differs from hidden size ${H} but there is no embedding projection`,
    );
  }
  const shared = new Map<TransformerLayerWeights, DeviceLayer>();
  const onDevice = options.layers === false ? [] : weights.layers;
  const layers = onDevice.map((layer, i) => {
    const known = shared.get(layer);
    if (known) return known;
    const p = `layer_${i}`;
    const device: DeviceLayer = {
      query: denseW(`${p}/query`, layer.query, H, H),
      key: denseW(`${p}/key`, layer.key, H, H),
      value: denseW(`${p}/value`, layer.value, H, H),
      attentionOutput: denseW(`${p}/attention_output`, layer.attentionOutput, H, H),
      attentionNorm: norm(`${p}/attention_norm`, layer.attentionNorm, H),
      intermediate: denseW(`${p}/intermediate`, layer.intermediate, H, c.intermediateSize),
      output: denseW(`${p}/output`, layer.output, c.intermediateSize, H),
      outputNorm: norm(`${p}/output_norm`, layer.outputNorm, H),
      ...(layer.gate ? { gate: denseW(`${p}/gate`, layer.gate, H, c.intermediateSize) } : {}),
      ...(layer.talkingHeads
        ? {
            talkingHeads: {
              pre: up2(`${p}/pre_softmax_weight`, layer.talkingHeads.pre, [c.numHeads, c.numHeads]),
              post: up2(`${p}/post_softmax_weight`, layer.talkingHeads.post, [c.numHeads, c.numHeads]),
            },
          }
        : {}),
    };
    shared.set(layer, device);
    return device;
  });
  const h = weights.heads;
  const mlmWidth = h.maskedLm?.transform.bias.shape[0] ?? E;
  return {
    wordEmbeddings: up2('word_embeddings', weights.wordEmbeddings, [c.vocabSize, E]),
    positionEmbeddings: up2('position_embeddings', weights.positionEmbeddings, [c.maxPositionEmbeddings, E]),
    typeEmbeddings: up2('type_embeddings', weights.typeEmbeddings, [c.typeVocabSize, E]),
    embeddingNorm: norm('embeddings/layer_norm', weights.embeddingNorm, E),
    embeddingProjection: weights.embeddingProjection
      ? denseW('embedding_projection', weights.embeddingProjection, E, H)
      : undefined,
    layers,
    pooler: weights.pooler ? denseW('pooler', weights.pooler, H, H) : undefined,
    maskedLm: h.maskedLm
      ? {
          transform: denseW('masked_lm/transform', h.maskedLm.transform, H, mlmWidth),
          norm: norm('masked_lm/norm', h.maskedLm.norm, mlmWidth),
          outputBias: up1('masked_lm/output_bias', h.maskedLm.outputBias, [c.vocabSize]),
        }
      : undefined,
    nextSentence: h.nextSentence ? denseW('next_sentence', h.nextSentence, H, 2) : undefined,
    classifier: h.classifier ? denseW('classifier', h.classifier, H) : undefined,
    span: h.span ? denseW('span', h.span, H, 2) : undefined,
    tagging: h.tagging ? denseW('tagging', h.tagging, H) : undefined,
    discriminator: h.discriminator
      ? {
          dense: denseW('discriminator/dense', h.discriminator.dense, H, H),
          prediction: denseW('discriminator/prediction', h.discriminator.prediction, H, 1),
        }
      : undefined,
    all,
  };
}
