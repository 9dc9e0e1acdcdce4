// The commands our CLI `launch` writes (shell target, `python3 -m official.nlp.train` from the
// installed tf-models-official) run in the real trainer for a few CPU steps and exit 0; the init
// checkpoint (or TF-Hub SavedModel) is really restored, and our Local Checkpoints reader reads what
// the run wrote. Inputs: tiny checkpoints, SavedModel and TFRecords from trainer_inputs.py.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { run as launch } from '../../src/cli/launch';
import {
  CheckpointReader,
  describeCheckpoint,
  type CheckpointDescription,
  type HeadName,
} from '../../src/core/checkpoint';
import { compareWithTensorFlow, type PyOutput } from './eventsCompare';
import { artifactsDir, oraclePython, runOracleScript } from './oracle';

interface Inputs {
  bert_checkpoint: string;
  albert_checkpoint: string;
  hub: string;
  vocab: string;
  config_file: string;
  sentence_train: string;
  sentence_eval: string;
  squad_train: string;
  tagging_train: string;
}

interface Checkpoint {
  readonly description: CheckpointDescription;
  /** Float values of a canonical weight (`layer_0/query/kernel`, ...). */
  weight(canonical: string): Promise<Float32Array>;
}

const readers: CheckpointReader[] = [];

async function openCheckpoint(input: string): Promise<Checkpoint> {
  const reader = await CheckpointReader.open(input);
  readers.push(reader);
  const description = await describeCheckpoint(reader);
  return {
    description,
    async weight(canonical) {
      const entry = description.canonical.get(canonical);
      assert.ok(entry, `${input}: no ${canonical} among ${[...description.canonical.keys()].join(', ')}`);
      return Float32Array.from((await reader.read(entry.key)).values as ArrayLike<number>);
    },
  };
}

/** Our reader finds the task's head among what the run wrote. */
function assertHead(description: CheckpointDescription, head: HeadName): void {
  const unclassified = [...description.keys.values()]
    .filter((k) => k.kind === 'other')
    .map((k) => `${k.key} (${description.fullNames.get(k.key) ?? ''})`);
  assert.ok(
    description.headsPresent.includes(head),
    `our reader finds the ${head} head; heads ${description.headsPresent.join(', ')}; unclassified: ${unclassified.join('; ')}`,
  );
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length, 'same shape');
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

/** The weight compared between the init checkpoint and the runs (it gets a gradient every step). */
const WEIGHT = 'layer_0/query/kernel';
/** A few Adam steps at lr 1e-3 move a weight by far less than this; a fresh draw (stddev 0.02) by far more. */
const NEAR = 0.01;

