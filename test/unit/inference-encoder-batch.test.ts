import * as assert from 'node:assert/strict';
import { EncoderModel, bertConfig, initBackend, syntheticWeights } from '../../src/core/inference';
import { rng } from '../support/random';

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, tol = 1e-5): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const diff = Math.abs(actual[i]! - expected[i]!);
    if (!(diff <= tol)) assert.fail(`${what}[${i}]: ${actual[i]} vs ${expected[i]} (|Δ| ${diff} > ${tol})`);
  }
}

describe('inference encoder: batches of long sequences with a different mask per row', function () {
  before(async function () {
    await initBackend('cpu');
  });

  for (const S of [32, 48]) {
    it(`batch 3 at seq ${S}: each row equals the row run alone (sequence, pooled, attention, heads)`, async function () {
      const config = bertConfig({
        vocabSize: 50,
        hiddenSize: 16,
        numLayers: 2,
        numHeads: 4,
        intermediateSize: 32,
        maxPositionEmbeddings: 64,
      });
      const weights = syntheticWeights(config, {
        seed: S,
        scale: 0.5,
        heads: ['maskedLm', 'classifier', 'span'],
      });
      const model = new EncoderModel(weights);
      try {
        const rand = rng(S);
        const B = 3;
        const real = [S, S - 13, Math.floor(S / 2) + 1]; // a different amount of padding in each row
        const ids = Int32Array.from({ length: B * S }, () => Math.floor(rand() * 50));
        const types = Int32Array.from({ length: B * S }, (_, i) =>
          i % S >= real[Math.floor(i / S)]! / 2 ? 1 : 0,
        );
        const mask = Int32Array.from({ length: B * S }, (_, i) => (i % S < real[Math.floor(i / S)]! ? 1 : 0));
        const positions = [
          [0, 3],
          [5, real[1]! - 1],
          [1, 2],
        ];
        const options = { heads: true, attention: true, maskedPositions: positions };
        const batched = await model.run(
          { batch: B, seqLength: S, inputIds: ids, typeIds: types, mask },
          options,
        );
        const H = config.hiddenSize;
        const A = config.numHeads;
        const V = config.vocabSize;
        for (let b = 0; b < B; b++) {
          const row = (a: Int32Array) => a.slice(b * S, (b + 1) * S);
          const alone = await model.run(
            { batch: 1, seqLength: S, inputIds: row(ids), typeIds: row(types), mask: row(mask) },
            { heads: true, attention: true, maskedPositions: [positions[b]!] },
          );
          const n = real[b]!;
          const C = alone.classifierLogits!.length;
          assertClose(
            batched.sequence.slice(b * S * H, (b * S + n) * H),
            alone.sequence.slice(0, n * H),
            `row ${b} sequence`,
          );
          assertClose(batched.pooled!.slice(b * H, (b + 1) * H), alone.pooled!, `row ${b} pooled`);
          assertClose(
            batched.classifierLogits!.slice(b * C, (b + 1) * C),
            alone.classifierLogits!,
            `row ${b} classifier`,
          );
          assertClose(
            batched.spanStartLogits!.slice(b * S, b * S + n),
            alone.spanStartLogits!.slice(0, n),
            `row ${b} span`,
          );
          assertClose(
            batched.maskedLmLogits!.slice(b * 2 * V, (b + 1) * 2 * V),
            alone.maskedLmLogits!,
            `row ${b} mlm`,
          );
          for (let layer = 0; layer < config.numLayers; layer++) {
            assertClose(
              batched.attention![layer]!.slice(b * A * S * S, (b + 1) * A * S * S),
              alone.attention![layer]!,
              `row ${b} attention ${layer}`,
            );
          }
        }
      } finally {
        model.dispose();
      }
    });
  }
});
