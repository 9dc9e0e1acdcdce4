import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { requireModel } from '../../src/core/catalog';
import { albertPreprocess, loadCatalogTokenizer } from '../../src/core/tokenizers';
import { finalSigma } from '../../src/core/tokenizers/albert';
import { isCased, isCaseIgnorable } from '../../src/core/tokenizers/unicode';
import { rng } from '../support/random';
import type { SpmEncodeJob } from '../support/spmEncodeWorker';

/** The Final_Sigma check as it was (copies the text before each sigma): the reference for short texts. */
function finalSigmaReference(text: string, i: number): boolean {
  const chars = Array.from(text.slice(0, i)).reverse();
  let before = false;
  for (const c of chars) {
    const cp = c.codePointAt(0)!;
    if (isCaseIgnorable(cp)) continue;
    before = isCased(cp);
    break;
  }
  if (!before) return false;
  for (const c of text.slice(i + 1)) {
    const cp = c.codePointAt(0)!;
    if (isCaseIgnorable(cp)) continue;
    return !isCased(cp);
  }
  return true;
}

describe('tokenizers: size bounds (time and memory)', function () {
  it('ALBERT lower-casing of 400,000 Σ is linear (the lookback used to copy the text before each one)', function () {
    // Quadratic, this is ~10^11 character copies: hopeless within the unit timeout.
    const n = 400_000;
    const out = albertPreprocess('Σ'.repeat(n), true);
    assert.equal(out.text, 'σ'.repeat(n - 1) + 'ς');
    assert.equal(out.starts[n - 1], n - 1);
    const tokenizer = loadCatalogTokenizer(requireModel('albert_en_base'));
    const encoded = tokenizer.encode('ΑΣ '.repeat(50_000));
    assert.equal(encoded.ends.at(-1), 150_000 - 1);
  });

  it('Final_Sigma decisions equal the reference on 3000 random short texts', function () {
    const alphabet = [
      'Σ',
      'σ',
      'A',
      'a',
      "'",
      '.',
      ' ',
      '\u0301',
      '\u00ad',
      '1',
      '😀',
      '\ud800',
      '\udc00',
      'Ͱ',
      'ʰ',
    ];
    const rand = rng(42);
    for (let n = 0; n < 3000; n++) {
      const text = Array.from(
        { length: 1 + Math.floor(rand() * 12) },
        () => alphabet[Math.floor(rand() * alphabet.length)],
      ).join('');
      for (let i = text.indexOf('Σ'); i >= 0; i = text.indexOf('Σ', i + 1))
        assert.equal(finalSigma(text, i), finalSigmaReference(text, i), JSON.stringify(text) + ` at ${i}`);
    }
    assert.equal(albertPreprocess('ΟΔΥΣΣΕΥΣ, ΣΑ Σ.', true).text, 'οδυσσευς, σα σ.');
  });

  it('SentencePiece encodes 2 MB of unspaced text within a 64 MB heap', async function () {
    this.timeout(0);
    const job: SpmEncodeJob = { length: 2_000_000, seed: 7, alphabet: 'abcdefghijklmnopqrstuvwxyz' };
    const worker = new Worker(path.join(__dirname, '..', 'support', 'spmEncodeWorker.js'), {
      workerData: job,
      resourceLimits: { maxOldGenerationSizeMb: 64 },
    });
    const result = await new Promise<{
      tokens: number;
      lastEnd: number;
      ordered: boolean;
      textLength: number;
    }>((resolve, reject) => {
      worker.on('message', resolve);
      worker.on('error', reject);
    });
    await worker.terminate();
    assert.equal(result.textLength, job.length);
    assert.equal(result.lastEnd, job.length);
    assert.ok(result.ordered);
    assert.ok(result.tokens > job.length / 4, `${result.tokens} tokens`);
  });
});
