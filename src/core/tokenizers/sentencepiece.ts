// SentencePiece unigram segmentation (unigram_model.cc EncodeOptimized: Viterbi over the normalized text
// with float32 path scores, unknown characters scored min_score - 10 and adjacent unknowns merged, byte
// fallback), optionally after ALBERT's preprocessing and with its digit-comma split. Offsets point into the
// original text.
import { albertPreprocess, isPythonDigit } from './albert';
import { tfTextSentencePiecePreprocess, type TokenizerFlavor } from './tfText';
import { PieceTrie } from './pieceTrie';
import { PieceType, type SpmModel } from './spmModel';
import { SPACE_SYMBOL, SpmNormalizer } from './spmNormalizer';
import { UnigramLattice } from './unigramLattice';
import {
  mergeOverlappingSpans,
  TokenizerAssetError,
  type Encoded,
  type SpecialIds,
  type Tokenizer,
} from './types';

export interface SentencePieceOptions {
  /** ALBERT's `preprocess_text` (collapse whitespace, NFKD, drop combining marks, lower-case) and `encode_pieces`. */
  readonly albert?: { readonly lowerCase: boolean; readonly flavor?: TokenizerFlavor } | null;
  readonly label?: string;
  /** Reuse the segmentation of repeated `▁word`s (exact; see unigramLattice.ts). Default true. */
  readonly wordCache?: boolean;
  readonly source?: string;
}

/** One segment of a normalized string: [start, end) in its UTF-16 units, the piece id. */
interface Segment {
  start: number;
  end: number;
  id: number;
}

const UNK_PENALTY = 10;
const FLT_MIN = 1.1754943508222875e-38;

export class SentencePieceTokenizer implements Tokenizer {
  readonly kind = 'sentencepiece' as const;
  readonly continuationPrefix = SPACE_SYMBOL;
  readonly label: string;
  readonly vocabSize: number;
  readonly specials: SpecialIds;
  readonly normalizer: SpmNormalizer;
  private readonly normal = new Map<string, number>();
  private readonly reserved = new Map<string, number>();
  private readonly scores: Float32Array;
  private readonly types: Uint8Array;
  private readonly trie = new PieceTrie();
  private readonly unkId: number;
  private readonly unkScore: number;
  private readonly maxScore: number;
  private readonly albert: { readonly lowerCase: boolean; readonly flavor?: TokenizerFlavor } | null;
  private readonly lattice: UnigramLattice;

  constructor(
    readonly model: SpmModel,
    options: SentencePieceOptions = {},
  ) {
    this.label = options.label ?? 'SentencePiece';
    this.albert = options.albert ?? null;
    this.vocabSize = model.pieces.length;
    this.scores = new Float32Array(model.pieces.length);
    this.types = new Uint8Array(model.pieces.length);
    let unk = -1;
    let minScore = Infinity;
    let maxScore = -Infinity;
    const userDefined: string[] = [];
    model.pieces.forEach((p, id) => {
      this.scores[id] = p.score;
      this.types[id] = p.type;
      if (p.type === PieceType.Normal || p.type === PieceType.UserDefined || p.type === PieceType.Unused) {
        if (!this.normal.has(p.piece)) {
          this.normal.set(p.piece, id);
          this.trie.add(p.piece, id);
        }
      } else if (!this.reserved.has(p.piece)) {
        this.reserved.set(p.piece, id);
      }
      if (p.type === PieceType.UserDefined) userDefined.push(p.piece);
      if (p.type === PieceType.Unknown) unk = id;
      if (p.type === PieceType.Normal) {
        minScore = Math.min(minScore, p.score);
        maxScore = Math.max(maxScore, p.score);
      }
    });
    if (unk < 0)
      throw new TokenizerAssetError(
        options.source ?? 'SentencePiece model',
        'the model has no unknown piece',
      );
    this.unkId = unk;
    this.unkScore = Math.fround(minScore - UNK_PENALTY);
    // unigram_model.cc starts max_score_ at FLT_MIN (the smallest positive float), so with all-negative scores the
    // user-defined bonus `length * max_score_ - 0.1` is about -0.1; matching that keeps float32 ties identical.
    this.maxScore = Math.max(FLT_MIN, maxScore);
    this.normalizer = new SpmNormalizer(model.normalizer, userDefined, model.treatWhitespaceAsSuffix);
    // Whitespace-delimited models (split_by_whitespace): `▁` only ever starts a piece, and is a piece itself.
    let splitsAtSpace =
      options.wordCache !== false &&
      !model.treatWhitespaceAsSuffix &&
      model.pieces[this.normal.get(SPACE_SYMBOL) ?? -1]?.type === PieceType.Normal;
    for (const piece of this.normal.keys()) if (piece.indexOf(SPACE_SYMBOL, 1) >= 0) splitsAtSpace = false;
    this.lattice = new UnigramLattice({
      trie: this.trie,
      scores: this.scores,
      types: this.types,
      unkId: this.unkId,
      unkScore: this.unkScore,
      maxScore: this.maxScore,
      splitsAtSpace,
    });
    const find = (...names: string[]) =>
      names.map((n) => this.pieceToId(n, true)).find((id) => id !== undefined);
    this.specials = {
      cls: find('[CLS]', '<cls>'),
      sep: find('[SEP]', '<sep>'),
      pad: find('<pad>', '[PAD]'),
      unk,
      mask: find('[MASK]', '<mask>'),
    };
  }

