// SentencePiece unigram segmentation (unigram_model.cc EncodeOptimized) over preallocated typed arrays, with a
// per-word cache that is exact. When no piece has `▁` anywhere but its first unit (models trained with
// split_by_whitespace, the default) and `▁` itself is a piece, every segmentation passes through each `▁`, so
// the best path is the concatenation of the best paths of the `▁word` pieces of the text — except for the
// float32 path scores, whose rounding depends on the score carried into the word. A cached word therefore
// records the smallest margin between competing candidates in its lattice (computed in double precision from
// 0), and is reused only while the carried score is small enough that float32 rounding cannot reverse any of
// those comparisons; otherwise the word is segmented exactly, as SentencePiece would, from the carried score.
// The carried score is advanced by replaying the word's path in float32, as the full Viterbi stores it.
import type { PieceTrie } from './pieceTrie';
import { PieceType } from './spmModel';

export interface UnigramVocabulary {
  readonly trie: PieceTrie;
  readonly scores: Float32Array;
  readonly types: Uint8Array;
  readonly unkId: number;
  /** min_score - 10, as float32. */
  readonly unkScore: number;
  /** max(FLT_MIN, the highest normal score): the user-defined bonus is `utf8 length * maxScore - 0.1`. */
  readonly maxScore: number;
  /** Every piece of the trie has `▁` at most as its first unit, and `▁` is a normal piece. */
  readonly splitsAtSpace: boolean;
}

/** The segments of one call, in reused buffers: valid until the next call. */
export interface Segments {
  start: Int32Array;
  end: Int32Array;
  id: Int32Array;
  count: number;
}

interface CachedWord {
  readonly key: string;
  readonly hash: number;
  /** Merged segments: piece ids and end offsets relative to the word's start. */
  readonly ids: Int32Array;
  readonly ends: Int32Array;
  /** The score of each step of the best path before unknowns are merged, to replay it in float32. */
  readonly steps: Float64Array;
  /** Reusable while |carried score| < maxBase. */
  readonly maxBase: number;
  /**
   * The word's lattice, recorded the first time the carried score is too large for the cached path: pairs of
   * (start | end << 8, piece id) in the order the Viterbi offers them, so the exact run makes no trie walk.
   */
  edges: Int32Array | undefined;
}

const SPACE = 0x2581;
const MAX_CACHED_WORDS = 1 << 17;
const CACHE_SLOTS = MAX_CACHED_WORDS * 2;
const MAX_CACHED_LENGTH = 64;
const TWO_POW_23 = 8388608;

const isHighSurrogate = (c: number) => c >= 0xd800 && c <= 0xdbff;

export class UnigramLattice {
  private bestScore = new Float64Array(256);
  private bestStart = new Int32Array(256);
  private bestId = new Int32Array(256);
  private second = new Float64Array(256);
  private readonly segments: Segments = {
    start: new Int32Array(256),
    end: new Int32Array(256),
    id: new Int32Array(256),
    count: 0,
  };
  // The word cache: open addressing on a hash of the word's UTF-16 units, so that a lookup makes no substring.
  private slots = new Int32Array(CACHE_SLOTS).fill(-1);
  private words: CachedWord[] = [];
  // The path of the last exact run (reversed), before merging: end positions and ids.
  private pathEnd = new Int32Array(64);
  private pathId = new Int32Array(64);
  private pathLength = 0;

  constructor(private readonly vocab: UnigramVocabulary) {}

  /** Best segmentation of a normalized string; adjacent unknown pieces merged. */
  segment(text: string): Segments {
    const out = this.segments;
    out.count = 0;
    const size = text.length;
    if (size === 0) return out;
    this.reserve(size + 1);
    if (!this.vocab.splitsAtSpace) {
      this.exact(text, 0, size, 0);
      this.emitPath(0);
      return out;
    }
    let base = 0;
    let from = 0;
    // FNV-1a of the word's units, computed while looking for its end.
    let prev = text.charCodeAt(0);
    let hash = Math.imul(0x811c9dc5 ^ prev, 0x01000193);
    for (let i = 1; i < size; i++) {
      const c = text.charCodeAt(i);
      if (c === SPACE && !isHighSurrogate(prev)) {
        base = this.word(text, from, i, base, hash);
        from = i;
        hash = 0x811c9dc5;
      }
      hash = Math.imul(hash ^ c, 0x01000193);
      prev = c;
    }
    this.word(text, from, size, base, hash);
    return out;
  }

