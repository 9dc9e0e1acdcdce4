// From text to encoder input and from outputs to answers: packing with `[MASK]` kept whole, top-k
// fill-mask, classifier probabilities with labels, the SQuAD span, tags, ELECTRA's replaced-token
// scores. Shared by the CLI and the panel.
import { packInputs, type Tokenizer } from '../tokenizers';
import type { EncoderInput, EncoderResult } from './types';

export const MASK_TEXT = '[MASK]';

export interface InputToken {
  readonly piece: string;
  readonly id: number;
  /** UTF-16 offsets into the segment's text; -1 for special tokens. */
  readonly start: number;
  readonly end: number;
  /** 0 for the text, 1 for the pair; special tokens belong to the segment they close. */
  readonly segment: number;
  readonly special: boolean;
}

export interface PreparedInput {
  readonly input: EncoderInput;
  /** The real (unpadded) tokens, in sequence order. */
  readonly tokens: readonly InputToken[];
  /** Positions holding the mask token. */
  readonly maskPositions: readonly number[];
  readonly truncated: boolean;
}

interface Piece {
  readonly id: number;
  readonly start: number;
  readonly end: number;
}

/** Encodes text, keeping each literal `[MASK]` as the mask token (tokenizers would split it). */
export function encodeWithMasks(tokenizer: Tokenizer, text: string): Piece[] {
  const mask = tokenizer.specials.mask;
  const out: Piece[] = [];
  let from = 0;
  const chunk = (start: number, end: number) => {
    if (end <= start) return;
    const e = tokenizer.encode(text.slice(start, end));
    for (let i = 0; i < e.ids.length; i++)
      out.push({ id: e.ids[i]!, start: e.starts[i]! + start, end: e.ends[i]! + start });
  };
  if (mask !== undefined) {
    for (let at = text.indexOf(MASK_TEXT); at >= 0; at = text.indexOf(MASK_TEXT, from)) {
      chunk(from, at);
      out.push({ id: mask, start: at, end: at + MASK_TEXT.length });
      from = at + MASK_TEXT.length;
    }
  }
  chunk(from, text.length);
  return out;
}

/**
 * `[CLS] text [SEP] (pair [SEP])`, trimmed round-robin like the Model Garden's bert_pack_inputs.
 * `seqLength` defaults to the real length (no padding), capped by `maxLength`.
 */
export function prepareInput(
  tokenizer: Tokenizer,
  text: string,
  options: { pair?: string; seqLength?: number; maxLength?: number } = {},
): PreparedInput {
  const segments = [encodeWithMasks(tokenizer, text)];
  if (options.pair !== undefined) segments.push(encodeWithMasks(tokenizer, options.pair));
  const natural = segments.reduce((n, s) => n + s.length, 0) + segments.length + 1;
  const maxLength = options.maxLength ?? 512;
  const seqLength = options.seqLength ?? Math.min(natural, maxLength);
  const packed = packInputs(
    tokenizer.specials,
    segments.map((s) => s.map((p) => p.id)),
    seqLength,
  );
  const tokens: InputToken[] = [];
  const special = (id: number, segment: number) =>
    tokens.push({ piece: tokenizer.idToPiece(id), id, start: -1, end: -1, segment, special: true });
  special(packed.inputIds[0]!, 0);
  segments.forEach((segment, k) => {
    for (let i = 0; i < packed.kept[k]!; i++) {
      const p = segment[i]!;
      tokens.push({
        piece: tokenizer.idToPiece(p.id),
        id: p.id,
        start: p.start,
        end: p.end,
        segment: k,
        special: false,
      });
    }
    special(tokenizer.specials.sep!, k);
  });
  const maskId = tokenizer.specials.mask;
  const maskPositions = tokens.flatMap((t, i) => (!t.special && t.id === maskId ? [i] : []));
  return {
    input: {
      batch: 1,
      seqLength,
      inputIds: Int32Array.from(packed.inputIds),
      typeIds: Int32Array.from(packed.typeIds),
      mask: Int32Array.from(packed.inputMask),
    },
    tokens,
    maskPositions,
    truncated: packed.truncated,
  };
}

export function softmax(logits: ArrayLike<number>): number[] {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]!);
  const exps = Array.from({ length: logits.length }, (_, i) => Math.exp(logits[i]! - max));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / total);
}

