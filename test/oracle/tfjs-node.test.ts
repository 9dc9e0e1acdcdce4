// A real tfjs-node, built here against the libtensorflow of the oracle venv's PyPI TensorFlow wheel
// (scripts/build-tfjs-node.sh), reached by the backend loader through a search path in the inference worker thread,
// runs a TensorFlow-written BERT checkpoint within 1e-5 of the float64 reference encoder.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { InferenceClient } from '../../src/core/inference';
import { fixture, repoRoot } from '../fixtures';
import { referenceForward } from '../support/referenceEncoder';
import { readTinyBert } from '../support/tinyBert';
import { oraclePython } from './oracle';

describe('oracle: tfjs-node built against the TensorFlow wheel', function () {
  let client: InferenceClient | undefined;
  let prefix: string;

  before(function () {
    this.timeout(20 * 60_000);
    const python = oraclePython(this);
    const tf = spawnSync(
      python,
      ['-c', 'import os, tensorflow; print(os.path.dirname(tensorflow.__file__))'],
      {
        encoding: 'utf8',
        env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3' },
      },
    );
    assert.equal(tf.status, 0, tf.stderr);
    const build = spawnSync(
      'bash',
      [
        path.join(repoRoot, 'scripts', 'build-tfjs-node.sh'),
        path.join(repoRoot, 'test', 'oracle', '.artifacts', 'tfjs-node'),
        tf.stdout.trim(),
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 20 * 60_000 },
    );
    assert.equal(build.status, 0, 'scripts/build-tfjs-node.sh failed; see its output above');
    prefix = build.stdout.trim().split('\n').at(-1)!;
  });

  after(async function () {
    await client?.dispose();
  });

  it('loads in the worker from the search path and matches the float64 reference on a TF checkpoint', async function () {
    client = new InferenceClient({ backend: 'tensorflow', nativePaths: [prefix] });
    const backend = await client.backend();
    assert.equal(backend.name, 'tensorflow', backend.fallbacks.join('; '));
    assert.match(backend.label, /tfjs-node 4\.22\.0, .*\.artifacts/);
    const dir = fixture(this, 'kerasbert_tiny_bert_tf1');
    const info = await client.load({ kind: 'checkpoint', path: dir });
    const { weights } = readTinyBert(dir);
    const ids = [2, 11, 4, 12, 13, 3];
    const ref = referenceForward(weights, { ids });
    const out = await client.run(info.key, { batch: 1, seqLength: 6, inputIds: Int32Array.from(ids) });
    ref.sequence.flat().forEach((v, i) => assert.ok(Math.abs(out.sequence[i]! - v) < 1e-5, `sequence ${i}`));
    ref.pooled!.forEach((v, i) => assert.ok(Math.abs(out.pooled![i]! - v) < 1e-5, `pooled ${i}`));
  });
});
