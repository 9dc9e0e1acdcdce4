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
  private longestMatch(bytes: Uint8Array, pos: number, end = bytes.length): void {
    this.matchLength = 0;
    const array = this.trie;
    if (!array) return;
    let nodePos = offsetOf(array[0]);
    for (let i = pos; i < end; i++) {
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

  /** The normalized text and the input span of each of its units (fresh arrays, the caller's to keep). */
  normalize(input: string): Normalized {
    return this.run(input, false);
  }

  /**
   * `normalize` into buffers reused from call to call (no allocation but the string): `starts`/`ends` may be
   * longer than the text and are valid until the next `normalizeShared`. For a caller that reads them at once.
   */
  normalizeShared(input: string): Normalized {
    return this.run(input, true);
  }

  // Scratch: the normalized units (always reused: they become a string), and the shared spans.
  private units = new Uint16Array(256);
  private sharedStarts = new Int32Array(256);
  private sharedEnds = new Int32Array(256);
  // The rewriting found by `prefixAscii`/`prefixGeneral`: rep (null: the input's own characters) and the
  // units (ASCII) or bytes (general) it consumes.
  private rep: string | null = null;
  private consumed = 1;
  // The output of the current run.
  private st = this.sharedStarts;
  private en = this.sharedEnds;
  private len = 0;

  private run(input: string, shared: boolean): Normalized {
    let ascii = true;
    for (let i = 0; i < input.length; i++) {
      if (input.charCodeAt(i) >= 128) {
        ascii = false;
        break;
      }
    }
    const cap = ascii ? input.length * this.asciiExpansion + 2 : input.length + 16;
    if (this.units.length < cap) this.units = new Uint16Array(cap);
    if (!shared) {
      this.st = new Int32Array(cap);
      this.en = new Int32Array(cap);
    } else {
      if (this.sharedStarts.length < cap) {
        this.sharedStarts = new Int32Array(cap);
        this.sharedEnds = new Int32Array(cap);
      }
      this.st = this.sharedStarts;
      this.en = this.sharedEnds;
    }
    this.len = 0;
    if (ascii) this.normalizeAscii(input);
    else this.normalizeGeneral(input);
    const len = this.len;
    const units = this.units.subarray(0, len);
    const text =
      len === 0
        ? ''
        : len <= 4096
          ? String.fromCharCode.apply(null, units as unknown as number[])
          : utf16.decode(units);
    if (shared) {
      this.sharedStarts = this.st;
      this.sharedEnds = this.en;
      return { text, starts: this.st, ends: this.en };
    }
    return { text, starts: this.st.subarray(0, len), ends: this.en.subarray(0, len) };
  }

  /** Room for `more` units after `len` in units/st/en. */
  private reserve(more: number): void {
    const need = this.len + more;
    if (need <= this.units.length && need <= this.st.length) return;
    let cap = Math.max(this.units.length, this.st.length);
    while (cap < need) cap *= 2;
    if (this.units.length < cap) this.units = growCopy(this.units, new Uint16Array(cap));
    if (this.st.length < cap) {
      this.st = growCopy(this.st, new Int32Array(cap));
      this.en = growCopy(this.en, new Int32Array(cap));
    }
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

  /** The rewriting at unit `pos` of an all-ASCII input: sets rep and consumed (units). */
  private prefixAscii(input: string, pos: number): void {
    const c = input.charCodeAt(pos);
    const kind = this.asciiKind[c];
    this.consumed = 1;
    if (kind === ASCII_SELF) this.rep = null;
    else if (kind === ASCII_REPLACED) this.rep = this.asciiReplacement[c];
    else {
      for (const symbol of this.userDefined) {
        if (input.startsWith(symbol, pos)) {
          this.rep = null;
          this.consumed = symbol.length;
          return;
        }
      }
      this.longestMatchAscii(input, pos);
      if (this.matchLength > 0) {
        this.rep = this.replacement(this.matchValue);
        this.consumed = this.matchLength;
      } else this.rep = null;
    }
  }

  /**
   * normalizeGeneral for all-ASCII text (one UTF-16 unit per byte): characters whose rewriting cannot depend on
   * what follows come from a table, the others walk the trie on the string itself.
   */
  private normalizeAscii(input: string): void {
    const n = input.length;
    const spec = this.spec;
    const escape = spec.escapeWhitespaces;
    const removeExtra = spec.removeExtraWhitespaces;
    const spaceCode = escape ? 0x2581 : 32;
    const kinds = this.asciiKind;
    let pos = 0;
    if (removeExtra) {
      while (pos < n) {
        this.prefixAscii(input, pos);
        const r = this.rep;
        if (r === null ? this.consumed !== 1 || input.charCodeAt(pos) !== 32 : r !== ' ') break;
        pos += this.consumed;
      }
    }
    if (pos >= n) return;
    let buf = this.units;
    let st = this.st;
    let en = this.en;
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
      this.prefixAscii(input, pos);
      const r = this.rep;
      const consumed = this.consumed;
      const source = r === null ? input : r;
      let k = r === null ? pos : 0;
      const kEnd = r === null ? pos + consumed : r.length;
      if (prevSpace) while (k < kEnd && source.charCodeAt(k) === 32) k++;
      if (k < kEnd) {
        this.len = len;
        this.reserve(kEnd - k + 1);
        buf = this.units;
        st = this.st;
        en = this.en;
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
    this.len = len;
    if (this.whitespaceAsSuffix && spec.addDummyPrefix) {
      this.reserve(1);
      this.units[len] = spaceCode;
      this.st[len] = this.en[len] = n;
      this.len = len + 1;
    }
  }

  // The general path's view of the input: its UTF-8 bytes and the UTF-16 offset of each byte's character.
  private bytes = new Uint8Array(256);
  private u16 = new Int32Array(257);

  /** The rewriting at byte `pos` of the general path: sets rep and consumed (bytes). */
  private prefixGeneral(input: string, pos: number, nb: number): void {
    const bytes = this.bytes;
    const kinds = this.asciiKind;
    const b0 = bytes[pos];
    if (b0 < 128 && kinds[b0] !== 0 && (pos + 1 >= nb || bytes[pos + 1] < 128)) {
      // No match from an ASCII character can continue with an ASCII byte: the table's answer.
      this.rep = kinds[b0] === ASCII_SELF ? null : this.asciiReplacement[b0];
      this.consumed = 1;
      return;
    }
    const u16 = this.u16;
    const at = u16[pos];
    if (this.userDefinedFirst[input.charCodeAt(at)] === 1) {
      for (const symbol of this.userDefined) {
        if (input.startsWith(symbol, at)) {
          this.rep = null;
          const consumed = u16.subarray(0, nb + 1).indexOf(at + symbol.length, pos + 1) - pos;
          this.consumed = consumed;
          if (consumed > 0) return;
        }
      }
    }
    this.longestMatch(bytes, pos, nb);
    if (this.matchLength > 0) {
      this.rep = this.replacement(this.matchValue);
      this.consumed = this.matchLength;
      return;
    }
    this.rep = null;
    this.consumed = b0 < 0x80 ? 1 : b0 < 0xe0 ? 2 : b0 < 0xf0 ? 3 : 4;
  }

  private normalizeGeneral(input: string): void {
    if (this.bytes.length < input.length * 3) {
      this.bytes = new Uint8Array(input.length * 3);
      this.u16 = new Int32Array(input.length * 3 + 1);
    }
    const bytes = this.bytes;
    const nb = encoder.encodeInto(input, bytes).written;
    // UTF-16 offset of each byte position that starts a character.
    const u16 = this.u16;
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
    let pos = 0;
    if (removeExtra) {
      while (pos < nb) {
        this.prefixGeneral(input, pos, nb);
        const r = this.rep;
        const isSpace = r === null ? this.consumed === 1 && bytes[pos] === 32 : r === ' ';
        if (!isSpace) break;
        pos += this.consumed;
      }
    }
    if (pos >= nb) return;
    let len = 0;
    if (!this.whitespaceAsSuffix && spec.addDummyPrefix) {
      this.units[len] = spaceCode;
      this.st[len] = u16[pos];
      this.en[len] = u16[pos];
      len++;
    }
    let prevSpace = removeExtra;
    const kinds = this.asciiKind;
    let buf = this.units;
    let st = this.st;
    let en = this.en;
    while (pos < nb) {
      const b0 = bytes[pos];
      if (b0 < 128 && kinds[b0] === ASCII_SELF && (pos + 1 >= nb || bytes[pos + 1] < 128)) {
        // prefixGeneral's table answer, inline: an ASCII character that stays itself.
        if (!prevSpace || b0 !== 32) {
          if (len >= buf.length || len >= st.length) {
            this.len = len;
            this.reserve(1);
            buf = this.units;
            st = this.st;
            en = this.en;
          }
          const at = u16[pos];
          buf[len] = escape && b0 === 32 ? 0x2581 : b0;
          st[len] = at;
          en[len] = at + 1;
          len++;
          prevSpace = b0 === 32;
        }
        pos++;
        if (!removeExtra) prevSpace = false;
        continue;
      }
      this.prefixGeneral(input, pos, nb);
      const consumed = this.consumed;
      const a = u16[pos];
      const b = u16[pos + consumed];
      const r = this.rep;
      const source = r === null ? input : r;
      let k = r === null ? a : 0;
      const kEnd = r === null ? b : r.length;
      if (prevSpace) while (k < kEnd && source.charCodeAt(k) === 32) k++;
      if (k < kEnd) {
        this.len = len;
        this.reserve(kEnd - k);
        buf = this.units;
        st = this.st;
        en = this.en;
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
    if (removeExtra) while (len > 0 && this.units[len - 1] === spaceCode) len--;
    this.len = len;
    if (this.whitespaceAsSuffix && spec.addDummyPrefix) {
      this.reserve(1);
      this.units[len] = spaceCode;
      this.st[len] = input.length;
      this.en[len] = input.length;
      this.len = len + 1;
    }
  }
}

function growCopy<T extends Uint16Array | Int32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

function offsetOf(unit: number): number {
  return (unit >>> 10) << ((unit & (1 << 9)) >>> 6);
}
