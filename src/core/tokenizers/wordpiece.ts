// WordPiece exactly as the Model Garden's tokenization.py (official/nlp/tools/tokenization.py): BasicTokenizer
// (clean text, spaces around CJK ideographs, whitespace split, lower-case + NFD accent stripping when
// do_lower_case, punctuation split) then greedy longest-match-first WordPiece with `##` continuations and
// max_input_chars_per_word = 400. Every token keeps UTF-16 offsets into the original text.
import {
  tfTextClass,
  tfTextPrenormalize,
  TF_TEXT_MAX_BYTES_PER_WORD,
  utf8Length,
  type TokenizerFlavor,
} from './tfText';
import {
  CJK,
  charClass,
  isCased,
  isCaseIgnorable,
  lowerStripAccents,
  PUNCTUATION,
  REMOVED,
  WHITESPACE,
} from './unicode';
import {
  mergeOverlappingSpans,
  TokenizerAssetError,
  type Encoded,
  type SpecialIds,
  type Tokenizer,
} from './types';
import type { Vocab } from './vocab';

export interface WordPieceOptions {
  readonly lowerCase: boolean;
  readonly label?: string;
  /** Model Garden: 400 (google-research/bert: 200; Hugging Face: 100). */
  readonly maxCharsPerWord?: number;
  readonly unkToken?: string;
  /**
   * `tf-text`: split as tensorflow_text's BertTokenizer does (the TF-Hub preprocessing models), see
   * tfText.ts; default `tokenization.py` (the Model Garden's data pipeline).
   */
  readonly flavor?: TokenizerFlavor;
  /** Where the vocabulary came from, for error messages. */
  readonly source?: string;
}

// ASCII classes: 0 word char, 1 upper-case letter, 2 whitespace, 3 punctuation, 4 removed (control).
const ASCII = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  if (c === 9 || c === 10 || c === 13 || c === 32) ASCII[c] = 2;
  else if (c < 32 || c === 127) ASCII[c] = 4;
  else if ((c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126))
    ASCII[c] = 3;
  else if (c >= 65 && c <= 90) ASCII[c] = 1;
}

const CACHE_LIMIT = 200_000;
const MODE_NONE = 0;
const MODE_SIMPLE = 1;
const MODE_COMPLEX = 2;

export class WordPieceTokenizer implements Tokenizer {
  readonly kind = 'wordpiece' as const;
  readonly continuationPrefix = '##';
  readonly label: string;
  readonly vocabSize: number;
  readonly specials: SpecialIds;
  readonly lowerCase: boolean;
  readonly maxCharsPerWord: number;
  readonly flavor: TokenizerFlavor;
  private readonly maxBytesPerWord: number;
  private readonly whole: Map<string, number>;
  private readonly cont = new Map<string, number>();
  private readonly maxWhole: number;
  private readonly maxCont: number;
  private readonly unkId: number;
  private readonly unkResult: Int32Array;
  private readonly cache = new Map<string, Int32Array>();
  // Scratch state of the word being built in complex mode.
  private buf = '';
  private bs: number[] = [];
  private be: number[] = [];

  constructor(
    readonly vocab: Vocab,
    options: WordPieceOptions,
  ) {
    this.lowerCase = options.lowerCase;
    this.label = options.label ?? (options.lowerCase ? 'WordPiece (lower-case)' : 'WordPiece (cased)');
    this.maxCharsPerWord = options.maxCharsPerWord ?? 400;
    this.flavor = options.flavor ?? 'tokenization.py';
    this.maxBytesPerWord = this.flavor === 'tf-text' ? TF_TEXT_MAX_BYTES_PER_WORD : Infinity;
    this.vocabSize = vocab.pieces.length;
    this.whole = new Map(vocab.ids);
    let maxWhole = 1;
    let maxCont = 1;
    for (const [piece, id] of vocab.ids) {
      maxWhole = Math.max(maxWhole, piece.length);
      if (piece.startsWith('##')) {
        this.cont.set(piece.slice(2), id);
        maxCont = Math.max(maxCont, piece.length - 2);
      }
    }
    this.maxWhole = maxWhole;
    this.maxCont = maxCont;
    const unkToken = options.unkToken ?? '[UNK]';
    const unk = vocab.ids.get(unkToken);
    if (unk === undefined) {
      throw new TokenizerAssetError(options.source ?? 'vocab', `the vocabulary has no ${unkToken} token`);
    }
    this.unkId = unk;
    this.unkResult = Int32Array.of(-1);
    this.specials = {
      cls: vocab.ids.get('[CLS]'),
      sep: vocab.ids.get('[SEP]'),
      pad: vocab.ids.get('[PAD]'),
      unk,
      mask: vocab.ids.get('[MASK]'),
    };
  }

