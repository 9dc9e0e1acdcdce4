import * as assert from 'node:assert/strict';
import { backendErrorText, backendStatusText, skippedText } from '../../src/vscode/inference/backendText';

describe('inference backend status bar text', function () {
  it('names the backend, and shows a warning with the reason when auto fell back', function () {
    assert.deepEqual(backendStatusText({ label: 'wasm (SIMD, 2 threads)' }), {
      text: '$(pulse) TF.js: wasm (SIMD, 2 threads)',
      tooltip:
        'Model Garden inference runs on wasm (SIMD, 2 threads) (setting modelGarden.inference.backend).',
      warning: false,
    });
    const fallback = backendStatusText({
      label: 'cpu (JavaScript)',
      warning: 'Running on cpu because wasm could not start (the WebAssembly binaries are missing).',
    });
    assert.equal(fallback.text, '$(warning) TF.js: cpu (JavaScript)');
    assert.ok(fallback.warning);
    assert.match(
      fallback.tooltip,
      /\nRunning on cpu because wasm could not start \(the WebAssembly binaries are missing\)\.$/,
    );
  });

  it('says why the backends tried first were skipped, without a warning when that was expected', function () {
    const status = backendStatusText({
      label: 'wasm (SIMD, 1 thread)',
      fallbacks: [
        'tensorflow: @tensorflow/tfjs-node is not installed; run "Model Garden: Install Native Backend"',
      ],
    });
    assert.equal(status.text, '$(pulse) TF.js: wasm (SIMD, 1 thread)');
    assert.equal(status.warning, false);
    assert.equal(
      status.tooltip,
      'Model Garden inference runs on wasm (SIMD, 1 thread) (setting modelGarden.inference.backend).\n' +
        'Skipped tensorflow: @tensorflow/tfjs-node is not installed; run "Model Garden: Install Native Backend".',
    );
    assert.equal(skippedText([]), undefined);
    assert.equal(skippedText(['tensorflow: a', 'wasm: b']), 'Skipped tensorflow: a; wasm: b.');
  });

  it('a backend that cannot start is an error entry with the message', function () {
    const text = backendErrorText(new Error('The "wasm" backend could not start: missing'));
    assert.equal(text.text, '$(error) TF.js: no backend');
    assert.equal(
      text.tooltip,
      'Model Garden inference cannot run: The "wasm" backend could not start: missing',
    );
    assert.ok(text.warning);
  });
});
