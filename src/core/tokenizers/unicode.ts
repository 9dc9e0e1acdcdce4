// Character classes of the Model Garden's tokenization.py (official/nlp/tools/tokenization.py), evaluated
// with the JavaScript engine's Unicode tables and cached per code point.

const CONTROL_RE = /^[\p{Cc}\p{Cf}]$/u;
const ZS_RE = /^\p{Zs}$/u;
const PUNCT_RE = /^\p{P}$/u;
const MN_RE = /\p{Mn}/gu;
const CASED_RE = /^\p{Cased}$/u;
const CASE_IGNORABLE_RE = /^\p{Case_Ignorable}$/u;

/** Removed by `_clean_text`: NUL, U+FFFD and Cc/Cf except \t \n \r. */
export const REMOVED = 1;
/** `_is_whitespace`: space, \t, \n, \r or Zs. */
export const WHITESPACE = 2;
/** `_is_punctuation`: non-alphanumeric ASCII 33-47, 58-64, 91-96, 123-126 or any P* category. */
export const PUNCTUATION = 4;
/** `_is_chinese_char`: the CJK ideograph blocks that get spaces around them. */
export const CJK = 8;

const bmpClass = new Int8Array(0x10000).fill(-1);
const astralClass = new Map<number, number>();

function computeClass(cp: number): number {
  const ch = String.fromCodePoint(cp);
  let cls = 0;
  if (cp === 9 || cp === 10 || cp === 13 || cp === 32) return WHITESPACE;
  // U+2028/U+2029 survive `_clean_text` (Zl/Zp) but Python's `str.split()` in whitespace_tokenize splits on them.
  if (cp === 0x2028 || cp === 0x2029) return WHITESPACE;
  if (cp === 0 || cp === 0xfffd || CONTROL_RE.test(ch)) cls |= REMOVED;
  if (ZS_RE.test(ch)) cls |= WHITESPACE;
  if (
    (cp >= 33 && cp <= 47) ||
    (cp >= 58 && cp <= 64) ||
    (cp >= 91 && cp <= 96) ||
    (cp >= 123 && cp <= 126)
  ) {
    cls |= PUNCTUATION;
  } else if (PUNCT_RE.test(ch)) {
    cls |= PUNCTUATION;
  }
  if (isChineseChar(cp)) cls |= CJK;
  return cls;
}

/** The class bits of a code point (REMOVED | WHITESPACE | PUNCTUATION | CJK). */
export function charClass(cp: number): number {
  if (cp < 0x10000) {
    let cls = bmpClass[cp];
    if (cls < 0) {
      cls = computeClass(cp);
      bmpClass[cp] = cls;
    }
    return cls;
  }
  let cls = astralClass.get(cp);
  if (cls === undefined) {
    cls = computeClass(cp);
    astralClass.set(cp, cls);
  }
  return cls;
}

export function isChineseChar(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b820 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

export function isPunctuation(cp: number): boolean {
  return (charClass(cp) & PUNCTUATION) !== 0;
}

const lowerStripCache = new Map<number, string>();

/** `token.lower()` then NFD and removal of Mn marks, for one code point (not the context-dependent Σ). */
export function lowerStripAccents(cp: number): string {
  let out = lowerStripCache.get(cp);
  if (out === undefined) {
    out = String.fromCodePoint(cp).toLowerCase().normalize('NFD').replace(MN_RE, '');
    lowerStripCache.set(cp, out);
  }
  return out;
}

export function isCased(cp: number): boolean {
  return CASED_RE.test(String.fromCodePoint(cp));
}

export function isCaseIgnorable(cp: number): boolean {
  return CASE_IGNORABLE_RE.test(String.fromCodePoint(cp));
}

/**
 * Python's `str.isspace()` (what `str.split()` and `str.strip()` use): Unicode White_Space plus the
 * information separators U+001C..U+001F. Unlike JavaScript's `\s`, U+FEFF is not included.
 */
export function isPythonSpace(cp: number): boolean {
  return (
    (cp >= 9 && cp <= 13) ||
    (cp >= 0x1c && cp <= 0x20) ||
    cp === 0x85 ||
    cp === 0xa0 ||
    cp === 0x1680 ||
    (cp >= 0x2000 && cp <= 0x200a) ||
    cp === 0x2028 ||
    cp === 0x2029 ||
    cp === 0x202f ||
    cp === 0x205f ||
    cp === 0x3000
  );
}

const combiningCache = new Map<number, boolean>();

/**
 * Python's `unicodedata.combining(c) != 0` (canonical combining class > 0). JavaScript has no direct
 * API, so it is derived from canonical reordering: a mark with class k > 0 is moved before U+0345
 * (class 240) when k < 240, and U+0334 (class 1) is moved before it when k > 1.
 */
export function hasCombiningClass(cp: number): boolean {
  if (cp < 0x300) return false;
  let out = combiningCache.get(cp);
  if (out === undefined) {
    const c = String.fromCodePoint(cp);
    const a = '\u0345' + c;
    const b = c + '\u0334';
    out =
      a.normalize('NFD') !== '\u0345' + c.normalize('NFD') ||
      b.normalize('NFD') !== c.normalize('NFD') + '\u0334';
    combiningCache.set(cp, out);
  }
  return out;
}
