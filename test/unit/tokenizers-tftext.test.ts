// The tf-text flavor's known differences from tokenization.py, and offsets back into the original text
// when NFKC_Casefold changes the length (the oracle tier checks ids against tensorflow_text itself).
import * as assert from 'node:assert/strict';
import { tfTextPrenormalize, wordPieceFromFile } from '../../src/core/tokenizers';
import { fixture } from '../fixtures';

describe('WordPiece tf-text flavor (TF-Hub preprocessing)', function () {
  const pieces = (file: string, flavor: 'tf-text' | 'tokenization.py', text: string) => {
    const tok = wordPieceFromFile(file, { lowerCase: true, flavor });
    const e = tok.encode(text);
    return e.ids.map((id, k) => ({ piece: tok.idToPiece(id), span: text.slice(e.starts[k], e.ends[k]) }));
  };

  it('folds ß to ss and maps the pieces back to the ß', function () {
    const vocab = fixture(this, 'vocab', 'bert_uncased_vocab.txt');
    const ours = pieces(vocab, 'tf-text', 'straße');
    assert.deepEqual(
      ours.map((p) => p.piece),
      ['st', '##ras', '##se'],
    );
    assert.equal(ours[2]!.span, 'ße', 'the last piece spans the ß it came from');
    assert.deepEqual(
      pieces(vocab, 'tokenization.py', 'straße').map((p) => p.piece),
      ['st', '##raße'],
    );
  });

  it('keeps a no-break space inside cased words, turns format characters into separators', function () {
    const vocab = fixture(this, 'vocab', 'bert_cased_vocab.txt');
    const cased = (flavor: 'tf-text' | 'tokenization.py', text: string) => {
      const tok = wordPieceFromFile(vocab, { lowerCase: false, flavor });
      return tok.encode(text).ids.map((id) => tok.idToPiece(id));
    };
    assert.deepEqual(cased('tf-text', 'for\u00a0that'), ['[UNK]']);
    assert.deepEqual(cased('tokenization.py', 'for\u00a0that'), ['for', 'that']);
    // A soft hyphen (Cf): tokenization.py deletes it and joins the words; tensorflow_text splits there.
    assert.deepEqual(cased('tf-text', 'by\u00adfrom'), ['by', 'from']);
    assert.notDeepEqual(cased('tokenization.py', 'by\u00adfrom'), ['by', 'from']);
  });

  it('makes a word over 100 UTF-8 bytes [UNK], where tokenization.py allows 400 characters', function () {
    const vocab = fixture(this, 'vocab', 'bert_uncased_vocab.txt');
    const word = 'a'.repeat(101);
    assert.deepEqual(
      pieces(vocab, 'tf-text', word).map((p) => p.piece),
      ['[UNK]'],
    );
    assert.notDeepEqual(
      pieces(vocab, 'tokenization.py', word).map((p) => p.piece),
      ['[UNK]'],
    );
  });

  it('prenormalizes without moving offsets when the length does not change', function () {
    const pre = tfTextPrenormalize('a\u200bb c', false);
    assert.equal(pre.text, 'a b c');
    assert.equal(pre.starts, undefined);
  });
});
