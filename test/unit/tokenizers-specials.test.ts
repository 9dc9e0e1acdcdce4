// Special tokens typed in text are treated the same way by Inspect Tokenization (the tokenize worker's
// encodeInChunks) and by Run Model (the inference input): `[MASK]` is the mask token, `[CLS]`, `[SEP]`,
// `[PAD]`, `[UNK]` are text and split.
import * as assert from 'node:assert/strict';
import { prepareInput } from '../../src/core/inference/tasks';
import {
  encodeInChunks,
  encodeKeepingMask,
  loadCatalogTokenizer,
  loadTokenizerFromPath,
  type Tokenizer,
} from '../../src/core/tokenizers';
import { requireModel } from '../../src/core/catalog';
import { fixture } from '../fixtures';

const TEXTS = [
  'all work and [MASK] play makes jack a dull boy',
  '[MASK][MASK] at the start, [CLS] and [SEP] typed, [PAD] [UNK] too.',
  'no specials at all, just words',
  'broken [MASK and MASK] and [mask] in lower case\nsecond line [MASK].',
];

function tokenizers(context: Mocha.Context): [string, Tokenizer][] {
  const bert = loadTokenizerFromPath(fixture(context, 'vocab', 'bert_uncased_vocab.txt'));
  return [
    ['BERT uncased', bert],
    ['ALBERT', loadCatalogTokenizer(requireModel('albert_en_base'))],
  ];
}

describe('special tokens typed in text', function () {
  it('Inspect Tokenization and Run Model give the same ids', async function () {
    for (const [name, tokenizer] of tokenizers(this)) {
      for (const text of TEXTS) {
        const inspected = await encodeInChunks(tokenizer, text, async () => true);
        const run = prepareInput(tokenizer, text).tokens.filter((t) => !t.special);
        assert.deepEqual(
          Array.from(inspected!.ids),
          run.map((t) => t.id),
          `${name}: ${text}`,
        );
        assert.deepEqual(
          Array.from(inspected!.starts),
          run.map((t) => t.start),
          `${name} offsets: ${text}`,
        );
      }
    }
  });

  it('keeps [MASK] whole and splits [CLS], [SEP] and [PAD] like text', function () {
    const [, bert] = tokenizers(this)[0];
    const text = 'a [MASK] b [CLS] c [SEP]';
    const e = encodeKeepingMask(bert, text);
    const pieces = e.ids.map((id) => bert.idToPiece(id));
    assert.equal(pieces.filter((p) => p === '[MASK]').length, 1);
    assert.equal(text.slice(e.starts[1], e.ends[1]), '[MASK]');
    assert.ok(!pieces.includes('[CLS]') && !pieces.includes('[SEP]'), pieces.join(' '));
    assert.ok(pieces.includes('cl') || pieces.includes('cls'), pieces.join(' '));
  });
});
