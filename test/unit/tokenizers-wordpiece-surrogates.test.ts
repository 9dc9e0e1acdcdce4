import * as assert from 'node:assert/strict';
import { parseVocab, WordPieceTokenizer } from '../../src/core/tokenizers';
import { rng } from '../support/random';

const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;

describe('WordPiece: [UNK] spans and astral characters', function () {
  const vocab = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', 'a', 'ab', '##b', '##c', 'x', '##😀', '😀x'];
  const tokenizer = new WordPieceTokenizer(parseVocab(vocab.join('\n')), { lowerCase: true, label: 'test' });
  // A short word limit: words over it become one [UNK] (counted in characters, not UTF-16 units).
  const short = new WordPieceTokenizer(parseVocab(vocab.join('\n')), { lowerCase: true, maxCharsPerWord: 3 });

  it('no token starts or ends inside a surrogate pair, whatever the mix of emoji, words and unknowns', function () {
    const parts = ['a', 'b', 'c', 'x', '😀', '🙂', '𝒳', ' ', '.', 'é', '中'];
    const rand = rng(99);
    let unknowns = 0;
    for (let n = 0; n < 3000; n++) {
      const text = Array.from(
        { length: 1 + Math.floor(rand() * 14) },
        () => parts[Math.floor(rand() * parts.length)],
      ).join('');
      for (const tok of [tokenizer, short]) {
        const e = tok.encode(text);
        e.ids.forEach((id, i) => {
          const [s, t] = [e.starts[i]!, e.ends[i]!];
          const where = `${JSON.stringify(text)} token ${i} (${tokenizer.idToPiece(id)}) [${s}, ${t})`;
          assert.ok(s >= 0 && t <= text.length && s <= t, where);
          assert.ok(
            !(s > 0 && isLow(text.charCodeAt(s)) && isHigh(text.charCodeAt(s - 1))),
            `starts inside a pair: ${where}`,
          );
          assert.ok(
            !(t < text.length && isLow(text.charCodeAt(t)) && isHigh(text.charCodeAt(t - 1))),
            `ends inside a pair: ${where}`,
          );
          if (id === 1) unknowns++;
        });
      }
    }
    assert.ok(unknowns > 100, `only ${unknowns} [UNK] spans were exercised`);
    // The whole word is one [UNK] covering both units of the emoji.
    const e = tokenizer.encode('b🙂');
    assert.deepEqual([e.ids, e.starts, e.ends], [[1], [0], [3]]);
    const long = short.encode('x😀😀 x😀😀😀');
    assert.deepEqual(
      [long.ids, long.starts, long.ends],
      [
        [8, 9, 9, 1],
        [0, 1, 3, 6],
        [1, 3, 5, 13],
      ],
    );
  });

  it('never splits a pair even when the vocabulary holds lone surrogates', function () {
    // Not valid text, but parseVocab takes any string: a piece ending in the first half of 😀.
    const odd = new WordPieceTokenizer(parseVocab(['[UNK]', 'x', 'x\uD83D', '##\uDE00', '##😀'].join('\n')), {
      lowerCase: false,
    });
    const e = odd.encode('x😀');
    assert.deepEqual(
      [e.ids, e.starts, e.ends],
      [
        [1, 4],
        [0, 1],
        [1, 3],
      ],
    );
  });
});
