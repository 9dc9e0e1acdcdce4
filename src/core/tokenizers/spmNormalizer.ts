// SentencePiece's normalizer (normalizer.cc): longest-prefix rewriting with the model's precompiled
// character map (a Darts double-array trie over UTF-8 bytes), user-defined symbols kept as they are,
// removal of extra whitespace, the dummy `▁` prefix and `▁` for spaces. Every normalized UTF-16 unit
// keeps the span of the input it came from.
import type { SpmNormalizerSpec } from './spmModel';

export const SPACE_SYMBOL = '\u2581';

export interface Normalized {
  readonly text: string;
  /** Per UTF-16 unit of `text`: start/end in the input (empty span for the dummy prefix). */
  readonly starts: number[];
  readonly ends: number[];
}

const utf8 = new TextDecoder();
const encoder = new TextEncoder();

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
  }

  /** Longest match of the trie at bytes[pos..]: [consumed bytes, replacement offset], or undefined. */
  private longestMatch(bytes: Uint8Array, pos: number): [number, number] | undefined {
    const array = this.trie;
    if (!array) return undefined;
    let nodePos = 0;
    let unit = array[0];
    nodePos ^= offsetOf(unit);
    let best: [number, number] | undefined;
    for (let i = pos; i < bytes.length; i++) {
      const c = bytes[i];
      nodePos ^= c;
      unit = array[nodePos];
      if (unit === undefined || (unit & 0x800000ff) >>> 0 !== c) break;
      nodePos ^= offsetOf(unit);
      if ((unit >>> 8) & 1) best = [i + 1 - pos, array[nodePos] & 0x7fffffff];
    }
    return best;
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
    const bytes = encoder.encode(input);
    // UTF-16 offset of each byte position that starts a character.
    const u16 = new Int32Array(bytes.length + 1);
    for (let i = 0, b = 0; i < input.length;) {
      const cp = input.codePointAt(i)!;
      const units = cp > 0xffff ? 2 : 1;
      const n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      for (let k = 0; k < n; k++) u16[b + k] = i;
      b += n;
      i += units;
    }
    u16[bytes.length] = input.length;

    // Normalizes the prefix at byte `pos`: [normalized text, consumed bytes].
    const prefix = (pos: number): [string, number] => {
      const at = u16[pos];
      for (const symbol of this.userDefined) {
        if (input.startsWith(symbol, at)) return [symbol, encoder.encode(symbol).length];
      }
      const match = this.longestMatch(bytes, pos);
      if (match) return [this.replacement(match[1]), match[0]];
      const b = bytes[pos];
      const n = b < 0x80 ? 1 : b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4;
      const cp = input.codePointAt(at)!;
      return [String.fromCodePoint(cp), n];
    };

    const spec = this.spec;
    let out = '';
    const starts: number[] = [];
    const ends: number[] = [];
    let pos = 0;
    if (spec.removeExtraWhitespaces) {
      while (pos < bytes.length) {
        const [s, n] = prefix(pos);
        if (s !== ' ') break;
        pos += n;
      }
    }
    if (pos >= bytes.length) return { text: '', starts, ends };
    const space = spec.escapeWhitespaces ? SPACE_SYMBOL : ' ';
    if (!this.whitespaceAsSuffix && spec.addDummyPrefix) {
      out += space;
      starts.push(u16[pos]);
      ends.push(u16[pos]);
    }
    let prevSpace = spec.removeExtraWhitespaces;
    while (pos < bytes.length) {
      const [piece, n] = prefix(pos);
      const a = u16[pos];
      const b = u16[pos + n];
      let s = piece;
      if (prevSpace) {
        let k = 0;
        while (k < s.length && s.charCodeAt(k) === 32) k++;
        s = s.slice(k);
      }
      if (s.length > 0) {
        for (let k = 0; k < s.length; k++) {
          out += spec.escapeWhitespaces && s.charCodeAt(k) === 32 ? SPACE_SYMBOL : s[k];
          starts.push(a);
          ends.push(b);
        }
        prevSpace = s.charCodeAt(s.length - 1) === 32;
      }
      pos += n;
      if (!spec.removeExtraWhitespaces) prevSpace = false;
    }
    if (spec.removeExtraWhitespaces) {
      while (out.length > 0 && out.endsWith(space)) {
        out = out.slice(0, -1);
        starts.pop();
        ends.pop();
      }
    }
    if (this.whitespaceAsSuffix && spec.addDummyPrefix) {
      out += space;
      starts.push(input.length);
      ends.push(input.length);
    }
    return { text: out, starts, ends };
  }
}

function offsetOf(unit: number): number {
  return (unit >>> 10) << ((unit & (1 << 9)) >>> 6);
}
