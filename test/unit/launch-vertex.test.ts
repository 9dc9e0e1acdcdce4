// The Vertex AI CustomJob spec: the documented CustomJobSpec shape (workerPoolSpecs[].machineSpec
// {machineType, acceleratorType, acceleratorCount}, replicaCount, containerSpec{imageUri, command,
// args, env}), a prebuilt TensorFlow training image with the tf-models-official made for that image's
// TensorFlow installed before `python -m official.nlp.train`, and machine specs that exist. The container command is run here
// with stand-ins for pip and python3 to show the trainer gets exactly our flags.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { requireModel } from '../../src/core/catalog';
import {
  buildSpec,
  specArgs,
  TF_MODELS_OFFICIAL_VERSION,
  toVertexCustomJob,
  VERTEX_IMAGES,
  type BuildOptions,
  type VertexWorkerPoolSpec,
} from '../../src/core/launch';
import { repoRoot } from '../fixtures';

/** Fields of the documented CustomJobSpec.workerPoolSpecs[] (REST reference, v1). */
const POOL_FIELDS = [
  'machineSpec',
  'replicaCount',
  'containerSpec',
  'pythonPackageSpec',
  'diskSpec',
  'nfsMounts',
];
const MACHINE_FIELDS = [
  'machineType',
  'acceleratorType',
  'acceleratorCount',
  'tpuTopology',
  'reservationAffinity',
];
const CONTAINER_FIELDS = ['imageUri', 'command', 'args', 'env'];
/** AcceleratorType values the defaults may use, and the machine types they attach to. */
const ACCELERATORS: Record<string, RegExp> = {
  NVIDIA_TESLA_V100: /^n1-/,
  NVIDIA_TESLA_T4: /^n1-/,
  TPU_V2: /^cloud-tpu$/,
  TPU_V3: /^cloud-tpu$/,
};
/** The documented URI form of the prebuilt TensorFlow training images (tf-tpu ones end in .cp310). */
const PREBUILT_TF =
  /^(us|europe|asia)-docker\.pkg\.dev\/vertex-ai\/training\/tf-(cpu|gpu)\.2-(\d+)\.py3\d+:latest$|^(us|europe|asia)-docker\.pkg\.dev\/vertex-ai\/training\/tf-tpu\.2-(\d+)\.cp3\d+:latest$/;

const base: BuildOptions = {
  model: requireModel('bert_en_uncased_L-12_H-768_A-12'),
  source: 'checkpoint',
  checkpoint: 'gs://bucket/bert/bert_model.ckpt',
  experiment: 'bert/squad',
  mode: 'train',
  modelDir: 'gs://bucket/run',
  trainData: 'gs://bucket/train.tf_record',
  repository: { layout: 'module' },
};

function pools(options: Partial<BuildOptions>, replicaCount = 1): VertexWorkerPoolSpec[] {
  const spec = buildSpec({ ...base, ...options }).spec;
  const text = toVertexCustomJob(spec, { replicaCount });
  assert.match(
    text.split('\n')[0],
    /^# gcloud ai custom-jobs create --region=REGION --display-name=\S+ --config=/,
  );
  return (parseYaml(text) as { workerPoolSpecs: VertexWorkerPoolSpec[] }).workerPoolSpecs;
}

function checkShape(pool: VertexWorkerPoolSpec): void {
  for (const key of Object.keys(pool)) assert.ok(POOL_FIELDS.includes(key), `workerPoolSpecs[].${key}`);
  for (const key of Object.keys(pool.machineSpec))
    assert.ok(MACHINE_FIELDS.includes(key), `machineSpec.${key}`);
  for (const key of Object.keys(pool.containerSpec))
    assert.ok(CONTAINER_FIELDS.includes(key), `containerSpec.${key}`);
  assert.equal(typeof pool.machineSpec.machineType, 'string');
  assert.ok(Number.isInteger(pool.replicaCount) && pool.replicaCount >= 1);
  const image = PREBUILT_TF.exec(pool.containerSpec.imageUri);
  assert.ok(image, pool.containerSpec.imageUri);
  // tf-models-official X.Y.* requires tensorflow~=X.Y.0: the release installed must be the image's TensorFlow's.
  const imageMinor = image[3] ?? image[5];
  const installed = /tf-models-official==2\.(\d+)\.\d+/.exec(pool.containerSpec.command.join(' '));
  assert.ok(installed, pool.containerSpec.command.join(' '));
  assert.equal(installed[1], imageMinor, 'tf-models-official for the TensorFlow of the image');
  assert.ok(pool.containerSpec.command.every((c) => typeof c === 'string'));
  assert.ok(pool.containerSpec.args.every((c) => typeof c === 'string'));
  const { acceleratorType, acceleratorCount } = pool.machineSpec;
  assert.equal(acceleratorType === undefined, acceleratorCount === undefined, 'type and count together');
  if (acceleratorType) {
    assert.ok(ACCELERATORS[acceleratorType], `known accelerator ${acceleratorType}`);
    assert.match(pool.machineSpec.machineType, ACCELERATORS[acceleratorType]);
    assert.ok(Number.isInteger(acceleratorCount) && acceleratorCount! > 0);
  }
}

