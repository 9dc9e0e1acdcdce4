// Every published artifact layout, written by the Model Garden's own code (generate.py), read by our
// reader and run by our engine, against what TensorFlow reports and computes on the same files.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CheckpointReader } from '../../src/core/checkpoint';
import {
  EncoderModel,
  InferenceClient,
  initBackend,
  loadCheckpointWeights,
  type BackendName,
  type EncoderInput,
  type EncoderResult,
} from '../../src/core/inference';
import { repoRoot, skipBecause } from '../fixtures';
import { oracleArtifacts } from './oracle';
import { maxAbsDiff, type OracleRecord, logSoftmaxRows } from './record';

/** The artifacts generate.py writes (a test below checks the two lists agree). */
const SMALL = [
  'bert_v3',
  'bert_v3_uncased',
  'albert_tf2',
  'albert_tf2_noconfig',
  'hub_bert_mlm',
  'hub_lambert',
  'hub_albert_mlm',
  'hub_talking_heads',
  'hub_electra',
  'electra_pretrainer',
  'bert_pretrainer',
  'classifier',
] as const;
const LARGE = 'bert_base_layout';

/** Small models: max |Δ| against TensorFlow. */
const SMALL_TOL = 1e-4;
/** BERT-base-sized: max |Δ| relative to the largest |value|. */
const LARGE_REL_TOL = 1e-3;

/** The catalog's layer count stands in for a missing config where a test needs one (ALBERT without its config). */
const LAYERS_GIVEN: Partial<Record<string, number>> = { albert_tf2_noconfig: 3, hub_albert_mlm: 3 };

function record(dir: string, name: string): OracleRecord {
  return JSON.parse(fs.readFileSync(path.join(dir, name, 'oracle.json'), 'utf8')) as OracleRecord;
}

function inputOf(r: OracleRecord, rows?: number[]): EncoderInput {
  const pick = rows ?? r.inputs.input_word_ids.map((_, i) => i);
  const S = r.inputs.input_word_ids[0]!.length;
  const flat = (m: number[][]) => Int32Array.from(pick.flatMap((i) => m[i]!));
  return {
    batch: pick.length,
    seqLength: S,
    inputIds: flat(r.inputs.input_word_ids),
    typeIds: flat(r.inputs.input_type_ids),
    mask: flat(r.inputs.input_mask),
  };
}

function flat(x: unknown): number[] {
  return (x as unknown[]).flat(Infinity as 1) as number[];
}

/** Compares every output TensorFlow gave with ours; returns the max differences by name. */
function compare(
  r: OracleRecord,
  ours: EncoderResult,
  tol: (expected: number[]) => number,
): Record<string, number> {
  const diffs: Record<string, number> = {};
  const check = (what: string, actual: ArrayLike<number> | undefined, expected: number[]) => {
    assert.ok(actual, `${r.name}: our run gave no ${what}`);
    assert.equal(actual.length, expected.length, `${r.name}: ${what} length`);
    const d = maxAbsDiff(actual, expected);
    diffs[what] = d;
    assert.ok(
      d <= tol(expected),
      `${r.name}: ${what} differs from TensorFlow by ${d} (bound ${tol(expected)})`,
    );
  };
  check('sequence', ours.sequence, flat(r.outputs.sequence));
  if (r.outputs.pooled) check('pooled', ours.pooled, flat(r.outputs.pooled));
  if (r.outputs.mlmLogProbs) {
    check(
      'mlmLogProbs',
      logSoftmaxRows(ours.maskedLmLogits!, r.truth.vocabSize),
      flat(r.outputs.mlmLogProbs),
    );
  }
  if (r.outputs.rtdLogits) check('rtdLogits', ours.discriminatorLogits, flat(r.outputs.rtdLogits));
  if (r.outputs.classifierLogits)
    check('classifierLogits', ours.classifierLogits, flat(r.outputs.classifierLogits));
  return diffs;
}

const smallTol = () => SMALL_TOL;
const largeTol = (expected: number[]) => LARGE_REL_TOL * Math.max(...expected.map(Math.abs));

/** Max differences measured, printed once at the end (the closing note quotes them). */
const measured: Record<string, Record<string, number>> = {};

