import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli';
import { bertConfig, syntheticWeights } from '../../src/core/inference';
import { fixture } from '../fixtures';
import { captureIo } from '../support/captureIo';
import { referenceDense, referenceForward, referenceMaskedLm } from '../support/referenceEncoder';
import { writeTf1Checkpoint } from '../support/tf1Checkpoint';
import { readTinyBert } from '../support/tinyBert';

interface InferJson {
  backend: string;
  tokens: string[];
  ids: number[];
  pooled: number[];
  sequenceShape: number[];
  fillMask?: { position: number; candidates: { token: string; id: number; prob: number }[] }[];
  classify?: { label: string; prob: number }[];
  squad?: { start: number; end: number; text: string; score: number } | null;
  rtd?: { position: number; token: string; replaced: number }[];
}

async function infer(args: string[]): Promise<InferJson> {
  const io = captureIo();
  const code = await main(['infer', ...args, '--json', '--backend', 'cpu'], io);
  assert.equal(code, 0, io.stderr);
  return JSON.parse(io.stdout) as InferJson;
}

const softmax = (v: number[]) => {
  const m = Math.max(...v);
  const e = v.map((x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
};

function close(actual: number, expected: number, what: string, tol = 1e-5) {
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs reference ${expected}`);
}

describe('inference CLI (model-garden infer)', function () {
  let tmp: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-infer-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('fill-mask on the tiny BERT checkpoint gives the float64 reference probabilities', async function () {
    const dir = fixture(this, 'kerasbert_tiny_bert_tf1');
    const { weights, vocab } = readTinyBert(dir);
    const out = await infer([
      '--checkpoint',
      dir,
      '--text',
      'all work and [MASK] play makes jack a dull boy',
      '--task',
      'fill-mask',
      '--top-k',
      '15',
    ]);
    const ids = out.tokens.map((t) => vocab.indexOf(t));
    assert.deepEqual(ids, [2, 5, 6, 7, 4, 9, 10, 11, 12, 13, 14, 3]);
    assert.deepEqual(out.ids, ids);
    assert.deepEqual(out.sequenceShape, [1, 12, 4]);
    const ref = referenceForward(weights, { ids });
    out.pooled.forEach((v, i) => close(v, ref.pooled![i]!, `pooled ${i}`));
    assert.equal(out.fillMask!.length, 1);
    const answer = out.fillMask![0]!;
    assert.equal(answer.position, 4);
    const probs = softmax(referenceMaskedLm(weights, ref.sequence[4]!));
    assert.equal(answer.candidates.length, 15);
    for (const c of answer.candidates) {
      assert.equal(c.token, vocab[c.id]);
      close(c.prob, probs[c.id]!, `P(${c.token})`);
    }
    const order = answer.candidates.map((c) => c.prob);
    assert.deepEqual(
      order,
      [...order].sort((a, b) => b - a),
    );
  });

  describe('heads on a checkpoint written by the test', function () {
    const vocab = [
      '[PAD]',
      '[UNK]',
      '[CLS]',
      '[SEP]',
      '[MASK]',
      'the',
      'cat',
      'sat',
      'on',
      'mat',
      'who',
      'where',
      'did',
      '?',
      '.',
    ];
    const config = bertConfig({
      vocabSize: vocab.length,
      hiddenSize: 8,
      numLayers: 2,
      numHeads: 2,
      intermediateSize: 16,
      maxPositionEmbeddings: 32,
    });
    const weights = syntheticWeights(config, {
      seed: 11,
      scale: 0.4,
      heads: ['classifier', 'span', 'discriminator'],
      classes: 3,
    });
    let dir: string;
    before(async function () {
      dir = path.join(tmp, 'heads');
      await writeTf1Checkpoint(dir, weights, vocab);
    });

    it('classify: probabilities with "class N" labels equal the reference', async function () {
      const out = await infer([
        '--checkpoint',
        dir,
        '--text',
        'the cat sat on the mat',
        '--task',
        'classify',
      ]);
      const ids = out.tokens.map((t) => vocab.indexOf(t));
      assert.deepEqual(ids, [2, 5, 6, 7, 8, 5, 9, 3]);
      const ref = referenceForward(weights, { ids });
      const probs = softmax(referenceDense(ref.pooled!, weights.heads.classifier!));
      assert.deepEqual(
        out.classify!.map((c) => c.label),
        ['class 0', 'class 1', 'class 2'],
      );
      out.classify!.forEach((c, i) => close(c.prob, probs[i]!, c.label));
    });

    it('classify: label names come from the fine-tuning metadata beside the checkpoint', async function () {
      const labelled = path.join(tmp, 'labelled');
      await writeTf1Checkpoint(labelled, weights, vocab);
      fs.writeFileSync(
        path.join(labelled, 'input_meta_data.json'),
        JSON.stringify({ num_labels: 3, label_list: ['negative', 'neutral', 'positive'] }),
      );
      fs.writeFileSync(path.join(labelled, 'labels.txt'), 'only\ntwo\n'); // wrong length: ignored
      const out = await infer(['--checkpoint', labelled, '--text', 'the cat sat', '--task', 'classify']);
      assert.deepEqual(
        out.classify!.map((c) => c.label),
        ['negative', 'neutral', 'positive'],
      );
    });

    it('squad: the answer is the best span of the context by the reference logits', async function () {
      const out = await infer([
        '--checkpoint',
        dir,
        '--text',
        'where did the cat sat ?',
        '--pair',
        'the cat sat on the mat .',
        '--task',
        'squad',
      ]);
      const ids = out.tokens.map((t) => vocab.indexOf(t));
      const types = ids.map((_, i) => (i > ids.indexOf(3) ? 1 : 0));
      const ref = referenceForward(weights, { ids, types });
      const logits = ref.sequence.map((row) => referenceDense(row, weights.heads.span!));
      const contextStart = ids.indexOf(3) + 1;
      let best = { i: -1, j: -1, s: -Infinity };
      for (let i = contextStart; i < ids.length - 1; i++) {
        for (let j = i; j < ids.length - 1; j++) {
          const s = logits[i]![0]! + logits[j]![1]!;
          if (s > best.s) best = { i, j, s };
        }
      }
      assert.equal(out.squad!.start, best.i);
      assert.equal(out.squad!.end, best.j);
      close(out.squad!.score, best.s, 'score');
      const words = 'the cat sat on the mat .'.split(' ');
      assert.equal(out.squad!.text, words.slice(best.i - contextStart, best.j - contextStart + 1).join(' '));
    });

    it('rtd: replaced-token probabilities are the sigmoid of the reference discriminator', async function () {
      const out = await infer(['--checkpoint', dir, '--text', 'the cat sat on the mat', '--task', 'rtd']);
      const ids = out.tokens.map((t) => vocab.indexOf(t));
      const ref = referenceForward(weights, { ids });
      const d = weights.heads.discriminator!;
      out.rtd!.forEach((r, i) => {
        const hidden = referenceDense(ref.sequence[i]!, d.dense).map(
          (v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3))),
        );
        const logit = referenceDense(hidden, d.prediction)[0]!;
        close(r.replaced, 1 / (1 + Math.exp(-logit)), `token ${i}`);
      });
    });

    it('a task whose head is missing, or bad options, fail with a reason', async function () {
      const cases: [string[], number, RegExp][] = [
        [['--checkpoint', dir, '--text', 'the [MASK]', '--task', 'fill-mask'], 1, /no maskedLm head/],
        [['--checkpoint', dir, '--text', 'the', '--task', 'guess'], 2, /Unknown task "guess"/],
        [['--text', 'the'], 2, /--checkpoint is required/],
        [['--checkpoint', dir, '--text', 'x', '--top-k', '0'], 2, /--top-k must be a positive integer/],
        [['--checkpoint', path.join(tmp, 'nowhere'), '--text', 'x'], 1, /nowhere/],
      ];
      for (const [args, code, reason] of cases) {
        const io = captureIo();
        assert.equal(
          await main(['infer', ...args, '--backend', 'cpu'], io),
          code,
          `${args.join(' ')}: ${io.stderr}`,
        );
        assert.match(io.stderr, reason);
      }
    });
  });
});
