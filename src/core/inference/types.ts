// What the encoder takes and gives back: plain typed arrays, so results cross worker boundaries.

/** A batch of packed sequences, row-major `[batch, seqLength]`. */
export interface EncoderInput {
  readonly batch: number;
  readonly seqLength: number;
  readonly inputIds: Int32Array;
  /** Segment ids; zeros when absent. */
  readonly typeIds?: Int32Array;
  /** 1 for real tokens, 0 for padding; all ones when absent. */
  readonly mask?: Int32Array;
}

export interface RunOptions {
  /** Return every layer's output (the last equals `sequence`). */
  readonly allLayers?: boolean;
  /** Return the attention probabilities of every layer. */
  readonly attention?: boolean;
  /** Positions (per batch row) to score with the masked-LM head; none when absent. */
  readonly maskedPositions?: readonly (readonly number[])[];
  /** Run the heads the weights have (next-sentence, classifier, span, tagging, discriminator). */
  readonly heads?: boolean;
  /** Checked between layers; when it returns true the run stops with `CancelledError`. */
  readonly isCancelled?: () => boolean;
}

export interface EncoderResult {
  readonly batch: number;
  readonly seqLength: number;
  readonly hiddenSize: number;
  /** `[batch, seq, H]` */
  readonly sequence: Float32Array;
  /** `[batch, H]` when the weights have a pooler. */
  readonly pooled?: Float32Array;
  /** One `[batch, seq, H]` per layer. */
  readonly layers?: Float32Array[];
  /** One `[batch, heads, seq, seq]` per layer. */
  readonly attention?: Float32Array[];
  /** `[batch, positions, vocab]` logits for `maskedPositions` (rows padded to the longest list). */
  readonly maskedLmLogits?: Float32Array;
  readonly maskedLmPositions?: number[][];
  /** `[batch, 2]` logits: index 0 = "is next". */
  readonly nextSentenceLogits?: Float32Array;
  /** `[batch, classes]` logits. */
  readonly classifierLogits?: Float32Array;
  /** `[batch, seq]` start and end logits. */
  readonly spanStartLogits?: Float32Array;
  readonly spanEndLogits?: Float32Array;
  /** `[batch, seq, classes]` logits. */
  readonly taggingLogits?: Float32Array;
  /** `[batch, seq]` logits: > 0 means "replaced". */
  readonly discriminatorLogits?: Float32Array;
}

export class CancelledError extends Error {
  constructor(message = 'The request was cancelled.') {
    super(message);
    this.name = 'CancelledError';
  }
}

export class InferenceInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InferenceInputError';
  }
}
