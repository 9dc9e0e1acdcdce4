// SentencePiece's normalizer (normalizer.cc): longest-prefix rewriting with the model's precompiled
// character map (a Darts double-array trie over UTF-8 bytes), user-defined symbols kept as they are,
// removal of extra whitespace, the dummy `▁` prefix and `▁` for spaces. Every normalized UTF-16 unit
// keeps the span of the input it came from.
import type { SpmNormalizerSpec } from './spmModel';

export const SPACE_SYMBOL = '\u2581';

export interface Normalized {
  readonly text: string;
  /** Per UTF-16 unit of `text`: start/end in the input (empty span for the dummy prefix). */
  readonly starts: Int32Array;
  readonly ends: Int32Array;
}

const utf8 = new TextDecoder();
const utf16 = new TextDecoder('utf-16le', { ignoreBOM: true });
const encoder = new TextEncoder();
const ASCII_SELF = 1;
const ASCII_REPLACED = 2;

export class SpmNormalizer {
  private readonly trie: Uint32Array | undefined;
  private readonly replacements: Uint8Array;
  private readonly replacementCache = new Map<number, string>();

  constructor(
    readonly spec: SpmNormalizerSpec,
    private readonly userDefined: readonly string[] = [],
    private readonly whitespaceAsSuffix = false,
  ) {
    const blob = spec.precompiledCharsmap;
    if (blob.length >= 4) {
      const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
      const trieSize = view.getUint32(0, true);
      const trieBytes = new Uint8Array(blob.subarray(4, 4 + trieSize)); // a copy (Buffer#slice would not copy)
      this.trie = new Uint32Array(trieBytes.buffer, 0, Math.floor(trieSize / 4));
      this.replacements = blob.subarray(4 + trieSize);
    } else {
      this.trie = undefined;
      this.replacements = new Uint8Array(0);
    }
    this.userDefined = [...userDefined].sort((a, b) => b.length - a.length);
    for (const symbol of this.userDefined)
      if (symbol.length > 0) this.userDefinedFirst[symbol.charCodeAt(0)] = 1;
    // ASCII characters whose rewriting does not depend on a following ASCII character: the table of the fast
    // path, which takes only all-ASCII input (a longer match from an ASCII character needs a non-ASCII byte).
    for (let c = 0; c < 128; c++) {
      if (this.userDefined.some((symbol) => symbol.charCodeAt(0) === c)) continue;
      const after = this.childOf(this.trie ? offsetOf(this.trie[0]) : -1, c);
      if (after < 0) this.asciiKind[c] = ASCII_SELF;
      else if (!this.hasAsciiChildren(after)) {
        this.longestMatch(Uint8Array.of(c), 0);
        if (this.matchLength === 0) this.asciiKind[c] = ASCII_SELF;
        else {
          this.asciiKind[c] = ASCII_REPLACED;
          this.asciiReplacement[c] = this.replacement(this.matchValue);
          this.asciiExpansion = Math.max(this.asciiExpansion, this.asciiReplacement[c].length);
        }
      }
    }
  }

  /** Per ASCII code: ASCII_SELF (kept), ASCII_REPLACED (asciiReplacement), else 0 (the general path). */
  private readonly asciiKind = new Uint8Array(128);
  /** 1 for each UTF-16 unit that starts a user-defined symbol. */
  private readonly userDefinedFirst = new Uint8Array(65536);
  private readonly asciiReplacement: string[] = [];
  private asciiExpansion = 1;

  /** The Darts node reached from `nodePos` by byte `c`, or -1. */
  private childOf(nodePos: number, c: number): number {
    const array = this.trie;
    if (!array || nodePos < 0) return -1;
    const unit = array[nodePos ^ c];
    if (unit === undefined || (unit & 0x800000ff) >>> 0 !== c) return -1;
    return nodePos ^ c ^ offsetOf(unit);
  }

  private hasAsciiChildren(nodePos: number): boolean {
    for (let b = 1; b < 128; b++) if (this.childOf(nodePos, b) >= 0) return true;
    return false;
  }

  // Result of the last `longestMatch` (no allocation in the hot loop).
  private matchLength = 0;
  private matchValue = 0;

  /** Longest match of the trie at bytes[pos..]; sets matchLength (0: none) and matchValue. */
  private longestMatch(bytes: Uint8Array, pos: number): void {
    this.matchLength = 0;
    const array = this.trie;
    if (!array) return;
    let nodePos = offsetOf(array[0]);
    for (let i = pos; i < bytes.length; i++) {
      const c = bytes[i];
      nodePos ^= c;
      const unit = array[nodePos];
      if (unit === undefined || (unit & 0x800000ff) >>> 0 !== c) return;
      nodePos ^= offsetOf(unit);
      if ((unit >>> 8) & 1) {
        this.matchLength = i + 1 - pos;
        this.matchValue = array[nodePos] & 0x7fffffff;
      }
    }
  }

