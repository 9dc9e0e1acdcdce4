// tensorflow_text's BertTokenizer, which the TF-Hub preprocessing models run, splits text differently
// from the Model Garden's tokenization.py (the checkpoints' data pipeline):
// - control and format characters (Cc, Cf) become spaces (tokenization.py deletes them, joining words);
// - only ASCII whitespace separates words (RE2's \s): no-break and other Unicode spaces, line and
//   paragraph separators and U+FFFD stay inside the word (tokenization.py splits on or deletes them);
// - lower-casing is ICU's NFKC_Casefold (NFKC, full case folding, default-ignorables such as the soft
//   hyphen and ZWJ removed), not Python's lower();
// - a word longer than 100 UTF-8 bytes is [UNK] (tokenization.py counts characters).
// `tfTextPrenormalize` rewrites the first three into what the tokenization.py path then treats the same
// way, keeping where every unit came from; `tfTextClass` keeps inside words what tensorflow_text keeps there.

import { charClass } from './unicode';

export type TokenizerFlavor = 'tokenization.py' | 'tf-text';

/** tensorflow_text's default max_bytes_per_word. */
export const TF_TEXT_MAX_BYTES_PER_WORD = 100;

const SEPARATOR_RE = /[\p{Cc}\p{Cf}]/u;
const IN_WORD_RE = /[\p{Zs}\p{Zl}\p{Zp}\ufffd]/u;
const SIMPLE_RE = /^[\x20-\x7e]*$/;

/** tensorflow_text's rewrite of a text, and where each of its UTF-16 units came from in the original. */
export interface Prenormalized {
  readonly text: string;
  /** Original [start, end) of each unit of `text`; absent when `text` has the original's offsets. */
  readonly starts?: Int32Array;
  readonly ends?: Int32Array;
}

const DEFAULT_IGNORABLE_RE = /\p{Default_Ignorable_Code_Point}/gu;
// Case folding that String.prototype.toLowerCase does not do (after NFKC, which covers ϐ ϑ ϕ µ ſ ...).
// U+0345 (combining ypogegrammeni, inside ᾳ, ͺ ...) folds to ι.
const FOLD_EXTRA: Record<string, string> = { ß: 'ss', ẞ: 'ss', ς: 'σ', ſ: 's', '\u0345': 'ι' };

const folded = new Map<number, string>();

/** NFKC_Casefold of one code point, as ICU (and so tensorflow_text's case_fold_utf8) computes it; cached. */
function nfkcCasefold(ch: string): string {
  const cp = ch.codePointAt(0)!;
  let out = folded.get(cp);
  if (out === undefined) {
    out = computeNfkcCasefold(ch, cp);
    folded.set(cp, out);
  }
  return out;
}

function computeNfkcCasefold(ch: string, cp: number): string {
  // Cherokee folds to the capital letters (toLowerCase goes the other way).
  if (cp >= 0xab70 && cp <= 0xabbf) return String.fromCodePoint(cp - 0xab70 + 0x13a0);
  if (cp >= 0x13f8 && cp <= 0x13fd) return String.fromCodePoint(cp - 8);
  if (cp >= 0x13a0 && cp <= 0x13f5) return ch;
  let out = '';
  for (const c of ch.normalize('NFKD')) out += FOLD_EXTRA[c] ?? c.toLowerCase();
  return out.replace(DEFAULT_IGNORABLE_RE, '').normalize('NFKC');
}

/** Control and format characters separate words in tensorflow_text: they become spaces. */
function split(ch: string): string {
  if (ch === ' ') return ' ';
  if (SEPARATOR_RE.test(ch)) return ' '.repeat(ch.length);
  return ch;
}

/**
 * The tokenization.py character class, except what tensorflow_text keeps inside words: Unicode spaces
 * other than ASCII, line and paragraph separators and U+FFFD (some vocabularies hold them, e.g. Chinese
 * BERT's U+2028).
 */
export function tfTextClass(cp: number): number {
  return cp >= 0x80 && inWord(cp) ? 0 : charClass(cp);
}

// 1: stays inside a word, 0: not, -1: not computed yet (BMP); astral code points through a Map.
const inWordBmp = new Int8Array(0x10000).fill(-1);
const inWordAstral = new Map<number, boolean>();

function inWord(cp: number): boolean {
  if (cp < 0x10000) {
    if (inWordBmp[cp] < 0) inWordBmp[cp] = IN_WORD_RE.test(String.fromCharCode(cp)) ? 1 : 0;
    return inWordBmp[cp] === 1;
  }
  let known = inWordAstral.get(cp);
  if (known === undefined) {
    known = IN_WORD_RE.test(String.fromCodePoint(cp));
    inWordAstral.set(cp, known);
  }
  return known;
}

/**
 * `text` rewritten so the tokenization.py path splits it as tensorflow_text does. Cased: the same length.
 * Lower-case: NFKC_Casefold per character first (it can change the length: ß → ss, ﬁ → fi, a soft hyphen
 * → nothing), with the origin of every unit kept for offsets.
 */
export function tfTextPrenormalize(text: string, lowerCase: boolean): Prenormalized {
  if (SIMPLE_RE.test(text)) return { text };
  let out = '';
  const starts: number[] = [];
  const ends: number[] = [];
  let sameLength = true;
  for (let i = 0; i < text.length;) {
    const cp = text.codePointAt(i)!;
    const len = cp > 0xffff ? 2 : 1;
    const ch = text.slice(i, i + len);
    let piece: string;
    if (cp < 0x80) piece = split(ch);
    else {
      const folded = lowerCase ? nfkcCasefold(ch) : ch;
      piece = '';
      for (const c of folded) piece += split(c);
    }
    if (piece.length !== len) sameLength = false;
    out += piece;
    for (let k = 0; k < piece.length; k++) {
      starts.push(i);
      ends.push(i + len);
    }
    i += len;
  }
  return sameLength
    ? { text: out }
    : { text: out, starts: Int32Array.from(starts), ends: Int32Array.from(ends) };
}

/** UTF-8 length of a string. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

const MN_RE = /\p{Mn}/gu;

/**
 * What the Model Garden's SentencepieceTokenizer layer (ALBERT's TF-Hub preprocessing, strip_diacritics)
 * does before SentencePiece: NFD, drop Mn, then NFKC_Casefold when lower-casing. Unlike tokenization.py's
 * preprocess_text it neither collapses whitespace nor rewrites `` and '' (SentencePiece's own normalizer
 * handles whitespace), and no digit-comma split follows. Every output unit keeps its original span.
 */
export function tfTextSentencePiecePreprocess(
  input: string,
  lowerCase: boolean,
): { text: string; starts: number[]; ends: number[] } {
  let text = '';
  const starts: number[] = [];
  const ends: number[] = [];
  for (let i = 0; i < input.length;) {
    const cp = input.codePointAt(i)!;
    const len = cp > 0xffff ? 2 : 1;
    const ch = input.slice(i, i + len);
    let out: string;
    if (cp < 0x80) out = lowerCase ? ch.toLowerCase() : ch;
    else {
      out = ch.normalize('NFD').replace(MN_RE, '');
      if (lowerCase) {
        let folded = '';
        for (const c of out) folded += nfkcCasefold(c);
        out = folded;
      }
    }
    text += out;
    for (let k = 0; k < out.length; k++) {
      starts.push(i);
      ends.push(i + len);
    }
    i += len;
  }
  return { text, starts, ends };
}
