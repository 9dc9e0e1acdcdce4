// The host copies of the weights are released by the upload: with `release`, each Float32Array can be collected
// as soon as its tensor is on the backend, even while the caller still holds the weights object; the model
// built that way computes the same outputs.
import * as assert from 'node:assert/strict';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { EncoderModel, bertConfig, initBackend, syntheticWeights } from '../../src/core/inference';
import type { EncoderWeights } from '../../src/core/model/encoder';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

const config = bertConfig({
  vocabSize: 50,
  hiddenSize: 16,
  numLayers: 2,
  numHeads: 2,
  intermediateSize: 32,
  maxPositionEmbeddings: 16,
});

function hostArrays(weights: EncoderWeights): WeakRef<Float32Array>[] {
  const refs: WeakRef<Float32Array>[] = [];
  const walk = (node: unknown): void => {
    if (node instanceof Float32Array) refs.push(new WeakRef(node));
    else if (node && typeof node === 'object') for (const value of Object.values(node)) walk(value);
  };
  walk(weights);
  return refs;
}

async function collected(refs: WeakRef<Float32Array>[]): Promise<number> {
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    gc();
  }
  return refs.filter((r) => r.deref() === undefined).length;
}

const input = { batch: 1, seqLength: 5, inputIds: Int32Array.from([2, 7, 11, 3, 0]) };

describe('inference: upload releases the host weights', function () {
  before(async function () {
    // wasm copies into its own heap (tfjs-node into TensorFlow's); the cpu backend keeps the array itself.
    const choice = await initBackend('wasm');
    assert.equal(choice.name, 'wasm');
  });

  it('with release, every host array is collectable while the caller still holds the weights', async function () {
    const weights = syntheticWeights(config, { seed: 5, heads: ['maskedLm'] });
    const refs = hostArrays(weights);
    assert.ok(refs.length > 20);
    const model = new EncoderModel(weights, { release: true });
    try {
      assert.equal(await collected(refs), refs.length);
      assert.ok(weights.layers.length === 2); // still held here
    } finally {
      model.dispose();
    }
  });

  it('without release, the caller keeps its arrays (the weights stay usable)', async function () {
    const weights = syntheticWeights(config, { seed: 5 });
    const refs = hostArrays(weights);
    const model = new EncoderModel(weights);
    try {
      assert.equal(await collected(refs), 0);
      assert.ok(weights.wordEmbeddings.data.length === 50 * 16);
    } finally {
      model.dispose();
    }
  });

  it('a model built with release computes what one built without it computes', async function () {
    const kept = new EncoderModel(syntheticWeights(config, { seed: 9 }));
    const released = new EncoderModel(syntheticWeights(config, { seed: 9 }), { release: true });
    try {
      const a = await kept.run(input);
      const b = await released.run(input);
      assert.deepEqual(Array.from(b.sequence), Array.from(a.sequence));
      assert.deepEqual(Array.from(b.pooled ?? []), Array.from(a.pooled ?? []));
    } finally {
      kept.dispose();
      released.dispose();
    }
  });

  it('a host tensor tied into two places is uploaded once', function () {
    const weights = syntheticWeights(config, { seed: 3 });
    const tied = {
      ...weights,
      layers: [weights.layers[0]!, { ...weights.layers[1]!, key: weights.layers[0]!.key }],
    };
    const model = new EncoderModel(tied, { release: true });
    model.dispose();
  });
});
