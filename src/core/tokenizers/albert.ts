// ALBERT's `preprocess_text` (official/nlp/tools/tokenization.py, forked from google-research/albert):
// `" ".join(text.strip().split())`, NFKD, drop characters with a combining class, lower-case. Each output
// UTF-16 unit keeps the span of the original text it came from.
import { hasCombiningClass, isCased, isCaseIgnorable, isPythonSpace } from './unicode';

export interface Preprocessed {
  readonly text: string;
  readonly starts: number[];
  readonly ends: number[];
}

export function albertPreprocess(input: string, lowerCase: boolean): Preprocessed {
  // 1. Collapse whitespace runs to one space, trim; 2. NFKD without combining characters.
  let mid = '';
  const ms: number[] = [];
  const me: number[] = [];
  let pendingSpace = -1;
  let pendingEnd = -1;
  for (let i = 0; i < input.length;) {
    const cp = input.codePointAt(i)!;
    const len = cp > 0xffff ? 2 : 1;
    if (isPythonSpace(cp)) {
      if (mid.length > 0) {
        if (pendingSpace < 0) pendingSpace = i;
        pendingEnd = i + len;
      }
      i += len;
      continue;
    }
    if (pendingSpace >= 0) {
      mid += ' ';
      ms.push(pendingSpace);
      me.push(pendingEnd);
      pendingSpace = -1;
    }
    const ch = len === 1 ? input[i] : input.slice(i, i + 2);
    const decomposed = cp < 0x80 ? ch : ch.normalize('NFKD');
    for (const c of decomposed) {
      const dcp = c.codePointAt(0)!;
      if (hasCombiningClass(dcp)) continue;
      mid += c;
      for (let k = 0; k < c.length; k++) {
        ms.push(i);
        me.push(i + len);
      }
    }
    i += len;
  }
  if (!lowerCase) return { text: mid, starts: ms, ends: me };
  // 3. str.lower() of the whole string, with Python's Final_Sigma rule.
  let out = '';
  const starts: number[] = [];
  const ends: number[] = [];
  for (let i = 0; i < mid.length;) {
    const cp = mid.codePointAt(i)!;
    const len = cp > 0xffff ? 2 : 1;
    const lower =
      cp < 0x80
        ? mid[i].toLowerCase()
        : cp === 0x3a3
          ? finalSigma(mid, i)
            ? '\u03c2'
            : '\u03c3'
          : mid.slice(i, i + len).toLowerCase();
    out += lower;
    for (let k = 0; k < lower.length; k++) {
      starts.push(ms[i]);
      ends.push(me[i + len - 1]);
    }
    i += len;
  }
  return { text: out, starts, ends };
}

function finalSigma(text: string, i: number): boolean {
  const chars = Array.from(text.slice(0, i)).reverse();
  let before = false;
  for (const c of chars) {
    const cp = c.codePointAt(0)!;
    if (isCaseIgnorable(cp)) continue;
    before = isCased(cp);
    break;
  }
  if (!before) return false;
  for (const c of text.slice(i + 1)) {
    const cp = c.codePointAt(0)!;
    if (isCaseIgnorable(cp)) continue;
    return !isCased(cp);
  }
  return true;
}

/** Python's `str.isdigit()` for one code point: Nd plus the few Numeric_Type=Digit characters outside Nd. */
export function isPythonDigit(cp: number): boolean {
  if (cp >= 0x30 && cp <= 0x39) return true;
  if (cp < 0x80) return false;
  return (
    /^\p{Nd}$/u.test(String.fromCodePoint(cp)) ||
    cp === 0xb2 ||
    cp === 0xb3 ||
    cp === 0xb9 ||
    (cp >= 0x2070 && cp <= 0x2079 && cp !== 0x2071 && cp !== 0x2072 && cp !== 0x2073) ||
    (cp >= 0x2080 && cp <= 0x2089) ||
    (cp >= 0x2460 && cp <= 0x2468) ||
    (cp >= 0x2474 && cp <= 0x247c) ||
    (cp >= 0x2488 && cp <= 0x2490) ||
    (cp >= 0x1369 && cp <= 0x1371) ||
    cp === 0x19da
  );
}
