// Special tokens typed in text, decided once for Inspect Tokenization and Run Model alike: a typed
// `[MASK]` is the mask token (that is how Fill-Mask is asked for), while `[CLS]`, `[SEP]`, `[PAD]` and
// `[UNK]` typed in text stay text, split like any other characters, as the Model Garden's preprocessing
// does with raw text (the packer adds the real [CLS] and [SEP]).
import type { Encoded, Tokenizer } from './types';

export const MASK_TEXT = '[MASK]';

/** Special tokens a user may type that are NOT taken as special (they are split as text). */
export const LITERAL_SPECIALS = ['[CLS]', '[SEP]', '[PAD]', '[UNK]'] as const;

/** Encodes text with each literal `[MASK]` kept whole as the mask token; offsets into `text`. */
export function encodeKeepingMask(tokenizer: Tokenizer, text: string): Encoded {
  const mask = tokenizer.specials.mask;
  if (mask === undefined || !text.includes(MASK_TEXT)) return tokenizer.encode(text);
  const ids: number[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  const chunk = (start: number, end: number) => {
    if (end <= start) return;
    const e = tokenizer.encode(text.slice(start, end));
    for (let i = 0; i < e.ids.length; i++) {
      ids.push(e.ids[i]);
      starts.push(e.starts[i] + start);
      ends.push(e.ends[i] + start);
    }
  };
  let from = 0;
  for (let at = text.indexOf(MASK_TEXT); at >= 0; at = text.indexOf(MASK_TEXT, from)) {
    chunk(from, at);
    ids.push(mask);
    starts.push(at);
    ends.push(at + MASK_TEXT.length);
    from = at + MASK_TEXT.length;
  }
  chunk(from, text.length);
  return { ids, starts, ends };
}