describe('launch: Vertex AI CustomJob', () => {
  it('CPU, GPU, TPU and several machines follow the documented CustomJobSpec shape', () => {
    const cpu = pools({});
    checkShape(cpu[0]);
    assert.equal(cpu[0].machineSpec.acceleratorType, undefined);
    assert.match(cpu[0].containerSpec.imageUri, /tf-cpu/);
    const gpu = pools({ distribution: { kind: 'gpu', count: 2 } });
    checkShape(gpu[0]);
    assert.deepEqual(gpu[0].machineSpec, {
      machineType: 'n1-standard-8',
      acceleratorType: 'NVIDIA_TESLA_V100',
      acceleratorCount: 2,
    });
    assert.match(gpu[0].containerSpec.imageUri, /tf-gpu/);
    const tpu = pools({ distribution: { kind: 'tpu', name: 'my-tpu' } });
    checkShape(tpu[0]);
    assert.deepEqual(tpu[0].machineSpec, {
      machineType: 'cloud-tpu',
      acceleratorType: 'TPU_V3',
      acceleratorCount: 8,
    });
    assert.match(tpu[0].containerSpec.imageUri, /tf-tpu/);
    assert.ok(tpu[0].containerSpec.args.includes('--tpu=my-tpu'), 'the TPU given, not "local"');
    const multi = pools({ distribution: { kind: 'multi-worker', workers: 3, gpusPerWorker: 1 } }, 3);
    multi.forEach(checkShape);
    assert.deepEqual(
      multi.map((p) => p.replicaCount),
      [1, 2],
    );
  });

  it('the YAML says which tf-models-official the image gets and why', () => {
    const spec = buildSpec(base).spec;
    const text = toVertexCustomJob(spec);
    assert.match(
      text.split('\n')[1],
      new RegExp(
        `^# The newest prebuilt Vertex AI training image has TensorFlow ${VERTEX_IMAGES.cpu.tensorflow.replace('.', '\\.')}, ` +
          `so the job installs tf-models-official==${VERTEX_IMAGES.cpu.tfModelsOfficial.replace(/\./g, '\\.')} `,
      ),
    );
    // A custom image gets the pinned release (what the extension is checked against), without the note.
    const custom = toVertexCustomJob(spec, { imageUri: 'us-docker.pkg.dev/p/r/mine:1' });
    assert.match(
      custom,
      new RegExp(`tf-models-official==${TF_MODELS_OFFICIAL_VERSION.replace(/\./g, '\\.')}`),
    );
    assert.doesNotMatch(custom, /newest prebuilt/);
  });

  it('installs the tf-models-official of the image, then hands our flags to official.nlp.train unchanged', () => {
    const pinned = /^tf-models-official==(.+)$/m.exec(
      fs.readFileSync(path.join(repoRoot, 'test', 'oracle', 'requirements.txt'), 'utf8'),
    )![1];
    assert.equal(TF_MODELS_OFFICIAL_VERSION, pinned);
    const spec = buildSpec({
      ...base,
      extraOverrides: [{ key: 'task.train_data.input_path', value: "gs://b/it's,x" }],
    }).spec;
    const [pool] = pools({ extraOverrides: [{ key: 'task.train_data.input_path', value: "gs://b/it's,x" }] });
    // Stand-ins record what the container would run.
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-vertex-'));
    try {
      const log = path.join(bin, 'log.jsonl');
      for (const name of ['pip', 'python3']) {
        const file = path.join(bin, name);
        fs.writeFileSync(
          file,
          `#!/usr/bin/env node\nrequire('fs').appendFileSync(${JSON.stringify(log)}, JSON.stringify([${JSON.stringify(name)}, ...process.argv.slice(2)]) + '\\n');\n`,
        );
        fs.chmodSync(file, 0o755);
      }
      const [command, ...rest] = pool.containerSpec.command;
      const run = spawnSync(command, [...rest, ...pool.containerSpec.args], {
        env: { ...process.env, PATH: `${bin}${path.delimiter}${path.dirname(process.execPath)}` },
        stdio: ['ignore', 'pipe', 'pipe'],
        encoding: 'utf8',
      });
      assert.equal(run.status, 0, run.stderr);
      const calls = fs
        .readFileSync(log, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as string[]);
      assert.deepEqual(calls[0], [
        'pip',
        'install',
        '--quiet',
        `tf-models-official==${VERTEX_IMAGES.cpu.tfModelsOfficial}`,
      ]);
      assert.deepEqual(calls[1], ['python3', '-m', 'official.nlp.train', ...specArgs(spec)]);
    } finally {
      fs.rmSync(bin, { recursive: true, force: true });
    }
  });

  it('no shipped YAML in the job (the container has the package only)', () => {
    const [pool] = pools({ repository: { layout: 'module' } });
    assert.ok(!pool.containerSpec.args.some((a) => a.startsWith('--config_file=')));
  });
});