describe('fidelity: every artifact layout against TensorFlow', function () {
  let dir: string;

  before(function () {
    dir = oracleArtifacts(this);
  });

  after(function () {
    if (Object.keys(measured).length === 0) return;
    console.log('    max |Δ| against TensorFlow:');
    for (const [k, v] of Object.entries(measured)) {
      console.log(
        `      ${k}: ${Object.entries(v)
          .map(([n, d]) => `${n} ${d.toExponential(2)}`)
          .join(', ')}`,
      );
    }
  });

  it('the generator wrote exactly the artifacts these tests read', function () {
    const written = fs.readdirSync(dir).filter((n) => fs.existsSync(path.join(dir, n, 'oracle.json')));
    assert.deepEqual(new Set(written), new Set([...SMALL, LARGE]));
  });

  for (const name of [...SMALL, LARGE]) {
    describe(name, function () {
      let r: OracleRecord;
      let prefix: string;
      before(function () {
        r = record(dir, name);
        prefix = path.join(dir, name, r.checkpoint);
      });

      it('our reader lists what tf.train.list_variables lists, same shapes, and every CRC verifies', async function () {
        const reader = await CheckpointReader.open(prefix);
        try {
          const ours = new Map(reader.tensors.map((t) => [t.key, [...t.shape]]));
          const theirs = new Map(r.variables.map((v) => [v.key, v.shape]));
          assert.deepEqual([...ours.keys()].sort(), [...theirs.keys()].sort());
          for (const [k, shape] of theirs) assert.deepEqual(ours.get(k), shape, k);
        } finally {
          await reader.close();
        }
        const cli = path.join(repoRoot, 'dist', 'cli.js');
        if (!fs.existsSync(cli)) skipBecause(this, 'dist/cli.js is not built (npm run build)');
        execFileSync(process.execPath, [cli, 'inspect', prefix, '--verify'], { stdio: 'pipe' });
      });

      it('is detected as TensorFlow built it (family, sizes, heads that load)', function () {
        const cli = path.join(repoRoot, 'dist', 'cli.js');
        if (!fs.existsSync(cli)) skipBecause(this, 'dist/cli.js is not built (npm run build)');
        const args = [cli, 'inspect', path.join(dir, name), '--json'];
        if (LAYERS_GIVEN[name]) args.push('--num-layers', String(LAYERS_GIVEN[name]));
        const out = JSON.parse(
          execFileSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 28 }),
        );
        const t = r.truth;
        const d = out.detected;
        assert.equal(d.family, t.family, 'family');
        assert.equal(d.layers, t.layers, 'layers');
        assert.equal(d.hidden, t.hidden, 'hidden');
        assert.equal(d.heads, t.heads, 'heads');
        assert.equal(d.embeddingSize, t.embeddingSize, 'embedding width');
        assert.equal(d.vocabSize, t.vocabSize, 'vocab');
        assert.deepEqual([...d.headsPresent].sort(), t.headsPresent, 'heads present');
        if (t.step !== undefined) assert.equal(d.step, t.step, 'step');
      });

      const backends: BackendName[] = name === LARGE ? ['wasm'] : ['cpu', 'wasm'];
      for (const backend of backends) {
        it(`outputs equal TensorFlow's on the ${backend} backend`, async function () {
          const choice = await initBackend(backend);
          if (choice.name !== backend)
            skipBecause(this, `the ${backend} backend did not start (${choice.label})`);
          const loaded = await loadCheckpointWeights(
            path.join(dir, name),
            {},
            { numLayers: LAYERS_GIVEN[name] },
          );
          const model = new EncoderModel(loaded.weights);
          try {
            // With wasm the layers run on the project's WebAssembly kernels (bar what they leave to TensorFlow.js).
            if (backend === 'wasm' && !model.kernelsSkipped)
              assert.equal(
                model.engine,
                'kernels',
                'the wasm backend runs the layers on the WebAssembly kernels',
              );
            const result = await model.run(inputOf(r), {
              maskedPositions: r.outputs.mlmPositions,
              heads: true,
            });
            measured[`${name} (${backend})`] = compare(r, result, name === LARGE ? largeTol : smallTol);
          } finally {
            model.dispose();
          }
        });
      }
    });
  }

  it('a shared ALBERT block without a config is refused with what to pass, never run as one layer', async function () {
    await assert.rejects(
      loadCheckpointWeights(path.join(dir, 'albert_tf2_noconfig'), {}),
      /shared.*layer count.*(albert_config\.json|num_hidden_layers).*--num-layers/is,
    );
  });

  it("a TF-Hub ALBERT downloaded from the catalog into the model cache takes the catalog's layer count", async function () {
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-cache-'));
    try {
      const files = path.join(cache, 'albert_en_base', 'hub', 'files');
      fs.mkdirSync(path.dirname(files), { recursive: true });
      fs.cpSync(path.join(dir, 'hub_albert_mlm'), files, { recursive: true });
      const loaded = await loadCheckpointWeights(files, {});
      assert.equal(loaded.weights.config.numLayers, 12);
      assert.equal(loaded.weights.layers.length, 12);
      assert.equal(new Set(loaded.weights.layers).size, 1, 'one shared block');
    } finally {
      fs.rmSync(cache, { recursive: true, force: true });
    }
  });

  it("the CLI (infer --json --ids) gives TensorFlow's outputs", function () {
    const cli = path.join(repoRoot, 'dist', 'cli.js');
    if (!fs.existsSync(cli)) skipBecause(this, 'dist/cli.js is not built (npm run build)');
    for (const name of [
      'bert_v3_uncased',
      'hub_bert_mlm',
      'hub_albert_mlm',
      'electra_pretrainer',
      'classifier',
    ]) {
      const r = record(dir, name);
      const row = 1;
      const args = [
        cli,
        'infer',
        '--checkpoint',
        path.join(dir, name),
        '--ids',
        r.inputs.input_word_ids[row]!.join(','),
        '--type-ids',
        r.inputs.input_type_ids[row]!.join(','),
        '--input-mask',
        r.inputs.input_mask[row]!.join(','),
        '--backend',
        'wasm',
        '--outputs',
        '--json',
      ];
      if (r.outputs.mlmPositions) args.push('--positions', r.outputs.mlmPositions[row]!.join(','));
      if (LAYERS_GIVEN[name]) args.push('--num-layers', String(LAYERS_GIVEN[name]));
      const out = JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 28 }));
      const one = (x: unknown) => [(x as unknown[])[row]];
      const sub: OracleRecord = {
        ...r,
        outputs: {
          sequence: one(r.outputs.sequence),
          pooled: r.outputs.pooled && one(r.outputs.pooled),
          mlmLogProbs: r.outputs.mlmLogProbs && one(r.outputs.mlmLogProbs),
          rtdLogits: r.outputs.rtdLogits && one(r.outputs.rtdLogits),
          classifierLogits: r.outputs.classifierLogits && one(r.outputs.classifierLogits),
        },
      };
      const ours = out.outputs as Record<string, number[]>;
      measured[`${name} (CLI)`] = compare(
        sub,
        {
          batch: 1,
          seqLength: r.inputs.input_word_ids[0]!.length,
          hiddenSize: r.truth.hidden,
          sequence: Float32Array.from(ours.sequence!),
          pooled: ours.pooled && Float32Array.from(ours.pooled),
          maskedLmLogits: ours.maskedLmLogits && Float32Array.from(ours.maskedLmLogits),
          discriminatorLogits: ours.discriminatorLogits && Float32Array.from(ours.discriminatorLogits),
          classifierLogits: ours.classifierLogits && Float32Array.from(ours.classifierLogits),
        },
        smallTol,
      );
    }
  });

  it("the worker the panel uses gives TensorFlow's outputs", async function () {
    const workerPath = path.join(repoRoot, 'dist', 'inferenceWorker.js');
    if (!fs.existsSync(workerPath)) skipBecause(this, `${workerPath} is not built (npm run build)`);
    const client = new InferenceClient({ workerPath, backend: 'wasm' });
    try {
      for (const name of [
        'bert_v3',
        'hub_talking_heads',
        'hub_albert_mlm',
        'electra_pretrainer',
        'classifier',
      ]) {
        const r = record(dir, name);
        const info = await client.load({
          kind: 'checkpoint',
          path: path.join(dir, name),
          numLayers: LAYERS_GIVEN[name],
        });
        const result = await client.run(info.key, inputOf(r), {
          maskedPositions: r.outputs.mlmPositions,
          heads: true,
        });
        measured[`${name} (worker)`] = compare(r, result, smallTol);
      }
    } finally {
      await client.dispose();
    }
  });
});
