import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { writeCheckpoint } from '../support/checkpointWriter';
import type { MutationJob, MutationMessage } from '../support/mutationWorker';
import { fixture } from '../fixtures';

/** A case that makes no progress for this long counts as a hang. */
const CASE_TIMEOUT_MS = 10_000;
const CASES = Number(process.env.MG_MUTATION_CASES ?? 10_000);

describe('checkpoint reader: mutation', function () {
  let tmp: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-mutation-src-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it(`${CASES} random byte flips, truncations and extensions each end in a CheckpointError or the original values`, async function () {
    this.timeout(0);
    const multiBlock = path.join(tmp, 'multi');
    // Several Snappy data blocks and restarts: structures the small fixtures do not have.
    await writeCheckpoint(
      multiBlock,
      Array.from({ length: 60 }, (_, i) => ({
        name: `bert/encoder/layer_${i % 12}/attention/self/query/kernel_${i}`,
        shape: [3],
        data: Float32Array.of(i, 0, i),
      })),
      { blockSize: 512, snappy: true },
    );
    const bundles: [string, string][] = [
      ['kerasbert_tiny_bert_tf1', path.join(fixture(this, 'kerasbert_tiny_bert_tf1'), 'bert_model.ckpt')],
      [
        'tfserving_half_plus_two_tf2_snappy',
        path.join(fixture(this, 'tfserving_half_plus_two_tf2_snappy'), 'variables', 'variables'),
      ],
      [
        'tfserving_half_plus_two_cpu_snappy',
        path.join(fixture(this, 'tfserving_half_plus_two_cpu_snappy'), 'variables', 'variables'),
      ],
      [
        'tfjs_node_int64_multiply',
        path.join(fixture(this, 'tfjs_node_int64_multiply'), 'variables', 'variables'),
      ],
      [
        'rust_regression_savedmodel_tf2',
        path.join(fixture(this, 'rust_regression_savedmodel_tf2'), 'variables', 'variables'),
      ],
      ['writer multi-block snappy', multiBlock],
    ];
    const job: MutationJob = { bundles, cases: CASES, seed: 20261125, maxArrayBufferBytes: 64 << 20 };
    const worker = new Worker(path.join(__dirname, '..', 'support', 'mutationWorker.js'), {
      workerData: job,
      resourceLimits: { maxOldGenerationSizeMb: 256 },
    });
    const result = await new Promise<Record<string, number>>((resolve, reject) => {
      let done = 0;
      let timer = setTimeout(onHang, CASE_TIMEOUT_MS);
      function onHang() {
        void worker.terminate();
        reject(new Error(`case ${done} made no progress for ${CASE_TIMEOUT_MS} ms (hang)`));
      }
      worker.on('message', (message: MutationMessage) => {
        clearTimeout(timer);
        if (message.type === 'progress') {
          done = message.done;
          timer = setTimeout(onHang, CASE_TIMEOUT_MS);
        } else if (message.type === 'fail') {
          void worker.terminate();
          reject(new Error(`case ${message.caseIndex} (${message.description}): ${message.problem}`));
        } else resolve(message.outcomes);
      });
      worker.on('error', (error) => {
        clearTimeout(timer);
        reject(new Error(`case ${done} crashed the worker: ${error.message}`));
      });
      worker.on('exit', (code) => {
        clearTimeout(timer);
        if (code !== 0) reject(new Error(`worker exited with ${code} at case ${done}`));
      });
    });
    const total = Object.values(result).reduce((a, b) => a + b, 0);
    assert.equal(total, CASES);
    console.log(`      outcomes: ${JSON.stringify(result)}`);
    // Corruption is caught for what it is, not only as some generic failure.
    for (const code of ['crc-mismatch', 'truncated', 'bad-magic', 'intact'])
      assert.ok(result[code] > 0, `no "${code}" outcome`);
  });
});