  idToPiece(id: number): string {
    return this.model.pieces[id]?.piece ?? '';
  }

  /** SentencePieceProcessor::PieceToId; with `strict`, undefined instead of the unknown id. */
  pieceToId(piece: string, strict = false): number | undefined {
    return this.normal.get(piece) ?? this.reserved.get(piece) ?? (strict ? undefined : this.unkId);
  }

  /** SentencePiece's own EncodeAsPieces/EncodeAsIds (no ALBERT preprocessing): surfaces and ids. */
  encodeRaw(text: string): { pieces: string[]; ids: number[] } {
    const norm = this.normalizer.normalize(text);
    const segments = this.viterbi(norm.text);
    return {
      pieces: segments.map((s) => norm.text.slice(s.start, s.end)),
      ids: segments.map((s) => s.id),
    };
  }

  encode(text: string): Encoded {
    const tfText = this.albert?.flavor === 'tf-text';
    const pre = !this.albert
      ? null
      : tfText
        ? tfTextSentencePiecePreprocess(text, this.albert.lowerCase)
        : albertPreprocess(text, this.albert.lowerCase);
    const input = pre ? pre.text : text;
    // normalizeShared's arrays are reused by its next call; splitDigitComma's nested encodeRaw calls `normalize`,
    // which allocates its own, so these stay valid through this loop.
    const norm = this.normalizer.normalizeShared(input);
    const normStarts = norm.starts;
    const normEnds = norm.ends;
    const normLength = norm.text.length;
    const ids: number[] = [];
    const starts: number[] = [];
    const ends: number[] = [];
    // Offsets: normalized unit -> preprocessed span -> original span. A token covers the spans of its first and
    // last units that come from the input (the dummy prefix comes from nothing).
    const push = (id: number, a: number, b: number) => {
      let first = a;
      while (first < b && normEnds[first] <= normStarts[first]) first++;
      let s: number;
      let e: number;
      if (first === b) {
        s = e = a < normLength ? normStarts[a] : input.length;
      } else {
        let last = b - 1;
        while (normEnds[last] <= normStarts[last]) last--;
        s = normStarts[first];
        e = normEnds[last];
      }
      if (pre) {
        if (e > s) {
          const s0 = pre.starts[s];
          e = pre.ends[e - 1];
          s = s0;
        } else {
          s = e = s < pre.starts.length ? pre.starts[s] : text.length;
        }
      }
      ids.push(id);
      starts.push(s);
      ends.push(e);
    };
    const segs = this.lattice.segment(norm.text);
    const count = segs.count;
    // splitDigitComma segments again, reusing the lattice's buffers: ALBERT keeps a copy.
    const segStart = this.albert ? segs.start.slice(0, count) : segs.start;
    const segEnd = this.albert ? segs.end.slice(0, count) : segs.end;
    const segId = this.albert ? segs.id.slice(0, count) : segs.id;
    for (let k = 0; k < count; k++) {
      const start = segStart[k];
      const end = segEnd[k];
      const id = segId[k];
      if (
        this.albert &&
        !tfText &&
        norm.text.charCodeAt(end - 1) === 44 &&
        isDigitComma(norm.text.slice(start, end))
      ) {
        this.splitDigitComma(norm.text.slice(start, end), { start, end, id }, norm.text, push);
      } else if (id === this.unkId && this.model.byteFallback) {
        for (const byte of new TextEncoder().encode(norm.text.slice(start, end))) {
          const piece = `<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`;
          push(this.pieceToId(piece)!, start, end);
        }
      } else {
        push(id, start, end);
      }
    }
    mergeOverlappingSpans(starts, ends);
    return { ids, starts, ends };
  }

  /** ALBERT's `encode_pieces` special case for pieces such as `▁12,`: re-encode the digits, keep the comma. */
  private splitDigitComma(
    surface: string,
    seg: Segment,
    text: string,
    push: (id: number, a: number, b: number) => void,
  ) {
    const cur = this.encodeRaw(surface.slice(0, -1).split(SPACE_SYMBOL).join('')).pieces;
    if (surface[0] !== SPACE_SYMBOL && cur.length > 0 && cur[0][0] === SPACE_SYMBOL) {
      if (cur[0].length === 1) cur.shift();
      else cur[0] = cur[0].slice(1);
    }
    // Give each new piece the normalized units it consumes (▁ is not in the digits).
    let k = seg.start;
    const commaAt = seg.end - 1;
    for (const piece of cur) {
      const body = piece.split(SPACE_SYMBOL).join('');
      while (k < commaAt && text[k] === SPACE_SYMBOL) k++;
      const a = k;
      k = Math.min(commaAt, k + body.length);
      push(this.pieceToId(piece)!, a, k);
    }
    push(this.pieceToId(',')!, commaAt, seg.end);
  }

  /** Best segmentation of a normalized string (SentencePiece's EncodeOptimized); see unigramLattice.ts. */
  viterbi(text: string): Segment[] {
    const seg = this.lattice.segment(text);
    const out: Segment[] = [];
    for (let k = 0; k < seg.count; k++) out.push({ start: seg.start[k], end: seg.end[k], id: seg.id[k] });
    return out;
  }
}

function isDigitComma(piece: string): boolean {
  const chars = Array.from(piece);
  return (
    chars.length > 1 &&
    chars[chars.length - 1] === ',' &&
    isPythonDigit(chars[chars.length - 2].codePointAt(0)!)
  );
}
