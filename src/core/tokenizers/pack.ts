// bert_pack_inputs of the Model Garden's TF-Hub preprocessor (official/nlp/modeling/layers/text_layers.py):
// [CLS] a [SEP] (b [SEP]), segments trimmed round-robin to seq_length - number of special tokens, padded.
import type { SpecialIds } from './types';

export interface Packed {
  readonly inputIds: number[];
  readonly typeIds: number[];
  readonly inputMask: number[];
  /** True when a segment lost tokens to the length limit. */
  readonly truncated: boolean;
  /** How many tokens of each segment were kept. */
  readonly kept: number[];
}

/**
 * `round_robin_truncate_inputs`: quota is handed out one token at a time to the segments that still need
 * some; for two segments of sizes a and b: quota_a = min(a, ceil(L/2) + max(0, floor(L/2) - b)) and
 * quota_b = min(b, floor(L/2) + max(0, ceil(L/2) - a)).
 */
export function roundRobinQuotas(sizes: readonly number[], limit: number): number[] {
  if (sizes.length === 1) return [Math.min(sizes[0], limit)];
  if (sizes.length !== 2) throw new Error('bert_pack_inputs takes 1 or 2 segments');
  const floorHalf = Math.floor(limit / 2);
  const ceilHalf = limit - floorHalf;
  const [a, b] = sizes;
  return [
    Math.min(a, ceilHalf + Math.max(0, floorHalf - b)),
    Math.min(b, floorHalf + Math.max(0, ceilHalf - a)),
  ];
}

export function packInputs(
  specials: SpecialIds,
  segments: readonly (readonly number[])[],
  seqLength = 128,
): Packed {
  const { cls, sep, pad } = specials;
  if (cls === undefined || sep === undefined) {
    throw new Error('the vocabulary has no [CLS] or [SEP] token, so inputs cannot be packed');
  }
  const specialCount = segments.length + 1;
  if (!Number.isInteger(seqLength) || seqLength < specialCount) {
    throw new Error(`seq_length must be an integer of at least ${specialCount} (got ${seqLength})`);
  }
  const quotas = roundRobinQuotas(
    segments.map((s) => s.length),
    seqLength - specialCount,
  );
  const inputIds = [cls];
  const typeIds = [0];
  segments.forEach((segment, k) => {
    for (let i = 0; i < quotas[k]; i++) {
      inputIds.push(segment[i]);
      typeIds.push(k);
    }
    inputIds.push(sep);
    typeIds.push(k);
  });
  const used = inputIds.length;
  if (used < seqLength && pad === undefined) {
    // Padding with id 0 would silently insert another token: say so instead.
    throw new Error(
      `the vocabulary has no padding token ([PAD] or <pad>), so ${used} tokens cannot be padded to seq_length ${seqLength}: ` +
        `add [PAD] to the vocabulary or use a seq_length of ${used} or less`,
    );
  }
  const padId = pad ?? 0;
  const inputMask = new Array<number>(seqLength).fill(0).fill(1, 0, used);
  while (inputIds.length < seqLength) {
    inputIds.push(padId);
    typeIds.push(0);
  }
  return {
    inputIds,
    typeIds,
    inputMask,
    truncated: quotas.some((q, k) => q < segments[k].length),
    kept: quotas,
  };
}
