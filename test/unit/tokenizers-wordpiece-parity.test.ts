// WordPiece ids against Hugging Face `tokenizers` (Rust) on 10,000 generated lines per fixture vocab.
// The reference is configured to the Model Garden's rules: BertNormalizer(clean_text, handle_chinese_chars,
// strip_accents = lowercase = do_lower_case) + BertPreTokenizer + WordPiece with max_input_chars_per_word=400
// (official/nlp/tools/tokenization.py WordpieceTokenizer; Hugging Face's default is 100).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as hf from 'tokenizers';
import { parseVocab, WordPieceTokenizer } from '../../src/core/tokenizers';
import { fixture } from '../fixtures';
import { generateLines } from '../tokenizerText';

const VOCABS: { file: string; lowerCase: boolean; seed: number }[] = [
  { file: 'bert_uncased_vocab.txt', lowerCase: true, seed: 11 },
  { file: 'bert_cased_vocab.txt', lowerCase: false, seed: 12 },
  { file: 'bert_multilingual_cased_vocab.txt', lowerCase: false, seed: 13 },
  { file: 'bert_chinese_vocab.txt', lowerCase: true, seed: 14 },
];
const LINES = 10_000;

describe('tokenizers: WordPiece parity with Hugging Face tokenizers', function () {
  for (const { file, lowerCase, seed } of VOCABS) {
    it(`${file}: identical ids on ${LINES} generated lines`, async function () {
      const path = fixture(this, 'vocab', file);
      const model = await hf.WordPiece.fromFile(path, { unkToken: '[UNK]', maxInputCharsPerWord: 400 });
      const reference = new hf.Tokenizer(model);
      reference.setNormalizer(
        hf.bertNormalizer({
          cleanText: true,
          handleChineseChars: true,
          stripAccents: lowerCase,
          lowercase: lowerCase,
        }),
      );
      reference.setPreTokenizer(hf.bertPreTokenizer());
      const ours = new WordPieceTokenizer(parseVocab(fs.readFileSync(path, 'utf8')), { lowerCase });
      const lines = generateLines(seed, LINES);
      const mismatches: string[] = [];
      let tokens = 0;
      for (let i = 0; i < lines.length; i += 1000) {
        const batch = lines.slice(i, i + 1000);
        const encodings = await reference.encodeBatch(batch, { addSpecialTokens: false });
        encodings.forEach((encoding, k) => {
          const expected = encoding.getIds();
          const actual = ours.encode(batch[k]).ids;
          tokens += actual.length;
          if (expected.join() !== actual.join() && mismatches.length < 5) {
            mismatches.push(
              `${JSON.stringify(batch[k])}\n  ours ${actual.join(' ')}\n  ref  ${expected.join(' ')}`,
            );
          }
        });
      }
      assert.ok(tokens > LINES * 5, `too few tokens (${tokens}): the generator or the vocab is wrong`);
      assert.deepEqual(mismatches, []);
    });
  }
});
