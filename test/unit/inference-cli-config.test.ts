import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli';
import { bertConfig, syntheticWeights } from '../../src/core/inference';
import { fixture } from '../fixtures';
import { captureIo } from '../support/captureIo';
import { writeTf1Checkpoint } from '../support/tf1Checkpoint';

async function infer(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = captureIo();
  const code = await main(['infer', ...args, '--backend', 'cpu', '--json'], io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

describe('inference CLI: configs that disagree with the checkpoint, non-finite weights', function () {
  let tmp: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-infer-config-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  /** A copy of the tiny BERT fixture (2 layers, H 4, 4 heads) whose bert_config.json is `config`. */
  function tinyBertWith(this: Mocha.Context, name: string, config: string | Record<string, unknown>): string {
    const src = fixture(this, 'kerasbert_tiny_bert_tf1');
    const dir = path.join(tmp, name);
    fs.mkdirSync(dir);
    for (const f of ['bert_model.ckpt.index', 'bert_model.ckpt.data-00000-of-00001', 'vocab.txt'])
      fs.copyFileSync(path.join(src, f), path.join(dir, f));
    const original = JSON.parse(fs.readFileSync(path.join(src, 'bert_config.json'), 'utf8')) as object;
    fs.writeFileSync(
      path.join(dir, 'bert_config.json'),
      typeof config === 'string' ? config : JSON.stringify({ ...original, ...config }, null, 2),
    );
    return dir;
  }

  it('a config that disagrees with the checkpoint shapes is an error naming both values', async function () {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ num_hidden_layers: 1 }, /num_hidden_layers is 1, but the checkpoint has 2 transformer layers/],
      [{ num_hidden_layers: 3 }, /num_hidden_layers is 3, but the checkpoint has 2 transformer layers/],
      [{ hidden_size: 8 }, /hidden_size is 8, but the checkpoint's hidden size is 4/],
      [{ intermediate_size: 32 }, /intermediate_size is 32, but the checkpoint's intermediate size is 16/],
      [{ vocab_size: 30522 }, /vocab_size is 30522, but the checkpoint has 15 word embeddings/],
      [{ num_attention_heads: 3 }, /hidden size 4 is not divisible by 3 attention heads/],
      [{ num_attention_heads: 0 }, /num_attention_heads is 0, not a positive integer/],
      [{ hidden_size: 'four' }, /hidden_size is "four", not a positive integer/],
      [{ hidden_act: 'swish' }, /hidden_act "swish" is not supported \(supported: gelu/],
      [{ hidden_act: 7 }, /hidden_act 7 is not supported/],
      [{ layer_norm_eps: -1 }, /layer_norm_eps is -1, not a small positive number/],
    ];
    for (const [i, [change, reason]] of cases.entries()) {
      const dir = tinyBertWith.call(this, `case-${i}`, change);
      const out = await infer(['--checkpoint', dir, '--text', 'all work']);
      assert.equal(out.code, 1, `${JSON.stringify(change)}: ${out.stderr}`);
      assert.match(out.stderr, reason, JSON.stringify(change));
      assert.ok(out.stderr.includes(path.join(dir, 'bert_config.json')), out.stderr);
      assert.equal(out.stdout, '');
    }
    // Several problems are all listed.
    const both = tinyBertWith.call(this, 'both', { num_hidden_layers: 1, hidden_act: 'swish' });
    const out = await infer(['--checkpoint', both, '--text', 'all work']);
    assert.match(out.stderr, /num_hidden_layers is 1[^]*hidden_act "swish"/);
    // The unchanged config still runs.
    const same = tinyBertWith.call(this, 'same', {});
    assert.equal((await infer(['--checkpoint', same, '--text', 'all work'])).code, 0);
  });

  it('an invalid JSON config reports the JSON error and its position, not a missing field', async function () {
    const dir = tinyBertWith.call(
      this,
      'bad-json',
      '{\n  "hidden_size": 4,\n  "num_attention_heads": 4,\n}\n',
    );
    const out = await infer(['--checkpoint', dir, '--text', 'all work']);
    assert.equal(out.code, 1, out.stderr);
    assert.match(out.stderr, /bert_config\.json: invalid JSON at line 4, column 1/);
    assert.doesNotMatch(out.stderr, /head count/);
  });

  it('a deeply nested JSON config gets a clear message, not "Maximum call stack size exceeded"', async function () {
    const deep = '{"hidden_size": 4, "x": ' + '['.repeat(200_000) + ']'.repeat(200_000) + '}';
    const dir = tinyBertWith.call(this, 'deep', deep);
    for (const command of [
      ['infer', '--checkpoint', dir, '--text', 'all work', '--backend', 'cpu'],
      ['inspect', dir, '--json'],
    ]) {
      const io = captureIo();
      await main(command, io);
      assert.doesNotMatch(io.stderr + io.stdout, /call stack/);
      if (command[0] === 'infer') assert.match(io.stderr, /JSON nested deeper than 64 levels/);
    }
  });

  it('non-finite weights: exit 1 naming the tensors at fault instead of printing null/NaN', async function () {
    const vocab = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'the', 'cat', 'sat'];
    const config = bertConfig({
      vocabSize: vocab.length,
      hiddenSize: 8,
      numLayers: 2,
      numHeads: 2,
      intermediateSize: 16,
      maxPositionEmbeddings: 16,
    });
    const weights = syntheticWeights(config, { seed: 3, scale: 0.4 });
    weights.layers[1]!.attentionOutput.kernel.data[5] = NaN;
    weights.layers[1]!.intermediate.bias.data[0] = Infinity;
    weights.layers[1]!.intermediate.bias.data[1] = -Infinity;
    const dir = path.join(tmp, 'nan');
    await writeTf1Checkpoint(dir, weights, vocab);
    const out = await infer(['--checkpoint', dir, '--text', 'the cat sat']);
    assert.equal(out.code, 1, out.stderr);
    assert.equal(out.stdout, '');
    assert.match(out.stderr, /output is not finite \(NaN or Inf in sequence, pooled\)/);
    assert.match(
      out.stderr,
      /bert\/encoder\/layer_1\/attention\/output\/dense\/kernel \(1 NaN of 64 values\)/,
    );
    assert.match(out.stderr, /bert\/encoder\/layer_1\/intermediate\/dense\/bias \(2 Inf of 16 values\)/);
    assert.doesNotMatch(out.stderr, /layer_0/);
  });
});
