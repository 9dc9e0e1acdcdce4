// WordPiece rules of the Model Garden's tokenization.py, with expected values taken from that file's own
// docstring example and from Python's documented string semantics, plus packing and loader behaviour.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findModel, requireModel } from '../../src/core/catalog';
import {
  loadCatalogTokenizer,
  loadTokenizerFromPath,
  looksUncased,
  encodeInChunks,
  packInputs,
  parseVocab,
  roundRobinQuotas,
  TokenizerAssetError,
  tokenize,
  VocabNotFoundError,
  WordPieceTokenizer,
} from '../../src/core/tokenizers';
import { fixture } from '../fixtures';

describe('tokenizers: WordPiece rules', function () {
  let uncased: WordPieceTokenizer;
  before(function () {
    uncased = new WordPieceTokenizer(
      parseVocab(fs.readFileSync(fixture(this, 'vocab', 'bert_uncased_vocab.txt'), 'utf8')),
      {
        lowerCase: true,
      },
    );
  });
  const pieces = (text: string) => tokenize(uncased, text).map((t) => t.piece);

  it("splits 'unaffable' as the docstring of WordpieceTokenizer says, and a word with no full match is one [UNK]", function () {
    const vocab = parseVocab(
      ['[PAD]', '[UNK]', 'un', '##aff', '##able', '##a', 'ab', '##c', 'x'].join('\n') + '\n',
    );
    const tiny = new WordPieceTokenizer(vocab, { lowerCase: true });
    const t = (text: string) => tokenize(tiny, text).map((k) => [k.piece, k.start, k.end]);
    assert.deepEqual(t('unaffable'), [
      ['un', 0, 2],
      ['##aff', 2, 5],
      ['##able', 5, 9],
    ]);
    // Greedy longest match without backtracking: "ab" then no "##d" -> the whole word is [UNK].
    assert.deepEqual(t('abd x'), [
      ['[UNK]', 0, 3],
      ['x', 4, 5],
    ]);
  });

  it('looks special tokens up by string', function () {
    // The ids PROVENANCE.md lists for this file.
    assert.deepEqual(uncased.specials, { cls: 101, sep: 102, pad: 0, unk: 100, mask: 103 });
  });

  it('turns a word of more than 400 characters into one [UNK] over the whole word, and keeps 400', function () {
    const long = 'a'.repeat(401);
    const t = tokenize(uncased, `x ${long} y`);
    assert.deepEqual(
      t.map((k) => [k.piece, k.start, k.end]),
      [
        ['x', 0, 1],
        ['[UNK]', 2, 403],
        ['y', 404, 405],
      ],
    );
    assert.ok(pieces('a'.repeat(400)).every((p) => p !== '[UNK]'));
  });

  it("lower-cases a final capital sigma as Python's str.lower() does (ς), not character by character", function () {
    assert.deepEqual(pieces('ΟΔΟΣ'), pieces('οδος'));
    assert.deepEqual(pieces('ΣΑ'), pieces('σα'));
    // Final only when preceded by a cased letter and not followed by one (case-ignorable characters
    // skipped); JavaScript's toLowerCase applies the same Unicode rule to the whole text.
    for (const text of ['ΑΣΑ', 'ΟΔΟΣ ΑΣ', 'ΟΔΟΣ.', "ΑΣ'Α", 'ΑΣ\u00adΑ', 'Σ'])
      assert.deepEqual(pieces(text), pieces(text.toLowerCase()), text);
    // The vocabulary tells σ from ς, so the comparisons above can fail.
    assert.notDeepEqual(pieces('ασα'), pieces('αςα'));
  });

  it('keeps private-use characters (only Cc/Cf are removed) so they become [UNK]', function () {
    const t = tokenize(uncased, 'a \ue000 b');
    assert.deepEqual(
      t.map((k) => [k.piece, k.start, k.end]),
      [
        ['a', 0, 1],
        ['[UNK]', 2, 3],
        ['b', 4, 5],
      ],
    );
  });

  it('maps offsets through lower-casing, accent stripping and removed characters', function () {
    const text = 'Café na\u0000ïve';
    const t = tokenize(uncased, text);
    assert.deepEqual(
      t.map((k) => [k.piece, text.slice(k.start, k.end)]),
      [
        ['cafe', 'Café'],
        ['naive', 'na\u0000ïve'],
      ],
    );
  });

  it('splits on U+2028 (Python str.split) and around CJK ideographs', function () {
    assert.deepEqual(pieces('hello\u2028world'), ['hello', 'world']);
    assert.deepEqual(pieces('a東京b'), ['a', '東', '京', 'b']);
  });

  it('splits off every printable ASCII character that is not a letter or digit (`_is_punctuation`)', function () {
    // tokenization.py: ASCII 33-47, 58-64, 91-96 and 123-126 are punctuation, whatever their Unicode category.
    for (let c = 33; c < 127; c++) {
      const ch = String.fromCharCode(c);
      if (/[A-Za-z0-9]/.test(ch)) continue;
      assert.deepEqual(pieces(`is${ch}it`), ['is', ch, 'it'], `${JSON.stringify(ch)} (${c})`);
    }
  });

  it('infers casing from the vocabulary', function () {
    assert.equal(looksUncased(uncased.vocab), true);
    const cased = parseVocab(fs.readFileSync(fixture(this, 'vocab', 'bert_cased_vocab.txt'), 'utf8'));
    assert.equal(looksUncased(cased), false);
  });
});

