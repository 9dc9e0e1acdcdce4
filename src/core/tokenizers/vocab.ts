// vocab.txt as the Model Garden's `load_vocab` reads it: one token per line, each `strip()`ped, the id is
// the line number, and a repeated token keeps the id of its last line (dict assignment).
import { isPythonSpace } from './unicode';

export interface Vocab {
  /** id -> token (every line, including repeats). */
  readonly pieces: readonly string[];
  /** token -> id. */
  readonly ids: ReadonlyMap<string, number>;
}

/** Python's `str.strip()`. */
export function pyStrip(text: string): string {
  let a = 0;
  let b = text.length;
  while (a < b && isPythonSpace(text.charCodeAt(a))) a++;
  while (b > a && isPythonSpace(text.charCodeAt(b - 1))) b--;
  return a === 0 && b === text.length ? text : text.slice(a, b);
}

/**
 * `wholeLines`: as tensorflow_text's lookup table reads it (TextFileInitializer, WHOLE_LINE): no strip, so a
 * token such as Chinese BERT's `##\u2028` survives (Python's strip() makes it `##`).
 */
export function parseVocab(text: string, wholeLines = false): Vocab {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const pieces = wholeLines ? lines : lines.map(pyStrip);
  const ids = new Map<string, number>();
  pieces.forEach((piece, id) => ids.set(piece, id));
  return { pieces, ids };
}
