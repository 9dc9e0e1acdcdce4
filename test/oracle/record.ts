// The shape of the `oracle.json` that generate.py writes beside each artifact, and comparison helpers.

export interface OracleRecord {
  readonly name: string;
  /** The checkpoint prefix, relative to the artifact folder. */
  readonly checkpoint: string;
  /** `tf.train.list_variables` of the checkpoint. */
  readonly variables: readonly { readonly key: string; readonly shape: number[] }[];
  /** What the generator built. */
  readonly truth: {
    readonly family: string;
    readonly layers: number;
    readonly hidden: number;
    readonly heads: number;
    readonly embeddingSize: number;
    readonly vocabSize: number;
    readonly headsPresent: string[];
    readonly naming: string;
    readonly step?: number;
    readonly labels?: string[];
  };
  readonly inputs: {
    readonly input_word_ids: number[][];
    readonly input_mask: number[][];
    readonly input_type_ids: number[][];
  };
  /** What the Model Garden model computed on `inputs`. */
  readonly outputs: {
    readonly sequence: unknown;
    readonly pooled?: unknown;
    readonly mlmLogProbs?: unknown;
    readonly mlmPositions?: number[][];
    readonly rtdLogits?: unknown;
    readonly classifierLogits?: unknown;
  };
  readonly tensorflow: string;
}

export function maxAbsDiff(actual: ArrayLike<number>, expected: readonly number[]): number {
  let max = 0;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i]! - expected[i]!);
    if (!(d <= max)) max = Number.isNaN(d) ? Infinity : d;
  }
  return max;
}

/** log-softmax over consecutive rows of `width` values, in float64. */
export function logSoftmaxRows(logits: ArrayLike<number>, width: number): Float64Array {
  const out = new Float64Array(logits.length);
  for (let start = 0; start < logits.length; start += width) {
    let max = -Infinity;
    for (let i = 0; i < width; i++) max = Math.max(max, logits[start + i]!);
    let sum = 0;
    for (let i = 0; i < width; i++) sum += Math.exp(logits[start + i]! - max);
    const log = Math.log(sum) + max;
    for (let i = 0; i < width; i++) out[start + i] = logits[start + i]! - log;
  }
  return out;
}