describe('tokenizers: packing', function () {
  const specials = { cls: 101, sep: 102, pad: 0, unk: 100, mask: 103 };

  it('packs [CLS] a [SEP] with padding, mask and type ids', function () {
    const p = packInputs(specials, [[7, 8, 9]], 8);
    assert.deepEqual(p.inputIds, [101, 7, 8, 9, 102, 0, 0, 0]);
    assert.deepEqual(p.inputMask, [1, 1, 1, 1, 1, 0, 0, 0]);
    assert.deepEqual(p.typeIds, [0, 0, 0, 0, 0, 0, 0, 0]);
    assert.equal(p.truncated, false);
  });

  it('packs a pair as [CLS] a [SEP] b [SEP] with type ids 1 for b', function () {
    const p = packInputs(specials, [[7, 8], [9]], 7);
    assert.deepEqual(p.inputIds, [101, 7, 8, 102, 9, 102, 0]);
    assert.deepEqual(p.typeIds, [0, 0, 0, 0, 1, 1, 0]);
    assert.deepEqual(p.inputMask, [1, 1, 1, 1, 1, 1, 0]);
  });

  it('truncates a pair round-robin: the longer segment gives way, a keeps the odd token', function () {
    const a = Array.from({ length: 10 }, (_, i) => 1000 + i);
    const b = Array.from({ length: 10 }, (_, i) => 2000 + i);
    const p = packInputs(specials, [a, b], 10); // 7 tokens of room
    assert.deepEqual(p.inputIds, [101, 1000, 1001, 1002, 1003, 102, 2000, 2001, 2002, 102]);
    assert.equal(p.truncated, true);
    assert.deepEqual(packInputs(specials, [a, [5]], 8).kept, [4, 1]);
  });

  it('round-robin quotas equal handing out one token at a time', function () {
    for (let a = 0; a < 12; a++) {
      for (let b = 0; b < 12; b++) {
        for (let limit = 0; limit < 26; limit++) {
          const q = [0, 0];
          let left = limit;
          while (left > 0 && (q[0] < a || q[1] < b)) {
            if (q[0] < a && left > 0) {
              q[0]++;
              left--;
            }
            if (q[1] < b && left > 0) {
              q[1]++;
              left--;
            }
          }
          assert.deepEqual(roundRobinQuotas([a, b], limit), q, `a=${a} b=${b} limit=${limit}`);
        }
      }
    }
  });

  it('rejects a seq_length with no room for the special tokens', function () {
    assert.throws(() => packInputs(specials, [[1], [2]], 2), /at least 3/);
  });
});

describe('tokenizers: loading', function () {
  let tmp: string;
  beforeEach(function () {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-tok-'));
  });
  afterEach(function () {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('finds vocab.txt in a TF-Hub preprocessing SavedModel folder (assets/)', function () {
    const vocab = fixture(this, 'vocab', 'bert_uncased_vocab.txt');
    fs.mkdirSync(path.join(tmp, 'assets'));
    fs.mkdirSync(path.join(tmp, 'variables'));
    fs.copyFileSync(vocab, path.join(tmp, 'assets', 'vocab.txt'));
    const tok = loadTokenizerFromPath(tmp);
    assert.equal(tok.kind, 'wordpiece');
    assert.equal(tok.vocabSize, 30522);
  });

  it('loads ALBERT for a catalog model with no download', function () {
    const tok = loadCatalogTokenizer(requireModel('albert_en_base'));
    assert.equal(tok.kind, 'sentencepiece');
    assert.deepEqual(tok.encode('This is a test').ids, [48, 25, 21, 1289]);
  });

  it("says how to get a catalog model's vocab that is not on the machine", function () {
    assert.throws(
      () => loadCatalogTokenizer(requireModel('bert_en_uncased_L-12_H-768_A-12'), tmp),
      (e: unknown) =>
        e instanceof VocabNotFoundError && /--vocab FILE/.test(e.message) && e.message.includes(tmp),
    );
  });

  it("finds ELECTRA's vocab under the BERT model it shares it with, in the cache's tokenizer/ folder", function () {
    const vocab = fixture(this, 'vocab', 'bert_uncased_vocab.txt');
    const electra = findModel('electra_small')!;
    const dir = path.join(tmp, electra.vocabSameAs!, 'tokenizer');
    fs.mkdirSync(dir, { recursive: true });
    fs.copyFileSync(vocab, path.join(dir, 'vocab.txt'));
    const tok = loadCatalogTokenizer(electra, tmp);
    assert.equal(tok.pieceToId('[CLS]'), 101);
  });

  it('names the file and the reason for a broken .model', function () {
    const bad = path.join(tmp, 'broken.model');
    fs.writeFileSync(bad, Buffer.from([0x0a, 0xff, 0xff, 0xff]));
    assert.throws(
      () => loadTokenizerFromPath(bad),
      (e: unknown) => e instanceof TokenizerAssetError && e.message.startsWith(bad),
    );
  });
});

describe('tokenizers: chunked encoding (the worker path)', function () {
  it('gives the same tokens as one call, and stops when cancelled', async function () {
    const tok = new WordPieceTokenizer(
      parseVocab(fs.readFileSync(fixture(this, 'vocab', 'bert_uncased_vocab.txt'), 'utf8')),
      {
        lowerCase: true,
      },
    );
    const text = Array.from({ length: 3000 }, (_, i) => `Line ${i}: naïve café, unaffable ☃ tokens!`).join(
      '\n',
    );
    const whole = tok.encode(text);
    const chunked = await encodeInChunks(tok, text, async () => true, 1000);
    assert.ok(chunked);
    assert.deepEqual(Array.from(chunked.ids), whole.ids);
    assert.deepEqual(Array.from(chunked.starts), whole.starts);
    assert.deepEqual(Array.from(chunked.ends), whole.ends);
    let calls = 0;
    assert.equal(await encodeInChunks(tok, text, async () => ++calls < 3, 1000), undefined);
    assert.equal(calls, 3);
  });
});
