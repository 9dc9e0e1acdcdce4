// Shapes shared by the WordPiece and SentencePiece tokenizers, the packer, the CLI and the editor.
import { printable } from '../text/printable';

export type TokenizerKind = 'wordpiece' | 'sentencepiece';

/** One token of the user's text: `start`/`end` are UTF-16 offsets into the ORIGINAL text. */
export interface Token {
  readonly piece: string;
  readonly id: number;
  readonly start: number;
  readonly end: number;
}

/** Tokens as parallel arrays (the fast form; `tokens()` builds objects from it). */
export interface Encoded {
  readonly ids: number[];
  readonly starts: number[];
  readonly ends: number[];
}

/** Special-token ids, looked up by string in the vocabulary; undefined where the vocabulary lacks one. */
export interface SpecialIds {
  readonly cls: number | undefined;
  readonly sep: number | undefined;
  readonly pad: number | undefined;
  readonly unk: number | undefined;
  readonly mask: number | undefined;
}

export interface Tokenizer {
  readonly kind: TokenizerKind;
  /** Human label, e.g. `BERT uncased` or the file name. */
  readonly label: string;
  readonly vocabSize: number;
  readonly specials: SpecialIds;
  /** The prefix marking continuation pieces (`##`) or the word-start marker (`▁`). */
  readonly continuationPrefix: string;
  encode(text: string): Encoded;
  idToPiece(id: number): string;
  pieceToId(piece: string): number | undefined;
}

/** A clear error about a tokenizer asset: names the file and the reason. */
export class TokenizerAssetError extends Error {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${printable(file)}: ${printable(reason)}`);
    this.name = 'TokenizerAssetError';
  }
}

/** The token objects of an encoding. */
export function tokens(tokenizer: Tokenizer, encoded: Encoded): Token[] {
  const out: Token[] = new Array(encoded.ids.length);
  for (let i = 0; i < encoded.ids.length; i++) {
    out[i] = {
      piece: tokenizer.idToPiece(encoded.ids[i]),
      id: encoded.ids[i],
      start: encoded.starts[i],
      end: encoded.ends[i],
    };
  }
  return out;
}

export function tokenize(tokenizer: Tokenizer, text: string): Token[] {
  return tokens(tokenizer, tokenizer.encode(text));
}

/**
 * Where one source character normalizes to several units that end up in different tokens (e.g. `ǅ` -> `d` `z`,
 * a Hangul syllable -> jamo), token spans would overlap; each such cluster of tokens gets the cluster's
 * union span, so spans are either identical or disjoint and ordered.
 */
export function mergeOverlappingSpans(starts: number[], ends: number[]): void {
  const n = starts.length;
  let i = 0;
  while (i < n) {
    let j = i;
    let end = ends[i];
    while (j + 1 < n && starts[j + 1] < end) {
      j++;
      if (ends[j] > end) end = ends[j];
    }
    if (j > i) {
      const start = starts[i];
      for (let k = i; k <= j; k++) {
        starts[k] = start;
        ends[k] = end;
      }
    }
    i = j + 1;
  }
}
