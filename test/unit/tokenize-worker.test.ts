// The tokenize worker's first-call path: the warm-up text (core/tokenizers/warmup.ts) changes no id or offset
// (the word caches it fills are exact), the worker sends each distinct piece once and the client rebuilds
// the pieces of every token, and a warm-up gives way to the user's request.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  encodeInChunks,
  loadCatalogTokenizer,
  loadTokenizerFromPath,
  type Tokenizer,
} from '../../src/core/tokenizers';
import { requireModel } from '../../src/core/catalog';
import { vocabularyWords, warmUpText } from '../../src/core/tokenizers/warmup';
import type { TokenizerSpec } from '../../src/core/tokenizers/spec';
import { TokenizeClient } from '../../src/vscode/tokenize/client';
import { fixture, repoRoot, skipBecause } from '../fixtures';
import { generateEnglishLines, generateLines } from '../tokenizerText';

const WORKER = path.join(repoRoot, 'dist', 'tokenizeWorker.js');

/** English prose, then the varied generator's lines (other scripts, emoji, long words, invisibles). */
function corpus(): string {
  return generateEnglishLines(11, 20_000).join('\n') + '\n' + generateLines(12, 400).join('\n');
}

describe('tokenize worker: first-call path', function () {
  this.timeout(120_000);
  const fresh = (context: Mocha.Context): [string, () => Tokenizer][] => {
    const vocab = fixture(context, 'vocab', 'bert_uncased_vocab.txt');
    return [
      ['ALBERT', () => loadCatalogTokenizer(requireModel('albert_en_base'))],
      ['BERT uncased', () => loadTokenizerFromPath(vocab)],
    ];
  };

  it('the warm-up text is built from the vocabulary: frequent whole words, first in vocabulary order', function () {
    for (const [name, load] of fresh(this)) {
      const tokenizer = load();
      const words = vocabularyWords(tokenizer, 500);
      assert.equal(words.length, 500, name);
      for (const common of ['the', 'and', 'which']) assert.ok(words.includes(common), `${name}: ${common}`);
      assert.ok(!words.some((w) => w.startsWith('##') || w.startsWith('\u2581')), name);
      const text = warmUpText(tokenizer);
      assert.ok(text.includes('[MASK]') && text.includes('https://'), name);
    }
  });

  it('a tokenizer that ran the warm-up gives the same ids and offsets as a fresh one', async function () {
    const text = corpus();
    for (const [name, load] of fresh(this)) {
      const cold = load();
      const warmed = load();
      assert.notEqual(cold, warmed);
      await encodeInChunks(warmed, warmUpText(warmed), async () => true, 16_384);
      const a = await encodeInChunks(cold, text, async () => true);
      const b = await encodeInChunks(warmed, text, async () => true);
      assert.ok(a && b);
      assert.ok(a.ids.length > 10_000, `${name}: ${a.ids.length} tokens`);
      assert.deepEqual(b.ids, a.ids, `${name}: ids`);
      assert.deepEqual(b.starts, a.starts, `${name}: starts`);
      assert.deepEqual(b.ends, a.ends, `${name}: ends`);
    }
  });

  describe('in the worker (dist/tokenizeWorker.js)', function () {
    let client: TokenizeClient | undefined;
    before(function () {
      if (!fs.existsSync(WORKER)) skipBecause(this, `${WORKER} is not built (npm run build)`);
    });
    afterEach(() => client?.dispose());

    it('sends each distinct piece once; the client gives every token its piece, as the tokenizer has it', async function () {
      const vocab = fixture(this, 'vocab', 'bert_uncased_vocab.txt');
      const text = corpus();
      const specs: [TokenizerSpec, Tokenizer][] = [
        [
          { kind: 'catalog', modelId: 'albert_en_base' },
          loadCatalogTokenizer(requireModel('albert_en_base')),
        ],
        [{ kind: 'file', path: vocab }, loadTokenizerFromPath(vocab)],
      ];
      for (const [spec, local] of specs) {
        client = new TokenizeClient(WORKER);
        const got = await client.tokenize(spec, text);
        assert.ok(got);
        const expected = await encodeInChunks(local, text, async () => true);
        assert.deepEqual(got.ids, expected!.ids);
        assert.deepEqual(got.starts, expected!.starts);
        assert.deepEqual(got.ends, expected!.ends);
        assert.deepEqual(
          got.pieces,
          Array.from(expected!.ids, (id) => local.idToPiece(id)),
        );
        client.dispose();
      }
    });

    it('a warm load reports its warm-up; a request arriving during it cuts it short and is answered', async function () {
      const spec: TokenizerSpec = { kind: 'catalog', modelId: 'albert_en_base' };
      client = new TokenizeClient(WORKER);
      await client.load(spec, { warm: true });
      // Asked at once: the warm-up (hundreds of milliseconds) is still running and must give way.
      const got = await client.tokenize(spec, 'The first request, during the warm-up.');
      assert.ok(got && got.ids.length > 0);
      // Answered before the warm-up ended: it yielded to the request instead of finishing first.
      assert.equal(client.stats().warmed, undefined);
      for (let i = 0; i < 200 && !client.stats().warmed; i++) await new Promise((r) => setTimeout(r, 25));
      assert.equal(client.stats().warmed?.complete, false, JSON.stringify(client.stats()));

      client.dispose();
      client = new TokenizeClient(WORKER);
      await client.load(spec, { warm: true });
      for (let i = 0; i < 400 && !client.stats().warmed; i++) await new Promise((r) => setTimeout(r, 25));
      assert.equal(client.stats().warmed?.complete, true, JSON.stringify(client.stats()));
    });
  });
});
