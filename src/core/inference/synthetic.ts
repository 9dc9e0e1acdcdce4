// Deterministic random weights of any encoder shape, for benchmarks and tests: filled by a fast
// seeded generator (no tf.randomNormal, which takes seconds for BERT-base).
import type {
  DenseWeights,
  EncoderConfig,
  EncoderHeads,
  EncoderWeights,
  LayerNormWeights,
  Tensor,
} from '../model/encoder';

export interface SyntheticOptions {
  readonly seed?: number;
  /** Standard deviation-like scale of the uniform fill (default 0.05). */
  readonly scale?: number;
  /** Heads to add; `classes` sizes the classifier and tagging heads. */
  readonly heads?: readonly (keyof EncoderHeads)[];
  readonly classes?: number;
  readonly labels?: readonly string[];
}

export function bertConfig(overrides: Partial<EncoderConfig> = {}): EncoderConfig {
  const hiddenSize = overrides.hiddenSize ?? 768;
  return {
    family: 'bert',
    vocabSize: 30522,
    hiddenSize,
    numLayers: 12,
    numHeads: 12,
    intermediateSize: hiddenSize * 4,
    embeddingSize: hiddenSize,
    maxPositionEmbeddings: 512,
    typeVocabSize: 2,
    activation: 'gelu',
    layerNormEpsilon: 1e-12,
    ...overrides,
  };
}

export function syntheticWeights(config: EncoderConfig, options: SyntheticOptions = {}): EncoderWeights {
  let state = (options.seed ?? 1) >>> 0 || 1;
  const scale = options.scale ?? 0.05;
  const next = (): number => {
    // xorshift32 → [-1, 1)
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return ((state >>> 0) / 4294967296) * 2 - 1;
  };
  const tensor = (shape: number[], fill?: number): Tensor => {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    if (fill !== undefined) data.fill(fill);
    else for (let i = 0; i < data.length; i++) data[i] = next() * scale;
    return { shape, data };
  };
  const dense = (inSize: number, outSize: number): DenseWeights => ({
    kernel: tensor([inSize, outSize]),
    bias: tensor([outSize]),
  });
  const norm = (size: number): LayerNormWeights => {
    const gamma = tensor([size]);
    for (let i = 0; i < size; i++) gamma.data[i] = 1 + gamma.data[i]!;
    return { gamma, beta: tensor([size]) };
  };
  const { hiddenSize: H, embeddingSize: E, intermediateSize: F } = config;
  const makeLayer = () => ({
    query: dense(H, H),
    key: dense(H, H),
    value: dense(H, H),
    attentionOutput: dense(H, H),
    attentionNorm: norm(H),
    intermediate: dense(H, F),
    output: dense(F, H),
    outputNorm: norm(H),
  });
  const shared = config.family === 'albert' ? makeLayer() : undefined;
  const layers = Array.from({ length: config.numLayers }, () => shared ?? makeLayer());
  const wanted = new Set(options.heads ?? []);
  const classes = options.classes ?? 3;
  const heads: EncoderHeads = {
    maskedLm: wanted.has('maskedLm')
      ? { transform: dense(H, E), norm: norm(E), outputBias: tensor([config.vocabSize]) }
      : undefined,
    nextSentence: wanted.has('nextSentence') ? dense(H, 2) : undefined,
    classifier: wanted.has('classifier') ? { ...dense(H, classes), labels: options.labels } : undefined,
    span: wanted.has('span') ? dense(H, 2) : undefined,
    tagging: wanted.has('tagging') ? { ...dense(H, classes), labels: options.labels } : undefined,
    discriminator: wanted.has('discriminator') ? { dense: dense(H, H), prediction: dense(H, 1) } : undefined,
  };
  return {
    config,
    wordEmbeddings: tensor([config.vocabSize, E]),
    positionEmbeddings: tensor([config.maxPositionEmbeddings, E]),
    typeEmbeddings: tensor([config.typeVocabSize, E]),
    embeddingNorm: norm(E),
    embeddingProjection: E !== H ? dense(E, H) : undefined,
    layers,
    pooler: dense(H, H),
    heads,
  };
}