  /**
   * Segments text[from, to) (a `▁word`, `hash` the FNV-1a of its units) from the carried score `base`; returns
   * the score carried out.
   */
  private word(text: string, from: number, to: number, base: number, hash: number): number {
    if (to - from > MAX_CACHED_LENGTH) {
      const score = this.exact(text, from, to, base);
      this.emitPath(from);
      return score;
    }
    const mask = CACHE_SLOTS - 1;
    let slot = hash & mask;
    let cached: CachedWord | undefined;
    for (;;) {
      const k = this.slots[slot]!;
      if (k < 0) break;
      const w = this.words[k]!;
      if (w.hash === hash && w.key.length === to - from && text.startsWith(w.key, from)) {
        cached = w;
        break;
      }
      slot = (slot + 1) & mask;
    }
    if (cached === undefined) {
      if (this.words.length >= MAX_CACHED_WORDS) {
        this.slots.fill(-1);
        this.words = [];
        slot = hash & mask;
      }
      cached = this.scoreWord(text.slice(from, to), hash);
      this.slots[slot] = this.words.length;
      this.words.push(cached);
    }
    if (Math.abs(base) >= cached.maxBase) {
      const score = this.exactFromEdges(cached, text, from, base);
      this.emitPath(from);
      return score;
    }
    const out = this.segments;
    const { ids, ends, steps } = cached;
    let start = from;
    for (let k = 0; k < ids.length; k++) {
      const n = out.count++;
      out.start[n] = start;
      out.end[n] = from + ends[k];
      out.id[n] = ids[k];
      start = from + ends[k];
    }
    for (let k = 0; k < steps.length; k++) base = Math.fround(steps[k] + base);
    return base;
  }

  /** The score of piece `id` on text[start, end) (user-defined pieces score by UTF-8 length). */
  private pieceScore(id: number, text: string, start: number, end: number): number {
    return this.vocab.types[id] === PieceType.UserDefined
      ? Math.fround(utf8Length(text, start, end) * this.vocab.maxScore) - 0.1
      : this.vocab.scores[id];
  }

  /**
   * SentencePiece's Viterbi on text[from, to) starting from `base`: path scores stored as float32, a candidate
   * (piece score + path score) formed and compared in double precision, the unknown candidate a float32 sum; ties
   * keep the earliest start. Leaves the reversed path in pathEnd/pathId and returns the score at `to`.
   */
  private exact(text: string, from: number, to: number, base: number): number {
    const { trie, types, unkId, unkScore } = this.vocab;
    const bestScore = this.bestScore;
    const bestStart = this.bestStart;
    const bestId = this.bestId;
    bestScore[from] = base;
    for (let i = from + 1; i <= to; i++) bestStart[i] = -1;
    for (let start = from; start < to;) {
      const mblen = isHighSurrogate(text.charCodeAt(start)) && start + 1 < to ? 2 : 1;
      const here = bestScore[start];
      let single = false;
      let node = 0;
      for (let end = start + 1; end <= to; end++) {
        const d = text.charCodeAt(end - 1);
        node = trie.next(node, d);
        if (node < 0) break;
        const id = trie.id(node);
        if (id < 0) continue;
        if (isHighSurrogate(d) && end < to) continue;
        if (types[id] === PieceType.Unused) continue;
        const candidate = this.pieceScore(id, text, start, end) + here;
        if (bestStart[end] === -1 || candidate > bestScore[end]) {
          bestScore[end] = Math.fround(candidate);
          bestStart[end] = start;
          bestId[end] = id;
        }
        if (end - start === mblen) single = true;
      }
      if (!single) {
        const end = start + mblen;
        const candidate = Math.fround(unkScore + here);
        if (bestStart[end] === -1 || candidate > bestScore[end]) {
          bestScore[end] = candidate;
          bestStart[end] = start;
          bestId[end] = unkId;
        }
      }
      start += mblen;
    }
    this.pathLength = 0;
    for (let end = to; end > from; end = bestStart[end]) this.pushPath(end, bestId[end]);
    return bestScore[to];
  }

