import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { initBackend, isBackendPreference } from '../../src/core/inference';

const missing = (name: string) => () => {
  throw new Error(`Cannot find module '${name}'`);
};

describe('inference backend selection', function () {
  after(async () => {
    await initBackend('cpu');
  });

  it('auto falls back past tfjs-node when it is not installed (this machine) and reports why', async function () {
    const choice = await initBackend('auto');
    let installed = true;
    try {
      require.resolve('@tensorflow/tfjs-node');
    } catch {
      installed = false;
    }
    if (installed) this.skip();
    assert.notEqual(choice.name, 'tensorflow');
    assert.equal(tf.getBackend(), choice.name);
    assert.match(choice.fallbacks[0] ?? '', /^tensorflow: /);
  });

  it('auto picks wasm when tfjs-node is missing, cpu when wasm fails too', async function () {
    const wasm = await initBackend('auto', { loaders: { tensorflow: missing('@tensorflow/tfjs-node') } });
    assert.equal(wasm.name, 'wasm');
    assert.match(wasm.label, /^wasm \((no )?SIMD/);
    assert.deepEqual(wasm.fallbacks, ["tensorflow: Cannot find module '@tensorflow/tfjs-node'"]);
    const cpu = await initBackend('auto', {
      loaders: {
        tensorflow: missing('@tensorflow/tfjs-node'),
        wasm: missing('@tensorflow/tfjs-backend-wasm'),
      },
    });
    assert.equal(cpu.name, 'cpu');
    assert.equal(tf.getBackend(), 'cpu');
    assert.equal(cpu.fallbacks.length, 2);
  });

  it('uses tfjs-node when its backend registers, and honours an explicit cpu request', async function () {
    const choice = await initBackend('auto', {
      loaders: {
        tensorflow: () => {
          if (!tf.findBackendFactory('tensorflow'))
            tf.registerBackend('tensorflow', () => new MathBackendCPU());
        },
      },
    });
    try {
      assert.equal(choice.name, 'tensorflow');
      assert.deepEqual(choice.fallbacks, []);
      assert.equal(tf.getBackend(), 'tensorflow');
    } finally {
      tf.removeBackend('tensorflow');
    }
    const cpu = await initBackend('cpu');
    assert.equal(cpu.name, 'cpu');
    assert.deepEqual(cpu.fallbacks, []);
  });

  it('a requested backend that is missing falls back to the next one with the reason', async function () {
    const choice = await initBackend('tensorflow', {
      loaders: { tensorflow: missing('@tensorflow/tfjs-node') },
    });
    assert.equal(choice.requested, 'tensorflow');
    assert.notEqual(choice.name, 'tensorflow');
    assert.match(choice.fallbacks.join(), /tfjs-node/);
  });

  it('knows the setting values', function () {
    for (const v of ['auto', 'tensorflow', 'wasm', 'cpu']) assert.ok(isBackendPreference(v));
    assert.ok(!isBackendPreference('webgl'));
  });
});
