// The inference panel's words: engine errors for users, the sentence pair the next-sentence head
// judges, and which vocabulary entries count as special tokens.
import * as assert from 'node:assert/strict';
import { splitSentencePair } from '../../src/core/inference/sentencePair';
import { isSpecialPiece } from '../../src/core/inference/specialPieces';
import { userMessage } from '../../src/core/inference/userMessage';

describe('inference panel messages', () => {
  describe('userMessage', () => {
    it('says what the file is, what is missing and what to do for a checkpoint without a head count', () => {
      const m = userMessage({
        name: 'CheckpointError',
        code: 'not-found',
        message:
          '/data/run1/ckpt-5.index: no attention head count (give a config with num_attention_heads) in this checkpoint (naming tf2-keras)',
      });
      assert.match(m.summary, /“ckpt-5\.index” is a TensorFlow checkpoint/);
      assert.match(m.summary, /how many attention heads/);
      assert.match(m.action, /bert_config\.json.*num_attention_heads/);
      assert.doesNotMatch(m.summary + m.action, /naming|give a config/);
      assert.match(m.detail, /no attention head count/, 'the engine text is kept');
    });

    it('names a checkpoint of no known encoder', () => {
      const m = userMessage({
        name: 'CheckpointError',
        code: 'not-found',
        message:
          '/x/half_plus_two/variables/variables.index: no word embeddings in this checkpoint (naming unknown)',
      });
      assert.match(
        m.summary,
        /The SavedModel “half_plus_two” is a TensorFlow checkpoint, but not of a BERT, ALBERT or ELECTRA encoder/,
      );
      assert.doesNotMatch(m.summary, /naming unknown/);
      assert.match(m.action, /Choose Model…/);
    });

    it('explains a file that is not an index, a missing shard, damage and a missing vocabulary', () => {
      assert.match(
        userMessage({
          name: 'CheckpointError',
          code: 'bad-magic',
          message: '/a/model.ckpt.index: not a TensorFlow index',
        }).summary,
        /“model\.ckpt\.index” is not a TensorFlow checkpoint index/,
      );
      assert.match(
        userMessage({
          name: 'CheckpointError',
          code: 'missing-shard',
          message: '/a/m.data-00000-of-00001: missing',
        }).action,
        /\.data-\*-of-\* file/,
      );
      assert.match(
        userMessage({
          name: 'CheckpointError',
          code: 'crc-mismatch',
          message: '/a/m.data-0: tensor checksum mismatch (key "bert/x")',
        }).summary,
        /damaged: tensor checksum mismatch \(variable “bert\/x”\)/,
      );
      const vocab = userMessage({
        name: 'Error',
        message: 'No vocab.txt or SentencePiece .model was found beside the checkpoint; choose one.',
      });
      assert.match(vocab.summary, /vocabulary/);
      assert.match(vocab.action, /Download Tokenizer/);
    });

    it('never loses the engine text', () => {
      const m = userMessage({ name: 'Error', message: 'something new' });
      assert.match(m.summary, /something new/);
      assert.equal(m.detail, 'something new');
    });
  });

  describe('splitSentencePair', () => {
    it('splits at the first blank line, else after the first sentence', () => {
      assert.deepEqual(splitSentencePair('The man went to the store.\n\nHe bought milk. Then left.'), {
        first: 'The man went to the store.',
        second: 'He bought milk. Then left.',
      });
      assert.deepEqual(splitSentencePair('The man went to the store. He bought a gallon of milk.'), {
        first: 'The man went to the store.',
        second: 'He bought a gallon of milk.',
      });
      assert.deepEqual(splitSentencePair('北京是中国的首都。它很大。'), {
        first: '北京是中国的首都。',
        second: '它很大。',
      });
    });

    it('gives nothing for a single sentence', () => {
      assert.equal(splitSentencePair('all work and [MASK] play makes jack a dull boy'), undefined);
      assert.equal(splitSentencePair('One sentence.  '), undefined);
      assert.equal(splitSentencePair('Version 1.5 is out'), undefined);
    });
  });

  it('isSpecialPiece: bracketed vocabulary entries, not words', () => {
    for (const p of [
      '[PAD]',
      '[UNK]',
      '[CLS]',
      '[SEP]',
      '[MASK]',
      '[unused12]',
      '<pad>',
      '<unk>',
      '<s>',
      '</s>',
    ])
      assert.ok(isSpecialPiece(p), p);
    for (const p of ['a', '##ing', '▁the', '[', ']', '<', '[a b]', '(x)']) assert.ok(!isSpecialPiece(p), p);
  });
});

describe('inference panel messages for real files', () => {
  it('names a SavedModel by its folder and says a non-encoder is not one', () => {
    const m = userMessage({
      name: 'CheckpointError',
      code: 'not-found',
      message:
        '/f/rust_regression_model_tf1/variables/variables.index: no attention head count (give a config with num_attention_heads) in this checkpoint (naming unknown)',
    });
    assert.match(
      m.summary,
      /^The SavedModel “rust_regression_model_tf1” is a TensorFlow checkpoint, but not of a BERT/,
    );
    assert.doesNotMatch(m.summary + m.action, /naming|give a config|num_attention_heads/);
  });
});
