import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli';
import { BackendUnavailableError, initBackend, isBackendPreference } from '../../src/core/inference';
import { captureIo } from '../support/captureIo';

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

  it('a backend asked for by name that cannot start is an error with the reason, never a quiet downgrade', async function () {
    await assert.rejects(
      initBackend('tensorflow', { loaders: { tensorflow: missing('@tensorflow/tfjs-node') } }),
      (error: unknown) =>
        error instanceof BackendUnavailableError &&
        error.backend === 'tensorflow' &&
        /"tensorflow" backend could not start: Cannot find module '@tensorflow\/tfjs-node'/.test(
          error.message,
        ),
    );
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-no-wasm-'));
    try {
      await assert.rejects(
        initBackend('wasm', { wasmDir: empty }),
        (error: unknown) =>
          error instanceof BackendUnavailableError &&
          error.message.includes(`WebAssembly binaries are missing from ${empty}`) &&
          error.message.includes('tfjs-backend-wasm-simd.wasm'),
      );
      assert.notEqual(tf.getBackend(), 'wasm');
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  it('auto warns when it falls back past a broken wasm, not when only the optional tfjs-node is absent', async function () {
    const quiet = await initBackend('auto', { loaders: { tensorflow: missing('@tensorflow/tfjs-node') } });
    assert.equal(quiet.name, 'wasm');
    assert.equal(quiet.warning, undefined);
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-no-wasm-'));
    try {
      const cpu = await initBackend('auto', {
        wasmDir: empty,
        loaders: { tensorflow: missing('@tensorflow/tfjs-node') },
      });
      assert.equal(cpu.name, 'cpu');
      assert.match(
        cpu.warning ?? '',
        /^Running on cpu because wasm could not start \(the WebAssembly binaries are missing from /,
      );
      assert.doesNotMatch(cpu.warning ?? '', /tfjs-node/);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
    const brokenNode = await initBackend('auto', {
      loaders: {
        tensorflow: () => {
          throw new Error('libtensorflow.so: cannot open shared object file');
        },
      },
    });
    assert.match(brokenNode.warning ?? '', /tensorflow could not start \(libtensorflow\.so/);
  });

  it('the CLI exits 1 with the reason when the requested backend cannot start', async function () {
    const io = captureIo();
    const code = await main(
      ['bench', '--backend', 'tensorflow', '--layers', '1', '--hidden', '8', '--heads', '2', '--seq', '4'],
      io,
    );
    let installed = true;
    try {
      require.resolve('@tensorflow/tfjs-node');
    } catch {
      installed = false;
    }
    if (installed) this.skip();
    assert.equal(code, 1, io.stdout);
    assert.match(
      io.stderr,
      /model-garden bench: The "tensorflow" backend could not start: @tensorflow\/tfjs-node is not installed; run "Model Garden: Install Native Backend"/,
    );
    assert.equal(io.stdout, '');
  });

  it('knows the setting values', function () {
    for (const v of ['auto', 'tensorflow', 'wasm', 'cpu']) assert.ok(isBackendPreference(v));
    assert.ok(!isBackendPreference('webgl'));
  });
});