  private replacement(offset: number): string {
    let s = this.replacementCache.get(offset);
    if (s === undefined) {
      let end = offset;
      while (end < this.replacements.length && this.replacements[end] !== 0) end++;
      s = utf8.decode(this.replacements.subarray(offset, end));
      this.replacementCache.set(offset, s);
    }
    return s;
  }

  normalize(input: string): Normalized {
    for (let i = 0; i < input.length; i++)
      if (input.charCodeAt(i) >= 128) return this.normalizeGeneral(input);
    return this.normalizeAscii(input);
  }

  /** Longest match of the trie on the ASCII string input[pos..] (one byte per unit), as `longestMatch`. */
  private longestMatchAscii(input: string, pos: number): void {
    this.matchLength = 0;
    const array = this.trie;
    if (!array) return;
    let nodePos = offsetOf(array[0]);
    for (let i = pos; i < input.length; i++) {
      const c = input.charCodeAt(i);
      nodePos ^= c;
      const unit = array[nodePos];
      if (unit === undefined || (unit & 0x800000ff) >>> 0 !== c) return;
      nodePos ^= offsetOf(unit);
      if ((unit >>> 8) & 1) {
        this.matchLength = i + 1 - pos;
        this.matchValue = array[nodePos] & 0x7fffffff;
      }
    }
  }

  /**
   * normalizeGeneral for all-ASCII text (one UTF-16 unit per byte): characters whose rewriting cannot depend on
   * what follows come from a table, the others walk the trie on the string itself.
   */
  private normalizeAscii(input: string): Normalized {
    const n = input.length;
    const spec = this.spec;
    const escape = spec.escapeWhitespaces;
    const removeExtra = spec.removeExtraWhitespaces;
    const spaceCode = escape ? 0x2581 : 32;
    const kinds = this.asciiKind;
    // The rewriting at `pos`: rep (null: the input's own characters) and the units it consumes.
    let rep: string | null = null;
    let consumed = 1;
    const prefix = (pos: number) => {
      const c = input.charCodeAt(pos);
      const kind = kinds[c];
      consumed = 1;
      if (kind === ASCII_SELF) rep = null;
      else if (kind === ASCII_REPLACED) rep = this.asciiReplacement[c];
      else {
        for (const symbol of this.userDefined) {
          if (input.startsWith(symbol, pos)) {
            rep = null;
            consumed = symbol.length;
            return;
          }
        }
        this.longestMatchAscii(input, pos);
        if (this.matchLength > 0) {
          rep = this.replacement(this.matchValue);
          consumed = this.matchLength;
        } else rep = null;
      }
    };
    let pos = 0;
    if (removeExtra) {
      while (pos < n) {
        prefix(pos);
        const r = rep as string | null;
        if (r === null ? consumed !== 1 || input.charCodeAt(pos) !== 32 : r !== ' ') break;
        pos += consumed;
      }
    }
    if (pos >= n) return { text: '', starts: new Int32Array(0), ends: new Int32Array(0) };
    let cap = (n - pos) * this.asciiExpansion + 2;
    let buf = new Uint16Array(cap);
    let st = new Int32Array(cap);
    let en = new Int32Array(cap);
    let len = 0;
    if (!this.whitespaceAsSuffix && spec.addDummyPrefix) {
      buf[0] = spaceCode;
      st[0] = en[0] = pos;
      len = 1;
    }
    let prevSpace = removeExtra;
    while (pos < n) {
      const c = input.charCodeAt(pos);
      if (kinds[c] === ASCII_SELF) {
        if (!prevSpace || c !== 32) {
          buf[len] = escape && c === 32 ? 0x2581 : c;
          st[len] = pos;
          en[len] = pos + 1;
          len++;
          prevSpace = c === 32;
        }
        pos++;
        if (!removeExtra) prevSpace = false;
        continue;
      }
      prefix(pos);
      const r = rep as string | null;
      const source = r === null ? input : r;
      let k = r === null ? pos : 0;
      const kEnd = r === null ? pos + consumed : r.length;
      if (prevSpace) while (k < kEnd && source.charCodeAt(k) === 32) k++;
      if (k < kEnd) {
        if (len + (kEnd - k) + 1 > cap) {
          cap = 2 * (len + (kEnd - k) + 1);
          buf = growCopy(buf, new Uint16Array(cap));
          st = growCopy(st, new Int32Array(cap));
          en = growCopy(en, new Int32Array(cap));
        }
        let last = 0;
        for (; k < kEnd; k++) {
          last = source.charCodeAt(k);
          buf[len] = escape && last === 32 ? 0x2581 : last;
          st[len] = pos;
          en[len] = pos + consumed;
          len++;
        }
        prevSpace = last === 32;
      }
      pos += consumed;
      if (!removeExtra) prevSpace = false;
    }
    if (removeExtra) while (len > 0 && buf[len - 1] === spaceCode) len--;
    if (this.whitespaceAsSuffix && spec.addDummyPrefix) {
      if (len + 1 > cap) {
        cap = len + 1;
        buf = growCopy(buf, new Uint16Array(cap));
        st = growCopy(st, new Int32Array(cap));
        en = growCopy(en, new Int32Array(cap));
      }
      buf[len] = spaceCode;
      st[len] = en[len] = n;
      len++;
    }
    const units = buf.subarray(0, len);
    return {
      text: len <= 4096 ? String.fromCharCode.apply(null, units as unknown as number[]) : utf16.decode(units),
      starts: st.subarray(0, len),
      ends: en.subarray(0, len),
    };
  }

