// The canonical encoder weight set: what checkpoint discovery produces from any naming scheme
// (TF1 `bert/...`, TF2 `encoder/layer_with_weights-N/...`, SavedModel keys) and what the inference
// engine consumes. All kernels are 2-D `[in, out]` (TF2's 3-D attention kernels reshaped).

/** A dense float32 tensor, row-major. */
export interface Tensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

export type EncoderFamily = 'bert' | 'albert' | 'electra';

export interface EncoderConfig {
  readonly family: EncoderFamily;
  readonly vocabSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly numHeads: number;
  readonly intermediateSize: number;
  /** Width of the embedding tables; differs from hiddenSize for ALBERT and ELECTRA-small. */
  readonly embeddingSize: number;
  readonly maxPositionEmbeddings: number;
  readonly typeVocabSize: number;
  /** `gelu` is the tanh approximation, as the Model Garden computes it. */
  readonly activation: 'gelu' | 'gelu_exact' | 'relu' | 'tanh';
  readonly layerNormEpsilon: number;
}

export interface DenseWeights {
  /** `[in, out]` */
  readonly kernel: Tensor;
  /** `[out]` */
  readonly bias: Tensor;
}

export interface LayerNormWeights {
  readonly gamma: Tensor;
  readonly beta: Tensor;
}

export interface TransformerLayerWeights {
  readonly query: DenseWeights;
  readonly key: DenseWeights;
  readonly value: DenseWeights;
  readonly attentionOutput: DenseWeights;
  readonly attentionNorm: LayerNormWeights;
  readonly intermediate: DenseWeights;
  readonly output: DenseWeights;
  readonly outputNorm: LayerNormWeights;
  /**
   * GatedFeedforward (talking-heads GGeLU): the feed-forward is `act(x·W_i) ⊙ (x·W_gate)` before
   * the output projection. `[H, I]`
   */
  readonly gate?: DenseWeights;
  /**
   * TalkingHeadsAttention: `[A, A]` mixes of the heads' scores before the softmax and of the
   * probabilities after it.
   */
  readonly talkingHeads?: { readonly pre: Tensor; readonly post: Tensor };
}

export interface MaskedLmHeadWeights {
  /** Dense `[H, E]` + activation + layer norm, then logits against the word-embedding table. */
  readonly transform: DenseWeights;
  readonly norm: LayerNormWeights;
  /** `[vocab]` */
  readonly outputBias: Tensor;
}

export interface ClassifierHeadWeights extends DenseWeights {
  /** Label names where the checkpoint's folder says them (params.yaml, metadata). */
  readonly labels?: readonly string[];
}

export interface EncoderHeads {
  readonly maskedLm?: MaskedLmHeadWeights;
  /** `[H, 2]` on the pooled output. */
  readonly nextSentence?: DenseWeights;
  /** `[H, C]` on the pooled output (fine-tuned sentence classifier). */
  readonly classifier?: ClassifierHeadWeights;
  /** `[H, 2]` on the sequence output: start and end logits (SQuAD). */
  readonly span?: DenseWeights;
  /** `[H, C]` on the sequence output (token tagging). */
  readonly tagging?: ClassifierHeadWeights;
  /** ELECTRA discriminator: dense `[H, H]` + activation, then `[H, 1]`. */
  readonly discriminator?: { readonly dense: DenseWeights; readonly prediction: DenseWeights };
}

export interface EncoderWeights {
  readonly config: EncoderConfig;
  /** `[vocab, E]` */
  readonly wordEmbeddings: Tensor;
  /** `[maxPositions, E]` */
  readonly positionEmbeddings: Tensor;
  /** `[typeVocab, E]` */
  readonly typeEmbeddings: Tensor;
  /** Layer norm over the summed embeddings (width E). */
  readonly embeddingNorm: LayerNormWeights;
  /** `[E, H]` when E differs from H (ALBERT, ELECTRA-small). */
  readonly embeddingProjection?: DenseWeights;
  /** One entry per layer; ALBERT's shared block is repeated `numLayers` times (same object). */
  readonly layers: readonly TransformerLayerWeights[];
  /** Dense `[H, H]` + tanh on the first position. */
  readonly pooler?: DenseWeights;
  readonly heads: EncoderHeads;
}