  idToPiece(id: number): string {
    return this.vocab.pieces[id] ?? '';
  }

  pieceToId(piece: string): number | undefined {
    return this.vocab.ids.get(piece);
  }

  encode(original: string): Encoded {
    if (this.flavor !== 'tf-text') return this.encodeText(original);
    const pre = tfTextPrenormalize(original, this.lowerCase);
    const encoded = this.encodeText(pre.text);
    if (!pre.starts || !pre.ends) return encoded;
    // Back to the original's offsets: a token spans from its first unit's source to its last unit's.
    const { starts, ends } = encoded;
    for (let k = 0; k < starts.length; k++) {
      starts[k] = pre.starts[starts[k]!]!;
      ends[k] = pre.ends[ends[k]! - 1]!;
    }
    return encoded;
  }

  private encodeText(text: string): Encoded {
    const classOf = this.flavor === 'tf-text' ? tfTextClass : charClass;
    const ids: number[] = [];
    const starts: number[] = [];
    const ends: number[] = [];
    const lower = this.lowerCase;
    const n = text.length;
    let mode = MODE_NONE;
    let ws = 0;
    let hasUpper = false;

    const flush = () => {
      if (mode === MODE_SIMPLE) {
        let word = text.slice(ws, i);
        if (hasUpper && lower) word = word.toLowerCase();
        this.emitSimple(word, ws, ids, starts, ends);
      } else if (mode === MODE_COMPLEX && this.buf.length > 0) {
        this.emitComplex(ids, starts, ends);
      }
      mode = MODE_NONE;
      hasUpper = false;
    };
    const toComplex = () => {
      if (mode === MODE_SIMPLE) {
        let word = text.slice(ws, i);
        if (hasUpper && lower) word = word.toLowerCase();
        this.buf = word;
        this.bs.length = 0;
        this.be.length = 0;
        for (let k = 0; k < word.length; k++) {
          this.bs.push(ws + k);
          this.be.push(ws + k + 1);
        }
      } else if (mode === MODE_NONE) {
        this.buf = '';
        this.bs.length = 0;
        this.be.length = 0;
      }
      mode = MODE_COMPLEX;
    };

    let i = 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c < 128) {
        const k = ASCII[c];
        if (k <= 1) {
          if (mode === MODE_SIMPLE) {
            if (k === 1) hasUpper = true;
          } else if (mode === MODE_NONE) {
            mode = MODE_SIMPLE;
            ws = i;
            hasUpper = k === 1;
          } else {
            this.buf += lower && k === 1 ? String.fromCharCode(c + 32) : text[i];
            this.bs.push(i);
            this.be.push(i + 1);
          }
        } else if (k === 2) {
          flush();
        } else if (k === 3) {
          flush();
          this.emitSimple(text[i], i, ids, starts, ends);
        } else if (mode === MODE_SIMPLE) {
          toComplex();
        }
        i++;
        continue;
      }
      const cp = text.codePointAt(i)!;
      const len = cp > 0xffff ? 2 : 1;
      const cls = classOf(cp);
      if (cls & REMOVED) {
        if (mode === MODE_SIMPLE) toComplex();
      } else if (cls & WHITESPACE) {
        flush();
      } else if (cls & CJK) {
        flush();
        toComplex();
        this.appendNormalized(text, i, cp, len, ids, starts, ends);
        flush();
      } else {
        toComplex();
        this.appendNormalized(text, i, cp, len, ids, starts, ends);
      }
      i += len;
    }
    flush();
    mergeOverlappingSpans(starts, ends);
    return { ids, starts, ends };
  }

  /** Appends the normalized form of one original code point; punctuation becomes its own word. */
  private appendNormalized(
    text: string,
    i: number,
    cp: number,
    len: number,
    ids: number[],
    starts: number[],
    ends: number[],
  ): void {
    let s: string;
    if (!this.lowerCase) s = len === 1 ? text[i] : text.slice(i, i + 2);
    else if (cp === 0x3a3) s = finalSigma(text, i) ? '\u03c2' : '\u03c3';
    else s = lowerStripAccents(cp);
    for (let k = 0; k < s.length;) {
      const c2 = s.codePointAt(k)!;
      const l2 = c2 > 0xffff ? 2 : 1;
      if (charClass(c2) & PUNCTUATION) {
        if (this.buf.length > 0) this.emitComplex(ids, starts, ends);
        this.buf = '';
        this.bs.length = 0;
        this.be.length = 0;
        const p = this.pieces(s.slice(k, k + l2));
        for (let j = 0; j < p.length; j += 2) {
          ids.push(p[j] < 0 ? this.unkId : p[j]);
          starts.push(i);
          ends.push(i + len);
        }
      } else {
        this.buf += s.slice(k, k + l2);
        for (let j = 0; j < l2; j++) {
          this.bs.push(i);
          this.be.push(i + len);
        }
      }
      k += l2;
    }
  }

  private emitSimple(word: string, base: number, ids: number[], starts: number[], ends: number[]): void {
    const p = this.pieces(word);
    if (p[0] < 0) {
      ids.push(this.unkId);
      starts.push(base);
      ends.push(base + word.length);
      return;
    }
    let off = base;
    for (let j = 0; j < p.length; j += 2) {
      ids.push(p[j]);
      starts.push(off);
      off += p[j + 1];
      ends.push(off);
    }
  }

  private emitComplex(ids: number[], starts: number[], ends: number[]): void {
    const word = this.buf;
    const p = this.pieces(word);
    if (p[0] < 0) {
      ids.push(this.unkId);
      starts.push(this.bs[0]);
      ends.push(this.be[word.length - 1]);
    } else {
      let off = 0;
      for (let j = 0; j < p.length; j += 2) {
        ids.push(p[j]);
        starts.push(this.bs[off]);
        off += p[j + 1];
        ends.push(this.be[off - 1]);
      }
    }
    this.buf = '';
    this.bs.length = 0;
    this.be.length = 0;
  }

  /** WordPiece of one normalized word: [id, length in UTF-16 units]*, or [-1] for a whole-word [UNK]. */
  pieces(word: string): Int32Array {
    let result = this.cache.get(word);
    if (result === undefined) {
      result = this.greedy(word);
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(word, result);
    }
    return result;
  }

  private greedy(word: string): Int32Array {
    const n = word.length;
    let chars = n;
    for (let k = 0; k < n; k++) {
      const c = word.charCodeAt(k);
      if (c >= 0xdc00 && c <= 0xdfff && k > 0 && isHigh(word.charCodeAt(k - 1))) chars--;
    }
    if (chars > this.maxCharsPerWord) return this.unkResult;
    if (this.maxBytesPerWord < Infinity && utf8Length(word) > this.maxBytesPerWord) return this.unkResult;
    const out: number[] = [];
    let start = 0;
    while (start < n) {
      const map = start === 0 ? this.whole : this.cont;
      let end = Math.min(n, start + (start === 0 ? this.maxWhole : this.maxCont));
      let found = -1;
      while (end > start) {
        if (end < n && isHigh(word.charCodeAt(end - 1)) && isLow(word.charCodeAt(end))) {
          end--;
          continue;
        }
        const id = map.get(word.slice(start, end));
        if (id !== undefined) {
          found = id;
          break;
        }
        end--;
      }
      if (found < 0) return this.unkResult;
      out.push(found, end - start);
      start = end;
    }
    return Int32Array.from(out);
  }
}

function isHigh(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

function isLow(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/**
 * Python's `str.lower()` Final_Sigma rule for U+03A3 at `i`: preceded by a cased letter and not followed by
 * one, skipping case-ignorable characters (and the characters `_clean_text` removed).
 */
function finalSigma(text: string, i: number): boolean {
  let j = i;
  let before = false;
  while (j > 0) {
    const cp = text.codePointAt(j - 1)!;
    const start = cp >= 0xdc00 && cp <= 0xdfff && j > 1 ? j - 2 : j - 1;
    const full = text.codePointAt(start)!;
    j = start;
    if (charClass(full) & REMOVED || isCaseIgnorable(full)) continue;
    before = isCased(full);
    break;
  }
  if (!before) return false;
  j = i + 1;
  while (j < text.length) {
    const cp = text.codePointAt(j)!;
    j += cp > 0xffff ? 2 : 1;
    if (charClass(cp) & REMOVED || isCaseIgnorable(cp)) continue;
    return !isCased(cp);
  }
  return true;
}