export interface Candidate {
  readonly token: string;
  readonly id: number;
  readonly prob: number;
}

export interface FillMaskAnswer {
  readonly position: number;
  readonly candidates: readonly Candidate[];
}

/** Top-k tokens for each masked position of batch row 0 (`result` ran with `maskedPositions`). */
export function fillMask(result: EncoderResult, tokenizer: Tokenizer, topK = 5): FillMaskAnswer[] {
  const logits = result.maskedLmLogits;
  const positions = result.maskedLmPositions?.[0] ?? [];
  if (!logits || positions.length === 0) return [];
  const vocab =
    logits.length / (result.batch * Math.max(1, ...(result.maskedLmPositions ?? []).map((r) => r.length)));
  return positions.map((position, p) => {
    const probs = softmax(logits.subarray(p * vocab, (p + 1) * vocab));
    const order = probs.map((_, i) => i).sort((a, b) => probs[b]! - probs[a]! || a - b);
    return {
      position,
      candidates: order
        .slice(0, topK)
        .map((id) => ({ token: tokenizer.idToPiece(id), id, prob: probs[id]! })),
    };
  });
}

export interface LabelProb {
  readonly label: string;
  readonly prob: number;
}

/** Softmax over classes with their names, or "class N" when the checkpoint has none. */
export function classify(logits: ArrayLike<number>, labels?: readonly string[]): LabelProb[] {
  return softmax(logits).map((prob, i) => ({ label: labels?.[i] ?? `class ${i}`, prob }));
}

export interface SpanAnswer {
  readonly start: number;
  readonly end: number;
  /** Token positions. */
  readonly text: string;
  readonly score: number;
}

/**
 * The best span (start ≤ end, within `maxLength` tokens, inside segment `segment`, no special tokens) by
 * start + end logit, as the SQuAD post-processing does; its text is cut from `source` by offsets.
 */
export function bestSpan(
  result: EncoderResult,
  tokens: readonly InputToken[],
  source: string,
  options: { segment?: number; maxLength?: number } = {},
): SpanAnswer | undefined {
  const start = result.spanStartLogits;
  const end = result.spanEndLogits;
  if (!start || !end) return undefined;
  const segment = options.segment ?? 1;
  const maxLength = options.maxLength ?? 30;
  const ok = (i: number) => !tokens[i]!.special && tokens[i]!.segment === segment;
  let best: SpanAnswer | undefined;
  for (let i = 0; i < tokens.length; i++) {
    if (!ok(i)) continue;
    for (let j = i; j < Math.min(tokens.length, i + maxLength); j++) {
      if (!ok(j)) break;
      const score = start[i]! + end[j]!;
      if (!best || score > best.score) {
        best = { start: i, end: j, score, text: source.slice(tokens[i]!.start, tokens[j]!.end) };
      }
    }
  }
  return best;
}

export interface TagAnswer {
  readonly position: number;
  readonly token: string;
  readonly label: string;
  readonly prob: number;
}

export function tags(
  result: EncoderResult,
  tokens: readonly InputToken[],
  labels?: readonly string[],
): TagAnswer[] {
  const logits = result.taggingLogits;
  if (!logits) return [];
  const classes = logits.length / (result.batch * result.seqLength);
  return tokens.flatMap((t, i) => {
    if (t.special) return [];
    const probs = classify(logits.subarray(i * classes, (i + 1) * classes), labels);
    const top = probs.reduce((a, b) => (b.prob > a.prob ? b : a));
    return [{ position: i, token: t.piece, label: top.label, prob: top.prob }];
  });
}

export interface ReplacedScore {
  readonly position: number;
  readonly token: string;
  /** sigmoid(logit): the probability that the token was replaced. */
  readonly replaced: number;
}

export function replacedTokens(result: EncoderResult, tokens: readonly InputToken[]): ReplacedScore[] {
  const logits = result.discriminatorLogits;
  if (!logits) return [];
  return tokens.map((t, i) => ({ position: i, token: t.piece, replaced: 1 / (1 + Math.exp(-logits[i]!)) }));
}

/** Cosine similarity of two vectors. */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return dot / Math.sqrt(na * nb);
}
