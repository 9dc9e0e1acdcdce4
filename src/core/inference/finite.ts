// Non-finite values (NaN, ±Inf) in weights and outputs: a corrupt or diverged checkpoint must not
// print `null`/`NaN` as if it were an answer. Loading records which stored tensors hold them; a run
// whose outputs are not finite is reported with those tensors.
import type { EncoderResult } from './types';

export interface NonFiniteTensor {
  /** The checkpoint key. */
  readonly key: string;
  readonly nan: number;
  readonly infinite: number;
  readonly size: number;
}

/** Counts the NaN and infinite values of `data`; undefined when every value is finite. */
export function countNonFinite(key: string, data: ArrayLike<number>): NonFiniteTensor | undefined {
  let nan = 0;
  let infinite = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v - v !== 0) {
      if (v !== v) nan++;
      else infinite++;
    }
  }
  return nan + infinite > 0 ? { key, nan, infinite, size: data.length } : undefined;
}

const OUTPUTS = [
  'sequence',
  'pooled',
  'maskedLmLogits',
  'nextSentenceLogits',
  'classifierLogits',
  'spanStartLogits',
  'spanEndLogits',
  'taggingLogits',
  'discriminatorLogits',
] as const;

/** The names of the result's outputs that hold a NaN or an infinity. */
export function nonFiniteOutputs(result: EncoderResult): string[] {
  return OUTPUTS.filter((name) => {
    const data = result[name];
    return data !== undefined && countNonFinite(name, data) !== undefined;
  });
}

/** A one-line description of a tensor's non-finite values: `key (3 NaN, 1 Inf of 16 values)`. */
export function describeNonFinite(t: NonFiniteTensor): string {
  const parts = [t.nan ? `${t.nan} NaN` : '', t.infinite ? `${t.infinite} Inf` : ''].filter(Boolean);
  return `${t.key} (${parts.join(', ')} of ${t.size} values)`;
}

/** The message for a run whose outputs are not finite. */
export function nonFiniteMessage(outputs: readonly string[], tensors: readonly NonFiniteTensor[]): string {
  const head = `The model's output is not finite (NaN or Inf in ${outputs.join(', ')}).`;
  if (tensors.length === 0)
    return `${head} Every weight is finite: the computation overflowed on this input.`;
  const shown = tensors.slice(0, 10).map((t) => `  ${describeNonFinite(t)}`);
  if (tensors.length > 10) shown.push(`  … and ${tensors.length - 10} more`);
  return [`${head} The checkpoint holds non-finite weights:`, ...shown].join('\n');
}
