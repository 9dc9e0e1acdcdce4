// What the panel shows for one piece of text, computed in the worker: tokens, fill-mask for every
// [MASK] (or a token the user chose to mask), pooled vectors, attention summaries and maps, heads.
import { loadTokenizerFromPath, type Tokenizer } from '../tokenizers';
import type { EncoderModel } from './model';
import {
  bestSpan,
  classify,
  fillMask,
  prepareInput,
  replacedTokens,
  tags,
  type FillMaskAnswer,
  type InputToken,
  type LabelProb,
  type ReplacedScore,
  type SpanAnswer,
  type TagAnswer,
} from './tasks';

export interface AnalyzeRequest {
  readonly text: string;
  /** Second segment: the context when `text` is a SQuAD question. */
  readonly pair?: string;
  /** A token position to replace by the mask token before running. */
  readonly maskPosition?: number;
  /** Attention maps are returned up to this many tokens (default 128). */
  readonly attentionLimit?: number;
  readonly topK?: number;
  /** vocab.txt or .model; default: the one found beside the checkpoint. */
  readonly tokenizerFile?: string;
}

export interface AttentionData {
  readonly layers: number;
  readonly heads: number;
  readonly length: number;
  /** `[layer * heads + head]`: mean over query tokens of the largest attention probability. */
  readonly focus: number[];
  /** One `[heads, length, length]` per layer (real tokens only). */
  readonly maps: Float32Array[];
}

export interface Analysis {
  readonly tokens: readonly InputToken[];
  readonly truncated: boolean;
  readonly maskPositions: readonly number[];
  readonly pooled?: number[];
  /** Mean of the sequence output over real tokens. */
  readonly meanPooled: number[];
  readonly fillMask: readonly FillMaskAnswer[];
  readonly attention?: AttentionData;
  readonly nextSentence?: number;
  readonly classify?: readonly LabelProb[];
  readonly span?: SpanAnswer;
  readonly tags?: readonly TagAnswer[];
  readonly rtd?: readonly ReplacedScore[];
  readonly ms: number;
}

const tokenizers = new Map<string, Tokenizer>();

export function tokenizerFor(file: string): Tokenizer {
  let t = tokenizers.get(file);
  if (!t) {
    t = loadTokenizerFromPath(file);
    tokenizers.set(file, t);
  }
  return t;
}

export async function analyze(
  model: EncoderModel,
  tokenizer: Tokenizer,
  request: AnalyzeRequest,
  isCancelled: () => boolean,
): Promise<Analysis> {
  const started = performance.now();
  const prepared = prepareInput(tokenizer, request.text, {
    pair: request.pair,
    maxLength: model.config.maxPositionEmbeddings,
  });
  const ids = Int32Array.from(prepared.input.inputIds);
  let maskPositions = [...prepared.maskPositions];
  const chosen = request.maskPosition;
  if (chosen !== undefined && tokenizer.specials.mask !== undefined) {
    if (chosen > 0 && chosen < prepared.tokens.length && !prepared.tokens[chosen]!.special) {
      ids[chosen] = tokenizer.specials.mask;
      maskPositions = [chosen];
    }
  }
  const S = prepared.input.seqLength;
  const limit = request.attentionLimit ?? 128;
  const heads = model.heads;
  const result = await model.run(
    { ...prepared.input, inputIds: ids },
    {
      attention: S <= limit,
      maskedPositions: heads.maskedLm && maskPositions.length > 0 ? [maskPositions] : undefined,
      heads: true,
      isCancelled,
    },
  );
  const H = result.hiddenSize;
  const meanPooled = new Array<number>(H).fill(0);
  for (let s = 0; s < S; s++) for (let h = 0; h < H; h++) meanPooled[h]! += result.sequence[s * H + h]! / S;
  let attention: AttentionData | undefined;
  if (result.attention) {
    const A = model.config.numHeads;
    const focus: number[] = [];
    for (const layer of result.attention) {
      for (let a = 0; a < A; a++) {
        let sum = 0;
        for (let i = 0; i < S; i++) {
          let max = 0;
          for (let j = 0; j < S; j++) max = Math.max(max, layer[(a * S + i) * S + j]!);
          sum += max;
        }
        focus.push(sum / S);
      }
    }
    attention = { layers: result.attention.length, heads: A, length: S, focus, maps: result.attention };
  }
  const tokensOut = prepared.tokens.map((t, i) =>
    maskPositions.includes(i) && chosen === i
      ? { ...t, piece: tokenizer.idToPiece(ids[i]!), id: ids[i]! }
      : t,
  );
  return {
    tokens: tokensOut,
    truncated: prepared.truncated,
    maskPositions,
    pooled: result.pooled ? Array.from(result.pooled) : undefined,
    meanPooled,
    fillMask: fillMask(result, tokenizer, request.topK ?? 10),
    attention,
    nextSentence:
      result.nextSentenceLogits && request.pair !== undefined
        ? classify(result.nextSentenceLogits)[0]!.prob
        : undefined,
    classify: result.classifierLogits
      ? classify(result.classifierLogits, model.labels.classifier)
      : undefined,
    span:
      request.pair !== undefined
        ? bestSpan(result, prepared.tokens, request.pair, { segment: 1 })
        : undefined,
    tags: result.taggingLogits ? tags(result, prepared.tokens, model.labels.tagging) : undefined,
    rtd: result.discriminatorLogits ? replacedTokens(result, prepared.tokens) : undefined,
    ms: performance.now() - started,
  };
}
