import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import {
  EncoderModel,
  InferenceInputError,
  WeightShapeError,
  bertConfig,
  initBackend,
  syntheticWeights,
  type BackendName,
} from '../../src/core/inference';
import type { EncoderConfig, EncoderWeights } from '../../src/core/model/encoder';
import { fixture } from '../fixtures';
import {
  referenceDense,
  referenceForward,
  referenceMaskedLm,
  type ReferenceInput,
} from '../support/referenceEncoder';
import { readTinyBert } from '../support/tinyBert';

const TOL = 1e-5;

function assertClose(actual: ArrayLike<number>, expected: readonly number[], what: string, tol = TOL): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const diff = Math.abs(actual[i]! - expected[i]!);
    if (!(diff <= tol))
      assert.fail(`${what}[${i}]: ${actual[i]} vs reference ${expected[i]} (|Δ| ${diff} > ${tol})`);
  }
}

function single(ref: ReferenceInput) {
  const S = ref.ids.length;
  return {
    batch: 1,
    seqLength: S,
    inputIds: Int32Array.from(ref.ids),
    typeIds: Int32Array.from(ref.types ?? new Array<number>(S).fill(0)),
    mask: Int32Array.from(ref.mask ?? new Array<number>(S).fill(1)),
  };
}

const small = (overrides: Partial<EncoderConfig>): EncoderConfig =>
  bertConfig({
    vocabSize: 40,
    hiddenSize: 8,
    numLayers: 2,
    numHeads: 2,
    intermediateSize: 16,
    maxPositionEmbeddings: 12,
    ...overrides,
  });

