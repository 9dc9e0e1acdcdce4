// Our tokenizers against the Model Garden's preprocessing layers (tensorflow_text's BertTokenizer and
// SentencepieceTokenizer, as the TF-Hub preprocessing models run them), on generated lines with accents,
// CJK, control characters and very long words.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  readAlbertModel,
  sentencePieceFromBytes,
  wordPieceFromFile,
  type Tokenizer,
} from '../../src/core/tokenizers';
import { fixture } from '../fixtures';
import { generateLines } from '../tokenizerText';
import { runOracleScript } from './oracle';

const LINES = 5000;

function theirIds(
  context: Mocha.Context,
  kind: string,
  file: string,
  lower: boolean,
  lines: string[],
): number[][] {
  const out = runOracleScript(context, 'tftext_tokenize.py', [], {
    input: JSON.stringify({ kind, file, lower, lines }),
  });
  return (JSON.parse(out) as { ids: number[][] }).ids;
}

function compare(tokenizer: Tokenizer, lines: string[], theirs: number[][]): void {
  const differing: string[] = [];
  lines.forEach((line, i) => {
    const ours = [...tokenizer.encode(line).ids];
    if (ours.join(',') !== theirs[i]!.join(',') && differing.length < 5) {
      differing.push(
        `${JSON.stringify(line)}\n      ours   ${ours.join(' ')}\n      theirs ${theirs[i]!.join(' ')}`,
      );
    }
  });
  assert.equal(
    differing.length,
    0,
    `ids differ from tensorflow_text on lines like:\n    ${differing.join('\n    ')}`,
  );
}

describe('tokenizers against tensorflow_text (the TF-Hub preprocessing layers)', function () {
  const vocabs: [string, boolean][] = [
    ['bert_uncased_vocab.txt', true],
    ['bert_cased_vocab.txt', false],
    ['bert_multilingual_cased_vocab.txt', false],
    ['bert_chinese_vocab.txt', true],
  ];
  for (const [name, lower] of vocabs) {
    it(`WordPiece ${name} (lower_case ${lower}) on ${LINES} lines`, function () {
      const file = fixture(this, 'vocab', name);
      const lines = generateLines(1130 + vocabs.findIndex((v) => v[0] === name), LINES);
      compare(
        wordPieceFromFile(file, { lowerCase: lower, flavor: 'tf-text' }),
        lines,
        theirIds(this, 'wordpiece', file, lower, lines),
      );
    });
  }

  it(`SentencePiece ALBERT 30k-clean.model on ${LINES} lines`, function () {
    const { bytes } = readAlbertModel();
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mg-spm-')), '30k-clean.model');
    fs.writeFileSync(file, bytes);
    const lines = generateLines(1140, LINES);
    compare(
      sentencePieceFromBytes(bytes, file, { flavor: 'tf-text' }),
      lines,
      theirIds(this, 'sentencepiece', file, true, lines),
    );
  });
});
