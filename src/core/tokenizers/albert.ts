// ALBERT's `preprocess_text` (official/nlp/tools/tokenization.py, forked from google-research/albert):
// `" ".join(text.strip().split())`, NFKD, drop characters with a combining class, lower-case. Each output
// UTF-16 unit keeps the span of the original text it came from.
import { hasCombiningClass, isCased, isCaseIgnorable, isPythonSpace } from './unicode';

export interface Preprocessed {
  readonly text: string;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
}

/**
 * UTF-16 units with the original span of each, in typed arrays: a few bytes per unit, so that megabytes
 * of text stay small (JS arrays of numbers and `+=` on strings cost tens of bytes per unit).
 */
class SpanBuilder {
  length = 0;
  private units = new Uint16Array(16);
  private s = new Int32Array(16);
  private e = new Int32Array(16);

  constructor(capacity: number) {
    this.reserve(capacity);
  }

  private reserve(need: number): void {
    if (need <= this.units.length) return;
    const cap = Math.max(need, this.units.length * 2);
    const grow = <T extends Uint16Array | Int32Array>(a: T, b: T): T => (
      b.set(a.subarray(0, this.length)),
      b
    );
    this.units = grow(this.units, new Uint16Array(cap));
    this.s = grow(this.s, new Int32Array(cap));
    this.e = grow(this.e, new Int32Array(cap));
  }

  push(unit: number, start: number, end: number): void {
    if (this.length === this.units.length) this.reserve(this.length + 1);
    this.units[this.length] = unit;
    this.s[this.length] = start;
    this.e[this.length] = end;
    this.length++;
  }

  finish(): Preprocessed {
    const parts: string[] = [];
    for (let i = 0; i < this.length; i += 8192)
      parts.push(
        String.fromCharCode.apply(
          null,
          this.units.subarray(i, Math.min(this.length, i + 8192)) as unknown as number[],
        ),
      );
    return { text: parts.join(''), starts: this.s.slice(0, this.length), ends: this.e.slice(0, this.length) };
  }
}

export function albertPreprocess(input: string, lowerCase: boolean): Preprocessed {
  // 1. Collapse whitespace runs to one space, trim; 2. NFKD without combining characters.
  const mid = new SpanBuilder(input.length);
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
      mid.push(32, pendingSpace, pendingEnd);
      pendingSpace = -1;
    }
    if (cp < 0x80) mid.push(cp, i, i + len);
    else {
      const decomposed = (len === 1 ? input[i] : input.slice(i, i + 2)).normalize('NFKD');
      for (let k = 0; k < decomposed.length;) {
        const dcp = decomposed.codePointAt(k)!;
        const dlen = dcp > 0xffff ? 2 : 1;
        if (!hasCombiningClass(dcp))
          for (let u = 0; u < dlen; u++) mid.push(decomposed.charCodeAt(k + u), i, i + len);
        k += dlen;
      }
    }
    i += len;
  }
  const first = mid.finish();
  if (!lowerCase) return first;
  // 3. str.lower() of the whole string, with Python's Final_Sigma rule.
  const text = first.text;
  const out = new SpanBuilder(text.length);
  for (let i = 0; i < text.length;) {
    const cp = text.codePointAt(i)!;
    const len = cp > 0xffff ? 2 : 1;
    const start = first.starts[i];
    const end = first.ends[i + len - 1];
    if (cp < 0x80) out.push(cp >= 65 && cp <= 90 ? cp + 32 : cp, start, end);
    else {
      const lower =
        cp === 0x3a3 ? (finalSigma(text, i) ? '\u03c2' : '\u03c3') : text.slice(i, i + len).toLowerCase();
      for (let k = 0; k < lower.length; k++) out.push(lower.charCodeAt(k), start, end);
    }
    i += len;
  }
  return out.finish();
}

/**
 * Python's Final_Sigma condition for the capital sigma at `i`: a cased letter before it and none
 * after it, skipping case-ignorable characters. Scans only the characters it needs (no copies), so a
 * text of many sigmas stays linear.
 */
export function finalSigma(text: string, i: number): boolean {
  let before = false;
  for (let k = i; k > 0;) {
    let cp = text.charCodeAt(k - 1);
    let len = 1;
    if (cp >= 0xdc00 && cp <= 0xdfff && k >= 2) {
      const hi = text.charCodeAt(k - 2);
      if (hi >= 0xd800 && hi <= 0xdbff) {
        cp = (hi - 0xd800) * 0x400 + (cp - 0xdc00) + 0x10000;
        len = 2;
      }
    }
    k -= len;
    if (isCaseIgnorable(cp)) continue;
    before = isCased(cp);
    break;
  }
  if (!before) return false;
  for (let k = i + 1; k < text.length;) {
    const cp = text.codePointAt(k)!;
    k += cp > 0xffff ? 2 : 1;
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