describe('launch: generated commands run in the real trainer', function () {
  let python: string;
  let inputs: Inputs;
  let work: string;
  const runs: string[] = [];

  before(function () {
    python = oraclePython(this);
    inputs = JSON.parse(
      runOracleScript(this, 'trainer_inputs.py', ['--out', path.join(artifactsDir, 'launch')]),
    ) as Inputs;
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-launch-e2e-'));
  });

  after(async function () {
    await Promise.all(readers.splice(0).map((r) => r.close()));
    if (work) fs.rmSync(work, { recursive: true, force: true });
    if (runs.length) process.stderr.write(runs.map((r) => `    ${r}\n`).join(''));
  });

  /** The shell command of `model-garden launch … --target shell` (installed package: module layout, no repo). */
  async function command(args: string[]): Promise<string> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await launch([...args, '--layout', 'module', '--target', 'shell'], {
      out: (t) => out.push(t),
      err: (t) => err.push(t),
      isTty: false,
    });
    assert.equal(code, 0, `launch exited ${code}: ${err.join('\n')}`);
    assert.deepEqual(
      err.filter((e) => e.startsWith('error')),
      [],
    );
    return out.join('\n');
  }

  /** Runs a command line in bash with the oracle venv's python3 first on PATH; returns the log. */
  function train(label: string, line: string): string {
    assert.ok(line.startsWith('python3 -m official.nlp.train '), line);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PATH: `${path.dirname(python)}${path.delimiter}${process.env.PATH ?? ''}`,
      CUDA_VISIBLE_DEVICES: '',
    };
    // No start-up file may put another python3 first on PATH again: BASH_ENV, or ~/.bashrc, which
    // bash reads when its stdin is a socket (Node's stdio pipes are socket pairs).
    delete env.BASH_ENV;
    const started = Date.now();
    const result = spawnSync('bash', ['-c', line], {
      cwd: work,
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
      maxBuffer: 1 << 28,
      timeout: 30 * 60_000,
      env,
    });
    const log = `${result.stdout}\n${result.stderr}`;
    runs.push(`trainer run ${label}: exit ${result.status}, ${((Date.now() - started) / 1000).toFixed(0)} s`);
    assert.equal(result.status, 0, `${label} exited ${result.status}:\n${log.slice(-6000)}`);
    return log;
  }

  function modelDir(name: string): string {
    return path.join(work, name);
  }

  /** The run restored `prefix` (trainer log) and its weight starts from the init weight, then moved. */
  async function assertRestored(log: string, prefix: string, dir: string, init: Checkpoint) {
    assert.ok(
      log.includes(`Finished loading pretrained checkpoint from ${prefix}`),
      'the trainer logs the restore of the init checkpoint',
    );
    const written = await openCheckpoint(dir);
    const diff = maxAbsDiff(await written.weight(WEIGHT), await init.weight(WEIGHT));
    assert.ok(diff > 0, 'training moved the weight');
    assert.ok(diff < NEAR, `the weight starts from the init checkpoint (max |Δ| ${diff})`);
    return written;
  }

  const sentenceData = () => [
    '--config-file',
    inputs.config_file,
    '--train-data',
    inputs.sentence_train,
    '--eval-data',
    inputs.sentence_eval,
    '--num-classes',
    '3',
  ];

  it('bert/sentence_prediction from a checkpoint, train_and_eval; a fresh run differs', async function () {
    const dir = modelDir('sentence-ckpt');
    const base = [
      '--checkpoint',
      inputs.bert_checkpoint,
      '--source',
      'checkpoint',
      '--experiment',
      'bert/sentence_prediction',
      ...sentenceData(),
    ];
    const line = await command([...base, '--mode', 'train_and_eval', '--model-dir', dir]);
    assert.ok(line.includes(`task.init_checkpoint=${inputs.bert_checkpoint}`), line);
    const log = train('bert/sentence_prediction checkpoint train_and_eval', line);
    const init = await openCheckpoint(inputs.bert_checkpoint);
    const written = await assertRestored(log, inputs.bert_checkpoint, dir, init);
    assert.equal(written.description.step, 3);
    assertHead(written.description, 'classifier');
    assert.ok(fs.existsSync(path.join(dir, 'validation')), 'the eval ran (validation summaries)');
    // The trainer's own event files (train/, validation/): our reader, the Training Runs view and
    // `model-garden scalars` equal TensorFlow's summary_iterator and TensorBoard, to the bit.
    const events = JSON.parse(runOracleScript(this, 'write_events.py', ['--read', dir])) as PyOutput;
    const { points } = await compareWithTensorFlow(dir, events);
    assert.ok(points > 0, `${dir}: the trainer wrote no scalars`);

    // The same command without an init checkpoint: the encoder starts from a fresh draw.
    const freshDir = modelDir('sentence-fresh');
    const fresh = await command([
      ...base,
      '--mode',
      'train',
      '--model-dir',
      freshDir,
      '--override',
      "task.init_checkpoint=''",
    ]);
    const freshLog = train('bert/sentence_prediction fresh (no init checkpoint) train', fresh);
    assert.ok(!freshLog.includes('Finished loading pretrained checkpoint'));
    const freshWeight = await (await openCheckpoint(freshDir)).weight(WEIGHT);
    assert.ok(maxAbsDiff(freshWeight, await init.weight(WEIGHT)) > NEAR, 'fresh run differs from init');
    assert.ok(maxAbsDiff(freshWeight, await written.weight(WEIGHT)) > NEAR, 'fresh run differs from the run');
  });

  it('bert/sentence_prediction from TF-Hub (a local SavedModel), train_and_eval', async function () {
    const dir = modelDir('sentence-hub');
    const line = await command([
      '--hub',
      inputs.hub,
      '--source',
      'hub',
      '--experiment',
      'bert/sentence_prediction',
      '--mode',
      'train_and_eval',
      '--model-dir',
      dir,
      ...sentenceData(),
    ]);
    assert.ok(line.includes(`task.hub_module_url=${inputs.hub}`), line);
    assert.ok(!line.includes('init_checkpoint'), line);
    train('bert/sentence_prediction hub train_and_eval', line);
    const written = await openCheckpoint(dir);
    const hub = await openCheckpoint(inputs.hub);
    const init = await openCheckpoint(inputs.bert_checkpoint);
    assert.equal(written.description.step, 3);
    assertHead(written.description, 'classifier');
    // The SavedModel holds the init checkpoint's weights; the run starts from them.
    assert.equal(maxAbsDiff(await hub.weight(WEIGHT), await init.weight(WEIGHT)), 0);
    const diff = maxAbsDiff(await written.weight(WEIGHT), await hub.weight(WEIGHT));
    assert.ok(diff > 0 && diff < NEAR, `starts from the SavedModel's weights (max |Δ| ${diff})`);
  });

  it('bert/squad from a checkpoint, train', async function () {
    const dir = modelDir('squad');
    const line = await command([
      '--checkpoint',
      inputs.bert_checkpoint,
      '--source',
      'checkpoint',
      '--experiment',
      'bert/squad',
      '--mode',
      'train',
      '--model-dir',
      dir,
      '--config-file',
      inputs.config_file,
      '--train-data',
      inputs.squad_train,
    ]);
    const log = train('bert/squad checkpoint train', line);
    const written = await assertRestored(
      log,
      inputs.bert_checkpoint,
      dir,
      await openCheckpoint(inputs.bert_checkpoint),
    );
    assert.equal(written.description.step, 3);
    assertHead(written.description, 'span');
  });

  it('bert/tagging from a checkpoint, train', async function () {
    const dir = modelDir('tagging');
    const line = await command([
      '--checkpoint',
      inputs.bert_checkpoint,
      '--source',
      'checkpoint',
      '--experiment',
      'bert/tagging',
      '--mode',
      'train',
      '--model-dir',
      dir,
      '--config-file',
      inputs.config_file,
      '--train-data',
      inputs.tagging_train,
      '--class-names',
      'O,B,I',
    ]);
    const log = train('bert/tagging checkpoint train', line);
    const written = await assertRestored(
      log,
      inputs.bert_checkpoint,
      dir,
      await openCheckpoint(inputs.bert_checkpoint),
    );
    assert.equal(written.description.step, 3);
    assertHead(written.description, 'tagging');
  });

  it('ALBERT (albert encoder from albert_config.json) from a checkpoint, bert/sentence_prediction train', async function () {
    const dir = modelDir('albert');
    const line = await command([
      '--checkpoint',
      inputs.albert_checkpoint,
      '--source',
      'checkpoint',
      '--experiment',
      'bert/sentence_prediction',
      '--mode',
      'train',
      '--model-dir',
      dir,
      ...sentenceData(),
    ]);
    assert.ok(line.includes('task.model.encoder.type=albert'), line);
    const log = train('ALBERT bert/sentence_prediction checkpoint train', line);
    const init = await openCheckpoint(inputs.albert_checkpoint);
    const written = await assertRestored(log, inputs.albert_checkpoint, dir, init);
    assert.equal(written.description.step, 3);
    // ALBERT: the factorised embedding projection and one shared transformer block.
    assert.ok(written.description.canonical.has('embeddings/projection/kernel'), 'embedding projection');
    assert.ok(!written.description.canonical.has('layer_1/query/kernel'), 'one shared block');
    assertHead(written.description, 'classifier');
  });
});