  private normalizeGeneral(input: string): Normalized {
    const kinds = this.asciiKind;
    const bytes = encoder.encode(input);
    const nb = bytes.length;
    // UTF-16 offset of each byte position that starts a character.
    const u16 = new Int32Array(nb + 1);
    for (let i = 0, b = 0; i < input.length;) {
      const cp = input.codePointAt(i)!;
      const units = cp > 0xffff ? 2 : 1;
      const n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      for (let k = 0; k < n; k++) u16[b + k] = i;
      b += n;
      i += units;
    }
    u16[nb] = input.length;

    const spec = this.spec;
    const escape = spec.escapeWhitespaces;
    const removeExtra = spec.removeExtraWhitespaces;
    const spaceCode = escape ? 0x2581 : 32;
    let cap = input.length + 16;
    let buf = new Uint16Array(cap);
    let st = new Int32Array(cap);
    let en = new Int32Array(cap);
    let len = 0;
    const grow = (need: number) => {
      while (cap < need) cap *= 2;
      const b2 = new Uint16Array(cap);
      b2.set(buf);
      buf = b2;
      const s2 = new Int32Array(cap);
      s2.set(st);
      st = s2;
      const e2 = new Int32Array(cap);
      e2.set(en);
      en = e2;
    };

    // The normalized form of the prefix at byte `pos`: `rep` (a replacement, or null for the input's own
    // characters input[a, b)) and the bytes it consumes.
    let rep: string | null = null;
    let consumed = 0;
    const prefix = (pos: number) => {
      const at = u16[pos];
      const b0 = bytes[pos];
      if (b0 < 128 && kinds[b0] !== 0 && (pos + 1 >= nb || bytes[pos + 1] < 128)) {
        // No match from an ASCII character can continue with an ASCII byte: the table's answer.
        rep = kinds[b0] === ASCII_SELF ? null : this.asciiReplacement[b0];
        consumed = 1;
        return;
      }
      if (this.userDefinedFirst[input.charCodeAt(at)] === 1) {
        for (const symbol of this.userDefined) {
          if (input.startsWith(symbol, at)) {
            rep = null;
            consumed = u16.indexOf(at + symbol.length, pos + 1) - pos;
            if (consumed > 0) return;
          }
        }
      }
      this.longestMatch(bytes, pos);
      if (this.matchLength > 0) {
        rep = this.replacement(this.matchValue);
        consumed = this.matchLength;
        return;
      }
      rep = null;
      const b = bytes[pos];
      consumed = b < 0x80 ? 1 : b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4;
    };

    let pos = 0;
    if (removeExtra) {
      while (pos < nb) {
        prefix(pos);
        const r = rep as string | null;
        const isSpace = r === null ? consumed === 1 && bytes[pos] === 32 : r === ' ';
        if (!isSpace) break;
        pos += consumed;
      }
    }
    if (pos >= nb) return { text: '', starts: new Int32Array(0), ends: new Int32Array(0) };
    if (!this.whitespaceAsSuffix && spec.addDummyPrefix) {
      buf[len] = spaceCode;
      st[len] = u16[pos];
      en[len] = u16[pos];
      len++;
    }
    let prevSpace = removeExtra;
    while (pos < nb) {
      prefix(pos);
      const a = u16[pos];
      const b = u16[pos + consumed];
      const r = rep as string | null;
      const source = r === null ? input : r;
      let k = r === null ? a : 0;
      const kEnd = r === null ? b : r.length;
      if (prevSpace) while (k < kEnd && source.charCodeAt(k) === 32) k++;
      if (k < kEnd) {
        if (len + (kEnd - k) > cap) grow(len + (kEnd - k));
        let last = 0;
        for (; k < kEnd; k++) {
          last = source.charCodeAt(k);
          buf[len] = escape && last === 32 ? 0x2581 : last;
          st[len] = a;
          en[len] = b;
          len++;
        }
        prevSpace = last === 32;
      }
      pos += consumed;
      if (!removeExtra) prevSpace = false;
    }
    if (removeExtra) while (len > 0 && buf[len - 1] === spaceCode) len--;
    if (this.whitespaceAsSuffix && spec.addDummyPrefix) {
      if (len + 1 > cap) grow(len + 1);
      buf[len] = spaceCode;
      st[len] = input.length;
      en[len] = input.length;
      len++;
    }
    return {
      text: utf16.decode(buf.subarray(0, len)),
      starts: st.subarray(0, len),
      ends: en.subarray(0, len),
    };
  }
}

function growCopy<T extends Uint16Array | Int32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

function offsetOf(unit: number): number {
  return (unit >>> 10) << ((unit & (1 << 9)) >>> 6);
}
