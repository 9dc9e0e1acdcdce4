// The WebAssembly kernels as part of backend selection: started with the wasm backend (the default
// where tfjs-node is absent), reported in the label, used by the models created then, a fallback with
// a warning when they cannot start, and the same outputs as the all-TensorFlow.js path.
import * as assert from 'node:assert/strict';
import { EncoderModel, bertConfig, initBackend, syntheticWeights } from '../../src/core/inference';
import { activeKernels } from '../../src/core/inference/kernels';
import type { EncoderWeights } from '../../src/core/model/encoder';

const config = bertConfig({
  vocabSize: 50,
  hiddenSize: 24,
  numLayers: 2,
  numHeads: 3,
  intermediateSize: 40,
  maxPositionEmbeddings: 40,
});

const input = {
  batch: 2,
  seqLength: 19,
  inputIds: Int32Array.from({ length: 38 }, (_, i) => (i * 7) % 50),
  mask: Int32Array.from({ length: 38 }, (_, i) => (i >= 19 && i % 19 > 12 ? 0 : 1)),
};

function maxDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('inference backend: the WebAssembly kernels', function () {
  after(async () => {
    await initBackend('cpu');
  });

  it('start with the wasm backend, say so in the label, and run the layers of new models like tfjs-backend-wasm does', async function () {
    // One thread: tfjs-backend-wasm's pthreads would keep mocha's process alive (the kernels' own two-thread
    // split is tested in inference-kernels.test.ts).
    const withKernels = await initBackend('wasm');
    assert.equal(withKernels.kernels, true);
    assert.match(withKernels.label, /^wasm \(SIMD, \d threads?, own kernels\)$/);
    assert.equal(withKernels.warning, undefined);
    const weights = syntheticWeights(config, { seed: 3 });
    const ours = new EncoderModel(weights);
    assert.equal(ours.engine, 'kernels');
    const a = await ours.run(input, { attention: true, allLayers: true });

    const plain = await initBackend('wasm', { kernels: false });
    assert.equal(plain.kernels, false);
    assert.doesNotMatch(plain.label, /kernels/);
    const tfjs = new EncoderModel(weights);
    assert.equal(tfjs.engine, 'tfjs');
    const b = await tfjs.run(input, { attention: true, allLayers: true });
    assert.ok(maxDiff(a.sequence, b.sequence) < 1e-5, 'sequence');
    assert.ok(maxDiff(a.pooled!, b.pooled!) < 1e-5, 'pooled');
    for (let l = 0; l < config.numLayers; l++) {
      assert.ok(maxDiff(a.layers![l]!, b.layers![l]!) < 1e-5, `layer ${l}`);
      assert.ok(maxDiff(a.attention![l]!, b.attention![l]!) < 1e-6, `attention ${l}`);
    }
    // A model made before keeps its engine.
    assert.equal(ours.engine, 'kernels');
    ours.dispose();
    tfjs.dispose();
  });

  it('hold the only copy of the layer weights when released, and give their memory back on dispose', async function () {
    await initBackend('wasm');
    const engine = activeKernels();
    assert.ok(engine, 'kernels active');
    const before = engine.reservedBytes;
    const weights = syntheticWeights(config, { seed: 4 });
    const reference = new EncoderModel(syntheticWeights(config, { seed: 4 }));
    const model = new EncoderModel(weights, { release: true });
    assert.equal(weights.layers[0]!.intermediate.kernel.data.length, 0, 'host copy released');
    assert.ok(engine.reservedBytes > before);
    assert.deepEqual((await model.run(input)).sequence, (await reference.run(input)).sequence);
    model.dispose();
    reference.dispose();
    assert.equal(engine.reservedBytes, before);
    await assert.rejects(model.run(input), /disposed/);
  });

  it('leave talking-heads attention to TensorFlow.js, with the reason', async function () {
    await initBackend('wasm');
    const base = syntheticWeights(config, { seed: 5 });
    const A = config.numHeads;
    const eye = {
      shape: [A, A],
      data: Float32Array.from({ length: A * A }, (_, i) => (i % (A + 1) === 0 ? 1 : 0)),
    };
    const talking: EncoderWeights = {
      ...base,
      layers: base.layers.map((l) => ({ ...l, talkingHeads: { pre: eye, post: eye } })),
    };
    const model = new EncoderModel(talking);
    assert.equal(model.engine, 'tfjs');
    assert.match(model.kernelsSkipped ?? '', /talking-heads/);
    // Identity mixing is plain attention: the same output as the kernels give the base weights.
    const plain = new EncoderModel(base);
    assert.equal(plain.engine, 'kernels');
    assert.ok(maxDiff((await model.run(input)).sequence, (await plain.run(input)).sequence) < 1e-5);
    model.dispose();
    plain.dispose();
  });

  it('fall back to tfjs-backend-wasm alone with a warning when they cannot start, and stay off on cpu', async function () {
    const choice = await initBackend('wasm', {
      loaders: {
        kernels: () => {
          throw new Error('mg-kernels.wasm is missing (test)');
        },
      },
    });
    assert.equal(choice.name, 'wasm');
    assert.equal(choice.kernels, false);
    assert.match(
      choice.warning ?? '',
      /WebAssembly kernels could not start \(mg-kernels\.wasm is missing \(test\)\)/,
    );
    assert.ok(choice.fallbacks.some((f) => /^WebAssembly kernels: /.test(f)));
    const model = new EncoderModel(syntheticWeights(config, { seed: 6 }));
    assert.equal(model.engine, 'tfjs');
    model.dispose();

    await initBackend('cpu');
    assert.equal(activeKernels(), undefined);
    const onCpu = new EncoderModel(syntheticWeights(config, { seed: 6 }));
    assert.equal(onCpu.engine, 'tfjs');
    onCpu.dispose();
  });
});
