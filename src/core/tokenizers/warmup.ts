// Warm-up text for a freshly loaded tokenizer, built from its own vocabulary. The first large request
// otherwise pays for V8 compiling the tokenizer's loops and for segmenting every word for the first time
// (the SentencePiece word cache, the WordPiece word cache): after an 88 K-character paste that was 3-4 times
// the steady-state cost. Running the vocabulary's own whole words (most frequent first: SentencePiece
// models list pieces by score, BERT vocabularies by frequency) through the same code path fills those
// caches with the words that make up most prose and leaves the loops compiled. The caches are exact (a
// cached word gives the ids the full algorithm gives), so this changes no id.
import type { Tokenizer } from './types';

/** How many of the vocabulary's whole words the warm-up text uses. */
export const WARM_WORDS = 12_000;

/**
 * Text that vocabulary words alone do not exercise: numbers with commas, Markdown and code, URLs and paths,
 * words longer than the word caches keep, accents, other scripts (Hangul decomposes into several pieces per
 * character), emoji, characters outside the vocabulary, odd whitespace and a [MASK]. Without it, code V8
 * compiled during the warm-up is thrown away at the first branch the warm-up never took (measured with
 * --trace-deopt on README files: "insufficient type feedback"), in the middle of the user's request.
 */
const MIXED = [
  `The quick brown fox jumped over 1,234 lazy dogs' backs — naïvely unaffable, [MASK] ÉCOLE 北京 🤗 (e.g. "tokenization").`,
  '## Install\n\n```js\nconst { load } = require("@scope/pkg-name");\nawait load({ a: 1, b: [2, 3] }).then((x) => console.log(`${x}`));\n```',
  'See https://github.com/tensorflow/models/blob/master/official/nlp/README.md#fine-tuning?x=1&y=2 or ~/.cache/model_garden/v2.20.0/vocab.txt',
  'Pneumonoultramicroscopicsilicovolcanoconiosis-Pneumonoultramicroscopicsilicovolcanoconiosis and c2VjcmV0IGRhdGEgaW4gYmFzZTY0IGZvcm0gdGhhdCBpcyBxdWl0ZSBsb25nIGluZGVlZCwgbW9yZSB0aGFuIHNpeHR5LWZvdXI=',
  'Москва, Ελληνικά, العربية, हिन्दी, 한국어 문장, ǅemal, ｆｕｌｌｗｉｄｔｈ, ½ ² ﬁ, Zürich, São Paulo, İstanbul, straße, ΣΟΦΊΑ, «naïve»—„Zürich“·café…',
  'Unknown runs: ☃⌘∯☃⌘∯ and a long one ☃⌘∯☃⌘∯☃⌘∯☃⌘∯☃⌘∯☃⌘∯☃⌘∯☃⌘∯☃⌘∯☃⌘∯☃⌘∯☃⌘∯☃⌘∯☃⌘∯☃⌘∯☃⌘∯☃⌘∯☃⌘∯☃⌘∯☃⌘∯☃⌘∯☃⌘∯☃⌘∯abc.',
  '👨‍👩‍👧 ❤️ 👍🏽 🇫🇷 ☃ ⌘ ∑ ≠ ∞ → © ™ § ¶ † \u200b\u00ad zero\u200dwidth\ttab\u00a0nbsp  two  spaces\r\nwindows line',
  '| col | 2024-11-30 | 12:30:45 | 99.5% | $1,000.00 | 3.14159e-10 | 0x1F | #42 | @user | a_b_c | 1st 2nd 3rd |',
].join('\n');

/** The vocabulary's whole words (no continuation pieces, letters only), in vocabulary order. */
export function vocabularyWords(tokenizer: Tokenizer, limit = WARM_WORDS): string[] {
  const words: string[] = [];
  const sentencePiece = tokenizer.kind === 'sentencepiece';
  for (let id = 0; id < tokenizer.vocabSize && words.length < limit; id++) {
    let piece = tokenizer.idToPiece(id);
    if (sentencePiece) {
      if (!piece.startsWith(tokenizer.continuationPrefix)) continue;
      piece = piece.slice(tokenizer.continuationPrefix.length);
    }
    if (piece.length > 1 && /^\p{L}+$/u.test(piece)) words.push(piece);
  }
  return words;
}

/**
 * The warm-up text: the vocabulary's whole words in lines of prose-like shape (a capital after each full
 * stop, commas, numbers), with the mixed text before, among and after them.
 */
export function warmUpText(tokenizer: Tokenizer, limit = WARM_WORDS): string {
  const words = vocabularyWords(tokenizer, limit);
  // The mixed text first (every branch gets type feedback before V8 optimizes), then again every 60 lines,
  // so it is also met deep into a long chunk.
  const lines: string[] = [MIXED];
  for (let i = 0; i < words.length; i += 14) {
    if (i > 0 && i % (14 * 60) === 0) lines.push(MIXED);
    const line = words.slice(i, i + 14);
    line[0] = line[0][0].toUpperCase() + line[0].slice(1);
    if (line.length > 6) line[5] += ',';
    if (line.length > 9) line.splice(9, 0, `${(i * 7919) % 100_000}`.replace(/\B(?=(\d{3})+$)/g, ','));
    lines.push(line.join(' ') + '.');
  }
  lines.push(MIXED);
  return lines.join('\n') + '\n';
}
