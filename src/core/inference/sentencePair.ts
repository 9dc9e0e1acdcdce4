// The two segments the next-sentence head judges, taken from one selection: split at the first
// blank line when there is one (two paragraphs), else after the first sentence. Undefined when the
// selection is a single sentence.

export interface SentencePair {
  readonly first: string;
  readonly second: string;
}

// A sentence ends with . ! ? (optionally followed by closing quotes or brackets) before whitespace,
// or with a CJK full stop / exclamation / question mark.
const SENTENCE_END = /[.!?][)"'’”\]]*\s+(?=\S)|[。！？]\s*(?=\S)/u;

export function splitSentencePair(text: string): SentencePair | undefined {
  const blank = /\r?\n[ \t]*\r?\n/.exec(text);
  if (blank) {
    const first = text.slice(0, blank.index).trim();
    const second = text.slice(blank.index + blank[0].length).trim();
    if (first && second) return { first, second };
  }
  const end = SENTENCE_END.exec(text);
  if (!end) return undefined;
  const cut = end.index + end[0].length;
  const first = text.slice(0, cut).trim();
  const second = text.slice(cut).trim();
  return first && second ? { first, second } : undefined;
}
