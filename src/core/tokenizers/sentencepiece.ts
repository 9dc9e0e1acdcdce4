// SentencePiece unigram segmentation (unigram_model.cc EncodeOptimized: Viterbi over the normalized text
// with float32 path scores, unknown characters scored min_score - 10 and adjacent unknowns merged, byte
// fallback), optionally after ALBERT's preprocessing and with its digit-comma split. Offsets point into the
// original text.
import { albertPreprocess, isPythonDigit } from './albert';
import { PieceTrie } from './pieceTrie';
import { PieceType, type SpmModel } from './spmModel';
import { SPACE_SYMBOL, SpmNormalizer } from './spmNormalizer';
import {
  mergeOverlappingSpans,
  TokenizerAssetError,
  type Encoded,
  type SpecialIds,
  type Tokenizer,
} from './types';

export interface SentencePieceOptions {
  /** ALBERT's `preprocess_text` (collapse whitespace, NFKD, drop combining marks, lower-case) and `encode_pieces`. */
  readonly albert?: { readonly lowerCase: boolean } | null;
  readonly label?: string;
  readonly source?: string;
}

/** One segment of a normalized string: [start, end) in its UTF-16 units, the piece id. */
interface Segment {
  start: number;
  end: number;
  id: number;
}

/** The segments of a normalized string in typed arrays (4 bytes per value, not an object each). */
interface Segments {
  readonly count: number;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  readonly ids: Int32Array;
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
  private readonly albert: { readonly lowerCase: boolean } | null;

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
    const seg = this.segments(norm.text);
    const pieces: string[] = [];
    for (let i = 0; i < seg.count; i++) pieces.push(norm.text.slice(seg.starts[i], seg.ends[i]));
    return { pieces, ids: Array.from(seg.ids.subarray(0, seg.count)) };
  }

  encode(text: string): Encoded {
    const pre = this.albert ? albertPreprocess(text, this.albert.lowerCase) : null;
    const input = pre ? pre.text : text;
    const norm = this.normalizer.normalize(input);
    const ids: number[] = [];
    const starts: number[] = [];
    const ends: number[] = [];
    // Offsets: normalized unit -> preprocessed span -> original span.
    const push = (id: number, a: number, b: number) => {
      let first = -1;
      let last = -1;
      for (let k = a; k < b; k++) {
        if (norm.ends[k] > norm.starts[k]) {
          if (first < 0) first = k;
          last = k;
        }
      }
      let s: number;
      let e: number;
      if (first < 0) {
        s = e = a < norm.starts.length ? norm.starts[a] : input.length;
      } else {
        s = norm.starts[first];
        e = norm.ends[last];
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
    const all = this.segments(norm.text);
    for (let i = 0; i < all.count; i++) {
      const seg = { start: all.starts[i], end: all.ends[i], id: all.ids[i] };
      if (
        this.albert &&
        norm.text.charCodeAt(seg.end - 1) === 44 &&
        isDigitComma(norm.text.slice(seg.start, seg.end))
      ) {
        this.splitDigitComma(norm.text.slice(seg.start, seg.end), seg, norm.text, push);
      } else if (seg.id === this.unkId && this.model.byteFallback) {
        for (const byte of new TextEncoder().encode(norm.text.slice(seg.start, seg.end))) {
          const piece = `<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`;
          push(this.pieceToId(piece)!, seg.start, seg.end);
        }
      } else {
        push(seg.id, seg.start, seg.end);
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

  /**
   * Best segmentation of a normalized string, as SentencePiece's EncodeOptimized: path scores are stored as
   * float32, but a candidate (piece score + path score) is formed and compared in double precision (the score
   * expression is a double because of the user-defined bonus `length * max_score - 0.1`), while the unknown
   * candidate is a float32 sum. Ties keep the earliest start. Adjacent unknown pieces are merged into one.
   */
  viterbi(text: string): Segment[] {
    const seg = this.segments(text);
    const out: Segment[] = [];
    for (let i = 0; i < seg.count; i++) out.push({ start: seg.starts[i], end: seg.ends[i], id: seg.ids[i] });
    return out;
  }

  /** `viterbi` in typed arrays: about 20 bytes per character of lattice and result, no object per piece. */
  private segments(text: string): Segments {
    const size = text.length;
    if (size === 0)
      return { count: 0, starts: new Int32Array(0), ends: new Int32Array(0), ids: new Int32Array(0) };
    // Path scores are float32 values (see above), so a Float32Array holds them exactly.
    const bestScore = new Float32Array(size + 1);
    const bestStart = new Int32Array(size + 1).fill(-1);
    const bestId = new Int32Array(size + 1);
    const trie = this.trie;
    for (let start = 0; start < size;) {
      const c = text.charCodeAt(start);
      const mblen = c >= 0xd800 && c <= 0xdbff && start + 1 < size ? 2 : 1;
      const base = bestScore[start];
      let single = false;
      let node = 0;
      for (let end = start + 1; end <= size; end++) {
        node = trie.next(node, text.charCodeAt(end - 1));
        if (node < 0) break;
        const id = trie.id(node);
        if (id < 0) continue;
        const d = text.charCodeAt(end - 1);
        if (d >= 0xd800 && d <= 0xdbff && end < size) continue;
        const type = this.types[id];
        if (type === PieceType.Unused) continue;
        const score =
          type === PieceType.UserDefined
            ? Math.fround(utf8Length(text, start, end) * this.maxScore) - 0.1
            : this.scores[id];
        const candidate = score + base;
        if (bestStart[end] === -1 || candidate > bestScore[end]) {
          bestScore[end] = Math.fround(candidate);
          bestStart[end] = start;
          bestId[end] = id;
        }
        if (end - start === mblen) single = true;
      }
      if (!single) {
        const end = start + mblen;
        const candidate = Math.fround(this.unkScore + base);
        if (bestStart[end] === -1 || candidate > bestScore[end]) {
          bestScore[end] = candidate;
          bestStart[end] = start;
          bestId[end] = this.unkId;
        }
      }
      start += mblen;
    }
    // Backtrack twice: count the segments (merging adjacent unknowns), then fill them in order.
    let count = 0;
    for (let end = size, prevUnk = false; end > 0; end = bestStart[end]) {
      const unk = bestId[end] === this.unkId;
      if (!(unk && prevUnk)) count++;
      prevUnk = unk;
    }
    const starts = new Int32Array(count);
    const ends = new Int32Array(count);
    const ids = new Int32Array(count);
    let k = count;
    for (let end = size, prevUnk = false; end > 0; end = bestStart[end]) {
      const id = bestId[end];
      const unk = id === this.unkId;
      if (unk && prevUnk) starts[k] = bestStart[end];
      else {
        k--;
        starts[k] = bestStart[end];
        ends[k] = end;
        ids[k] = id;
      }
      prevUnk = unk;
    }
    return { count, starts, ends, ids };
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

function utf8Length(text: string, a: number, b: number): number {
  return new TextEncoder().encode(text.slice(a, b)).length;
}
