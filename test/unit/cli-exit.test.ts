// `model-garden infer` ends when it fails: the wasm backend's threads must not keep the process alive.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fixture, repoRoot, skipBecause } from '../fixtures';

describe('model-garden infer exits', () => {
  it('with code 1 after an error instead of hanging', function () {
    this.timeout(60_000);
    const cli = path.join(repoRoot, 'dist', 'cli.js');
    if (!fs.existsSync(cli)) skipBecause(this, 'dist/cli.js is not built (npm run build)');
    // A TensorFlow SavedModel that is not a BERT-family encoder.
    const notAnEncoder = fixture(this, 'rust_regression_model_tf1');
    const result = spawnSync(
      process.execPath,
      [cli, 'infer', '--checkpoint', notAnEncoder, '--text', 'hello', '--backend', 'wasm'],
      { encoding: 'utf8', timeout: 45_000 },
    );
    assert.equal(result.signal, null, 'the process hung and was killed');
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stderr, /^model-garden infer: .*variables\.index/);
  });
});