  /**
   * `exact` on a cached word, over its recorded lattice: the same candidates in the same order, so the same
   * float32 arithmetic and tie-breaking, without walking the trie.
   */
  private exactFromEdges(word: CachedWord, text: string, from: number, base: number): number {
    const edges = word.edges ?? (word.edges = this.recordEdges(text, from, from + word.key.length));
    const { scores, types, unkId, unkScore } = this.vocab;
    const size = word.key.length;
    const bestScore = this.bestScore;
    const bestStart = this.bestStart;
    const bestId = this.bestId;
    bestScore[0] = base;
    for (let i = 1; i <= size; i++) bestStart[i] = -1;
    for (let k = 0; k < edges.length; k += 2) {
      const span = edges[k]!;
      const id = edges[k + 1]!;
      const start = span & 255;
      const end = span >>> 8;
      const here = bestScore[start]!;
      let candidate: number;
      if (id === unkId) candidate = Math.fround(unkScore + here);
      else if (types[id] === PieceType.UserDefined)
        candidate = this.pieceScore(id, text, from + start, from + end) + here;
      else candidate = scores[id]! + here;
      if (bestStart[end] === -1 || candidate > bestScore[end]!) {
        bestScore[end] = Math.fround(candidate);
        bestStart[end] = start;
        bestId[end] = id;
      }
    }
    this.pathLength = 0;
    for (let end = size; end > 0; end = bestStart[end]!) this.pushPath(from + end, bestId[end]!);
    return bestScore[size]!;
  }

  /** The candidates `exact` offers on text[from, to), in its order: (start | end << 8, id) relative to `from`. */
  private recordEdges(text: string, from: number, to: number): Int32Array {
    const { trie, types, unkId } = this.vocab;
    const edges: number[] = [];
    for (let start = from; start < to;) {
      const mblen = isHighSurrogate(text.charCodeAt(start)) && start + 1 < to ? 2 : 1;
      let single = false;
      let node = 0;
      for (let end = start + 1; end <= to; end++) {
        const d = text.charCodeAt(end - 1);
        node = trie.next(node, d);
        if (node < 0) break;
        const id = trie.id(node);
        if (id < 0) continue;
        if (isHighSurrogate(d) && end < to) continue;
        if (types[id] === PieceType.Unused) continue;
        edges.push((start - from) | ((end - from) << 8), id);
        if (end - start === mblen) single = true;
      }
      if (!single) edges.push((start - from) | ((start + mblen - from) << 8), unkId);
      start += mblen;
    }
    return Int32Array.from(edges);
  }