for (const backend of ['cpu', 'wasm'] as BackendName[]) {
  describe(`inference encoder (${backend} backend)`, function () {
    before(async function () {
      const choice = await initBackend(backend);
      if (choice.name !== backend) this.skip();
    });

    describe('tiny BERT fixture (TF1 checkpoint with masked-LM head) against the float64 reference', function () {
      let weights: EncoderWeights;
      let model: EncoderModel;
      before(function () {
        weights = readTinyBert(fixture(this, 'kerasbert_tiny_bert_tf1')).weights;
        model = new EncoderModel(weights);
      });
      after(() => model?.dispose());

      // [CLS] all work and no play makes jack a dull boy [SEP] / [CLS] jack [MASK] a dull [SEP] boy [SEP] + padding
      const cases: Record<string, ReferenceInput> = {
        'one segment': { ids: [2, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 3] },
        'two segments with padding': {
          ids: [2, 11, 4, 12, 13, 3, 14, 3, 0, 0, 0],
          types: [0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0],
          mask: [1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0],
        },
      };
      for (const [name, input] of Object.entries(cases)) {
        it(`sequence, every layer, pooled, attention and masked-LM outputs match within 1e-5: ${name}`, async function () {
          const ref = referenceForward(weights, input);
          const S = input.ids.length;
          const positions = Array.from({ length: S }, (_, i) => i);
          const out = await model.run(single(input), {
            allLayers: true,
            attention: true,
            maskedPositions: [positions],
          });
          const valid = (i: number) => (input.mask ? input.mask[i] === 1 : true);
          // Padding rows are not compared: TensorFlow gives them values that no output depends on.
          const rows = (flat: Float32Array, H: number) =>
            positions.filter(valid).flatMap((i) => [...flat.slice(i * H, i * H + H)]);
          const refRows = (m: number[][]) => positions.filter(valid).flatMap((i) => m[i]!);
          const H = weights.config.hiddenSize;
          assertClose(rows(out.sequence, H), refRows(ref.sequence), 'sequence');
          out.layers!.forEach((layer, l) =>
            assertClose(rows(layer, H), refRows(ref.layers[l]!), `layer ${l}`),
          );
          assertClose(out.pooled!, ref.pooled!, 'pooled');
          out.attention!.forEach((probs, l) => {
            const expected = ref.attention[l]!.flatMap((head) => head.flatMap((row) => row));
            assertClose(probs, expected, `attention ${l}`);
          });
          const V = weights.config.vocabSize;
          for (const i of positions.filter(valid)) {
            const expected = referenceMaskedLm(weights, ref.sequence[i]!);
            assertClose(out.maskedLmLogits!.slice(i * V, i * V + V), expected, `masked-LM logits at ${i}`);
          }
        });
      }

      it('next-sentence logits match the reference on the pooled output', async function () {
        const input = cases['two segments with padding']!;
        const ref = referenceForward(weights, input);
        const out = await model.run(single(input), { heads: true });
        assertClose(
          out.nextSentenceLogits!,
          referenceDense(ref.pooled!, weights.heads.nextSentence!),
          'next sentence',
        );
      });
    });

    describe('families and heads on weights made by the test', function () {
      const configs: Record<string, EncoderConfig> = {
        'BERT (relu)': small({ activation: 'relu' }),
        'BERT (exact gelu)': small({ activation: 'gelu_exact' }),
        'ALBERT (factorized embedding, one shared layer)': small({
          family: 'albert',
          embeddingSize: 4,
          numLayers: 3,
        }),
        'ELECTRA (embedding projection)': small({ family: 'electra', embeddingSize: 6 }),
      };
      for (const [name, config] of Object.entries(configs)) {
        it(`${name}: sequence, pooled and masked-LM equal the reference`, async function () {
          const weights = syntheticWeights(config, { seed: 7, scale: 0.3, heads: ['maskedLm'] });
          if (config.family === 'albert') assert.equal(weights.layers[0], weights.layers[2]);
          const model = new EncoderModel(weights);
          try {
            const input = { ids: [2, 17, 33, 5, 9, 3], types: [0, 0, 0, 1, 1, 1] };
            const ref = referenceForward(weights, input);
            const out = await model.run(single(input), { maskedPositions: [[1, 4]] });
            assertClose(out.sequence, ref.sequence.flat(), 'sequence');
            assertClose(out.pooled!, ref.pooled!, 'pooled');
            const V = config.vocabSize;
            assertClose(
              out.maskedLmLogits!.slice(0, V),
              referenceMaskedLm(weights, ref.sequence[1]!),
              'mlm 1',
            );
            assertClose(
              out.maskedLmLogits!.slice(V, 2 * V),
              referenceMaskedLm(weights, ref.sequence[4]!),
              'mlm 4',
            );
          } finally {
            model.dispose();
          }
        });
      }

      it('long sequences (attention computed head by head) equal the reference, with padding and attention maps', async function () {
        // 40 positions take the per-head attention path; the cases above take the batched one.
        const config = small({ maxPositionEmbeddings: 48, numHeads: 4 });
        const weights = syntheticWeights(config, { seed: 11, scale: 0.3, heads: [] });
        const model = new EncoderModel(weights);
        try {
          const S = 40;
          const real = 33;
          const input = {
            ids: Array.from({ length: S }, (_, i) => (i < real ? 2 + ((i * 7) % 37) : 0)),
            types: Array.from({ length: S }, (_, i) => (i >= 20 && i < real ? 1 : 0)),
            mask: Array.from({ length: S }, (_, i) => (i < real ? 1 : 0)),
          };
          const ref = referenceForward(weights, input);
          const out = await model.run(single(input), { attention: true });
          const H = config.hiddenSize;
          assertClose(out.sequence.slice(0, real * H), ref.sequence.slice(0, real).flat(), 'sequence');
          assertClose(out.pooled!, ref.pooled!, 'pooled');
          out.attention!.forEach((probs, l) => {
            const expected = ref.attention[l]!.flatMap((head) => head.flatMap((row) => row));
            assertClose(probs, expected, `attention ${l}`);
          });
        } finally {
          model.dispose();
        }
      });

      it('classifier, span, tagging and discriminator heads equal the reference', async function () {
        const config = small({});
        const weights = syntheticWeights(config, {
          seed: 3,
          scale: 0.3,
          heads: ['classifier', 'span', 'tagging', 'discriminator', 'nextSentence'],
          classes: 3,
        });
        const model = new EncoderModel(weights);
        try {
          const input = { ids: [2, 7, 8, 3, 11, 12, 3], types: [0, 0, 0, 0, 1, 1, 1] };
          const ref = referenceForward(weights, input);
          const out = await model.run(single(input), { heads: true });
          const h = weights.heads;
          assertClose(out.classifierLogits!, referenceDense(ref.pooled!, h.classifier!), 'classifier');
          assertClose(out.nextSentenceLogits!, referenceDense(ref.pooled!, h.nextSentence!), 'next sentence');
          const span = ref.sequence.map((row) => referenceDense(row, h.span!));
          assertClose(
            out.spanStartLogits!,
            span.map((p) => p[0]!),
            'span start',
          );
          assertClose(
            out.spanEndLogits!,
            span.map((p) => p[1]!),
            'span end',
          );
          assertClose(
            out.taggingLogits!,
            ref.sequence.flatMap((row) => referenceDense(row, h.tagging!)),
            'tagging',
          );
          const disc = ref.sequence.map((row) => {
            const hidden = referenceDense(row, h.discriminator!.dense).map(
              (v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3))),
            );
            return referenceDense(hidden, h.discriminator!.prediction)[0]!;
          });
          assertClose(out.discriminatorLogits!, disc, 'discriminator');
        } finally {
          model.dispose();
        }
      });
    });

    describe('properties that hold for any weights', function () {
      const arbCase = fc.record({
        seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        heads: fc.constantFrom(1, 2, 4),
        real: fc.integer({ min: 2, max: 8 }),
        pad: fc.integer({ min: 1, max: 4 }),
        ids: fc.array(fc.integer({ min: 0, max: 39 }), { minLength: 12, maxLength: 12 }),
        junk: fc.array(fc.integer({ min: 0, max: 39 }), { minLength: 12, maxLength: 12 }),
      });

      it('attention rows sum to 1 and padding keys get no attention', async function () {
        await fc.assert(
          fc.asyncProperty(arbCase, async (c) => {
            const model = new EncoderModel(
              syntheticWeights(small({ numHeads: c.heads }), { seed: c.seed, scale: 0.5 }),
            );
            try {
              const S = c.real + c.pad;
              const mask = Int32Array.from({ length: S }, (_, i) => (i < c.real ? 1 : 0));
              const out = await model.run(
                { batch: 1, seqLength: S, inputIds: Int32Array.from(c.ids.slice(0, S)), mask },
                { attention: true },
              );
              for (const probs of out.attention!) {
                for (let row = 0; row < c.heads * S; row++) {
                  let sum = 0;
                  for (let j = 0; j < S; j++) {
                    const p = probs[row * S + j]!;
                    if (j >= c.real) assert.ok(p < 1e-30, `padding key ${j} got ${p}`);
                    sum += p;
                  }
                  assert.ok(Math.abs(sum - 1) < 1e-5, `row ${row} sums to ${sum}`);
                }
              }
            } finally {
              model.dispose();
            }
          }),
          { numRuns: 15 },
        );
      });

      it('padding positions change no output, and a batch equals its rows run one by one', async function () {
        await fc.assert(
          fc.asyncProperty(arbCase, async (c) => {
            const weights = syntheticWeights(small({ numHeads: c.heads }), {
              seed: c.seed,
              scale: 0.5,
              heads: ['maskedLm', 'classifier'],
            });
            const model = new EncoderModel(weights);
            try {
              const S = c.real + c.pad;
              const H = weights.config.hiddenSize;
              const ids = Int32Array.from(c.ids.slice(0, S));
              const mask = Int32Array.from({ length: S }, (_, i) => (i < c.real ? 1 : 0));
              const junkIds = Int32Array.from(ids, (id, i) => (i < c.real ? id : c.junk[i]!));
              const junkTypes = Int32Array.from({ length: S }, (_, i) => (i < c.real ? 0 : 1));
              const opts = { heads: true, maskedPositions: [[0, c.real - 1]] };
              const a = await model.run({ batch: 1, seqLength: S, inputIds: ids, mask }, opts);
              const b = await model.run(
                { batch: 1, seqLength: S, inputIds: junkIds, typeIds: junkTypes, mask },
                opts,
              );
              assertClose(
                b.sequence.slice(0, c.real * H),
                [...a.sequence.slice(0, c.real * H)],
                'sequence',
                1e-6,
              );
              assertClose(b.pooled!, [...a.pooled!], 'pooled', 1e-6);
              assertClose(b.maskedLmLogits!, [...a.maskedLmLogits!], 'mlm', 1e-6);
              assertClose(b.classifierLogits!, [...a.classifierLogits!], 'classifier', 1e-6);
              // Batch of two (the padded row and a full row) vs one at a time.
              const full = Int32Array.from(c.junk.slice(0, S));
              const ones = new Int32Array(S).fill(1);
              const batched = await model.run(
                {
                  batch: 2,
                  seqLength: S,
                  inputIds: Int32Array.from([...ids, ...full]),
                  mask: Int32Array.from([...mask, ...ones]),
                },
                { heads: true, maskedPositions: [[0, c.real - 1], [1]] },
              );
              const second = await model.run(
                { batch: 1, seqLength: S, inputIds: full, mask: ones },
                { heads: true, maskedPositions: [[1]] },
              );
              assertClose(batched.sequence.slice(0, S * H), [...a.sequence], 'batch row 0', 1e-5);
              assertClose(batched.sequence.slice(S * H), [...second.sequence], 'batch row 1', 1e-5);
              assertClose(batched.pooled!, [...a.pooled!, ...second.pooled!], 'batch pooled', 1e-5);
              const V = weights.config.vocabSize;
              assertClose(
                batched.maskedLmLogits!.slice(0, 2 * V),
                [...a.maskedLmLogits!],
                'batch mlm 0',
                1e-5,
              );
              assertClose(
                batched.maskedLmLogits!.slice(2 * V, 3 * V),
                [...second.maskedLmLogits!],
                'batch mlm 1',
                1e-5,
              );
            } finally {
              model.dispose();
            }
          }),
          { numRuns: 10 },
        );
      });
    });

    describe('errors and memory', function () {
      it('rejects bad input with a typed error and bad weights with the tensor named', async function () {
        const weights = syntheticWeights(small({}), { seed: 1 });
        const model = new EncoderModel(weights);
        try {
          await assert.rejects(
            model.run({ batch: 1, seqLength: 2, inputIds: Int32Array.from([2, 40]) }),
            InferenceInputError,
          );
          await assert.rejects(
            model.run({ batch: 1, seqLength: 13, inputIds: new Int32Array(13) }),
            /exceeds/,
          );
          await assert.rejects(
            model.run({ batch: 2, seqLength: 2, inputIds: new Int32Array(3) }),
            /inputIds has 3 values/,
          );
        } finally {
          model.dispose();
        }
        const broken = {
          ...weights,
          pooler: { kernel: { shape: [8, 7], data: new Float32Array(56) }, bias: weights.pooler!.bias },
        };
        assert.throws(
          () => new EncoderModel(broken),
          (e: unknown) => e instanceof WeightShapeError && /pooler\/kernel/.test(e.message),
        );
      });

      it('dispose frees every tensor, including after a failed run', async function () {
        const before = tf.memory().numTensors;
        const model = new EncoderModel(
          syntheticWeights(small({ family: 'albert', embeddingSize: 4 }), { seed: 2, heads: ['maskedLm'] }),
        );
        assert.ok(tf.memory().numTensors > before);
        await model.run(
          { batch: 1, seqLength: 4, inputIds: Int32Array.from([2, 5, 6, 3]) },
          { attention: true, allLayers: true, maskedPositions: [[1]] },
        );
        await assert.rejects(
          model.run(
            { batch: 1, seqLength: 4, inputIds: Int32Array.from([2, 5, 6, 3]) },
            { isCancelled: () => true },
          ),
        );
        model.dispose();
        assert.equal(tf.memory().numTensors, before);
        assert.ok(model.disposed);
      });
    });
  });
}