  /**
   * A word's cache entry: its best path in double precision from 0, and the smallest margin between the best
   * and the runner-up candidate at any position. The float32 Viterbi from a carried score B makes the same
   * choices while each compared value's rounding error, at most (n + 1) / 2 float32 ulps of |B| + W for a word
   * of n units whose path scores stay within W of 0, is below half that margin; maxBase keeps a 4x safety factor.
   */
  private scoreWord(word: string, hash: number): CachedWord {
    const { trie, types, unkId, unkScore } = this.vocab;
    const size = word.length;
    const best = this.bestScore;
    const second = this.second;
    const bestStart = this.bestStart;
    const bestId = this.bestId;
    best[0] = 0;
    for (let i = 1; i <= size; i++) {
      bestStart[i] = -1;
      second[i] = -Infinity;
    }
    const offer = (end: number, start: number, id: number, candidate: number) => {
      if (bestStart[end] === -1) {
        best[end] = candidate;
        bestStart[end] = start;
        bestId[end] = id;
      } else if (candidate > best[end]) {
        second[end] = best[end];
        best[end] = candidate;
        bestStart[end] = start;
        bestId[end] = id;
      } else if (candidate > second[end]) {
        second[end] = candidate;
      }
    };
    for (let start = 0; start < size;) {
      const mblen = isHighSurrogate(word.charCodeAt(start)) && start + 1 < size ? 2 : 1;
      const here = best[start];
      let single = false;
      let node = 0;
      for (let end = start + 1; end <= size; end++) {
        const d = word.charCodeAt(end - 1);
        node = trie.next(node, d);
        if (node < 0) break;
        const id = trie.id(node);
        if (id < 0) continue;
        if (isHighSurrogate(d) && end < size) continue;
        if (types[id] === PieceType.Unused) continue;
        offer(end, start, id, this.pieceScore(id, word, start, end) + here);
        if (end - start === mblen) single = true;
      }
      if (!single) offer(start + mblen, start, unkId, unkScore + here);
      start += mblen;
    }
    let minGap = Infinity;
    let reach = 1;
    for (let i = 1; i <= size; i++) {
      if (bestStart[i] === -1) continue;
      minGap = Math.min(minGap, best[i] - second[i]);
      reach = Math.max(reach, Math.abs(best[i]));
    }
    this.pathLength = 0;
    for (let end = size; end > 0; end = bestStart[end]) this.pushPath(end, bestId[end]);
    const steps = new Float64Array(this.pathLength);
    const ids: number[] = [];
    const ends: number[] = [];
    for (let k = this.pathLength - 1, start = 0; k >= 0; k--) {
      const end = this.pathEnd[k];
      const id = this.pathId[k];
      steps[this.pathLength - 1 - k] = id === unkId ? unkScore : this.pieceScore(id, word, start, end);
      if (id === unkId && ids.length > 0 && ids[ids.length - 1] === unkId) ends[ends.length - 1] = end;
      else {
        ids.push(id);
        ends.push(end);
      }
      start = end;
    }
    const maxBase = (minGap * TWO_POW_23) / (4 * (size + 2)) - reach - 1;
    return {
      key: word,
      hash,
      ids: Int32Array.from(ids),
      ends: Int32Array.from(ends),
      steps,
      maxBase,
      edges: undefined,
    };
  }

  /** Appends the last exact path (offset by `from` already) to the segments, merging adjacent unknowns. */
  private emitPath(from: number): void {
    const out = this.segments;
    const unkId = this.vocab.unkId;
    let start = from;
    for (let k = this.pathLength - 1; k >= 0; k--) {
      const end = this.pathEnd[k];
      const id = this.pathId[k];
      if (
        id === unkId &&
        out.count > 0 &&
        out.id[out.count - 1] === unkId &&
        out.end[out.count - 1] === start
      ) {
        out.end[out.count - 1] = end;
      } else {
        const n = out.count++;
        out.start[n] = start;
        out.end[n] = end;
        out.id[n] = id;
      }
      start = end;
    }
  }

  private pushPath(end: number, id: number): void {
    if (this.pathLength === this.pathEnd.length) {
      this.pathEnd = grow(this.pathEnd, this.pathLength * 2);
      this.pathId = grow(this.pathId, this.pathLength * 2);
    }
    this.pathEnd[this.pathLength] = end;
    this.pathId[this.pathLength] = id;
    this.pathLength++;
  }

  private reserve(n: number): void {
    if (this.bestScore.length >= n) return;
    let cap = this.bestScore.length;
    while (cap < n) cap *= 2;
    this.bestScore = new Float64Array(cap);
    this.second = new Float64Array(cap);
    this.bestStart = new Int32Array(cap);
    this.bestId = new Int32Array(cap);
    const out = this.segments;
    out.start = grow(out.start, cap);
    out.end = grow(out.end, cap);
    out.id = grow(out.id, cap);
  }
}

function grow(a: Int32Array, n: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(n);
  b.set(a);
  return b;
}

function utf8Length(text: string, a: number, b: number): number {
  let n = 0;
  for (let i = a; i < b; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (isHighSurrogate(c) && i + 1 < b && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}
