import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { CATALOG, requireModel, type CatalogModel } from '../../src/core/catalog';
import {
  availableSources,
  buildSpec,
  encoderFromConfigJson,
  FINE_TUNING_EXPERIMENTS,
  LaunchBuildError,
  parseFlags,
  parseOverrides,
  overridesToObject,
  specArgs,
  specArgv,
  toLaunchConfiguration,
  toShellTask,
  toVertexCustomJob,
  validateArgs,
  type Source,
} from '../../src/core/launch';
import { fixture } from '../fixtures';

/**
 * Encoder sizes and casing as MODEL_GARDEN.md §1 states them (L/H/A, FFN, embedding, vocab), typed
 * here from the reference, not from the catalog module. `null` heads: the sources disagree.
 */
const REFERENCE: Record<
  string,
  {
    L: number;
    H: number;
    A: number | null;
    ffn: number;
    emb: number;
    vocab: number;
    lower: boolean;
    yaml?: string;
  }
> = {
  'bert_en_uncased_L-12_H-768_A-12': {
    L: 12,
    H: 768,
    A: 12,
    ffn: 3072,
    emb: 768,
    vocab: 30522,
    lower: true,
    yaml: 'configs/models/bert_en_uncased_base.yaml',
  },
  'bert_en_cased_L-12_H-768_A-12': { L: 12, H: 768, A: 12, ffn: 3072, emb: 768, vocab: 28996, lower: false },
  'bert_en_uncased_L-24_H-1024_A-16': {
    L: 24,
    H: 1024,
    A: 16,
    ffn: 4096,
    emb: 1024,
    vocab: 30522,
    lower: true,
  },
  'bert_en_cased_L-24_H-1024_A-16': {
    L: 24,
    H: 1024,
    A: 16,
    ffn: 4096,
    emb: 1024,
    vocab: 28996,
    lower: false,
  },
  'bert_en_wwm_uncased_L-24_H-1024_A-16': {
    L: 24,
    H: 1024,
    A: 16,
    ffn: 4096,
    emb: 1024,
    vocab: 30522,
    lower: true,
  },
  'bert_en_wwm_cased_L-24_H-1024_A-16': {
    L: 24,
    H: 1024,
    A: 16,
    ffn: 4096,
    emb: 1024,
    vocab: 28996,
    lower: false,
  },
  'bert_multi_cased_L-12_H-768_A-12': {
    L: 12,
    H: 768,
    A: 12,
    ffn: 3072,
    emb: 768,
    vocab: 119547,
    lower: false,
  },
  'bert_zh_L-12_H-768_A-12': { L: 12, H: 768, A: 12, ffn: 3072, emb: 768, vocab: 21128, lower: true },
  albert_en_base: {
    L: 12,
    H: 768,
    A: 12,
    ffn: 3072,
    emb: 128,
    vocab: 30000,
    lower: true,
    yaml: 'configs/models/albert_base.yaml',
  },
  albert_en_large: { L: 24, H: 1024, A: 16, ffn: 4096, emb: 128, vocab: 30000, lower: true },
  albert_en_xlarge: { L: 24, H: 2048, A: 32, ffn: 8192, emb: 128, vocab: 30000, lower: true },
  albert_en_xxlarge: { L: 12, H: 4096, A: 64, ffn: 16384, emb: 128, vocab: 30000, lower: true },
  electra_small: { L: 12, H: 256, A: 4, ffn: 1024, emb: 128, vocab: 30522, lower: true },
  electra_base: { L: 12, H: 768, A: 12, ffn: 3072, emb: 768, vocab: 30522, lower: true },
};
const HUB_ONLY = [
  'talkheads_ggelu_bert_en_base',
  'talkheads_ggelu_bert_en_large',
  'lambert_en_uncased_L-24_H-1024_A-16',
];
const EXPERIMENT_YAML: Record<string, string | undefined> = {
  'bert/sentence_prediction': 'configs/experiments/glue_mnli_matched.yaml',
  'bert/sentence_prediction_text': 'configs/experiments/glue_mnli_text.yaml',
  'bert/squad': 'configs/experiments/squad_v1.yaml',
  'bert/tagging': undefined,
};

function overridesOf(args: string[]): Record<string, unknown> {
  const flags = parseFlags(args).filter((f) => f.name === 'params_override');
  assert.equal(flags.length, 1, 'exactly one --params_override');
  const parsed = parseOverrides(flags[0].value!);
  assert.equal(parsed.error, undefined);
  return overridesToObject(parsed.pairs);
}

function configFiles(args: string[]): string[] {
  return parseFlags(args)
    .filter((f) => f.name === 'config_file')
    .map((f) => f.value!);
}

describe('launch: builders', () => {
  it('covers the four fine-tuning experiments', () => {
    assert.deepEqual([...FINE_TUNING_EXPERIMENTS].sort(), Object.keys(EXPERIMENT_YAML).sort());
  });

  it('offers hub-only models only with hub and ELECTRA only with a checkpoint', () => {
    for (const id of HUB_ONLY) assert.deepEqual(availableSources(requireModel(id)), ['hub']);
    assert.deepEqual(availableSources(requireModel('electra_small')), ['checkpoint']);
    assert.deepEqual(availableSources(requireModel('bert_en_uncased_L-12_H-768_A-12')), [
      'checkpoint',
      'hub',
    ]);
  });

  describe('golden: every catalog model × source × fine-tuning experiment', () => {
    const cases: [CatalogModel, Source, string][] = [];
    for (const model of CATALOG) {
      for (const source of availableSources(model))
        for (const experiment of FINE_TUNING_EXPERIMENTS) cases.push([model, source, experiment]);
    }
    it('has a case for each of the 17 models', () => {
      assert.equal(new Set(cases.map(([m]) => m.id)).size, 17);
      assert.equal(cases.length, (8 * 2 + 3 + 4 * 2 + 2) * 4);
    });
    for (const [model, source, experiment] of cases) {
      it(`${model.id} · ${source} · ${experiment}`, () => {
        const { spec, problems } = buildSpec({
          model,
          source,
          experiment,
          mode: 'train_and_eval',
          modelDir: '/tmp/out',
          trainData: '/data/train.tf_record',
          evalData: '/data/eval.tf_record',
          vocabFile:
            experiment === 'bert/squad' || experiment === 'bert/sentence_prediction_text'
              ? '/data/vocab.txt'
              : undefined,
          classNames: experiment === 'bert/tagging' ? ['O', 'B-PER', 'I-PER'] : undefined,
          distribution: { kind: 'gpu', count: 2 },
        });
        const argv = specArgv(spec);
        assert.deepEqual(argv.slice(0, 5), [
          'python3',
          'train.py',
          `--experiment=${experiment}`,
          '--mode=train_and_eval',
          '--model_dir=/tmp/out',
        ]);
        const o = overridesOf(argv.slice(2));
        const ref = REFERENCE[model.id];
        const files = configFiles(argv);
        const expectedFiles = [
          ...(ref?.yaml && (source === 'checkpoint' || source === 'hub') ? [ref.yaml] : []),
          ...(EXPERIMENT_YAML[experiment] ? [EXPERIMENT_YAML[experiment]!] : []),
        ];
        assert.deepEqual(files, expectedFiles);
        assert.equal(o['runtime.distribution_strategy'], 'mirrored');
        assert.equal(o['runtime.num_gpus'], 2);
        assert.equal(o['task.train_data.input_path'], '/data/train.tf_record');
        assert.equal(o['task.validation_data.input_path'], '/data/eval.tf_record');
        if (source === 'hub') {
          assert.equal(o['task.hub_module_url'], model.hubUrl);
          assert.ok(!('task.init_checkpoint' in o));
          assert.ok(
            !Object.keys(o).some((k) => k.startsWith('task.model.encoder')),
            'the encoder comes from the hub module',
          );
        } else {
          assert.ok(!('task.hub_module_url' in o));
          assert.equal(typeof o['task.init_checkpoint'], 'string');
          assert.ok(!/\.(index|data-\d+-of-\d+)$/.test(o['task.init_checkpoint'] as string));
          if (ref.yaml) {
            assert.ok(
              !Object.keys(o).some((k) => k.startsWith('task.model.encoder')),
              'the model YAML sets the encoder',
            );
          } else {
            const type = model.family === 'albert' ? 'albert' : 'bert';
            const e = `task.model.encoder.${type}.`;
            assert.equal(o['task.model.encoder.type'], type);
            assert.equal(o[e + 'num_layers'], ref.L);
            assert.equal(o[e + 'hidden_size'], ref.H);
            assert.equal(o[e + 'intermediate_size'], ref.ffn);
            assert.equal(o[e + 'vocab_size'], ref.vocab);
            assert.equal(o[e + 'max_position_embeddings'], 512);
            assert.equal(o[e + 'type_vocab_size'], 2);
            if (ref.A === null) {
              assert.ok(!(e + 'num_attention_heads' in o), 'no guess for unknown heads');
              assert.ok(problems.some((p) => p.code === 'encoder-heads-unknown'));
            } else assert.equal(o[e + 'num_attention_heads'], ref.A);
            if (type === 'albert') assert.equal(o[e + 'embedding_width'], ref.emb);
            else if (ref.emb !== ref.H) assert.equal(o[e + 'embedding_size'], ref.emb);
            else assert.ok(!(e + 'embedding_size' in o));
          }
        }
        const lower = ref?.lower ?? true;
        if (experiment === 'bert/squad') {
          assert.equal(o['task.validation_data.vocab_file'], '/data/vocab.txt');
          // squad_v1.yaml sets do_lower_case: true; cased models must turn it off.
          assert.equal(o['task.validation_data.do_lower_case'], lower ? undefined : false);
        }
        if (experiment === 'bert/sentence_prediction_text') {
          assert.equal(o['task.train_data.lower_case'], lower ? undefined : false);
        }
        if (experiment === 'bert/tagging') assert.deepEqual(o['task.class_names'], ['O', 'B-PER', 'I-PER']);
        const errors = validateArgs(specArgs(spec), { probe: null, modelId: model.id }).filter(
          (p) => p.severity === 'error',
        );
        assert.deepEqual(errors, []);
      });
    }
  });

  it('refuses a hub-only model from a checkpoint and a hub source for a model without one', () => {
    for (const id of HUB_ONLY) {
      assert.throws(
        () =>
          buildSpec({
            model: requireModel(id),
            source: 'checkpoint',
            experiment: 'bert/squad',
            mode: 'train',
            modelDir: 'o',
          }),
        (e: unknown) => e instanceof LaunchBuildError && e.code === 'hub-only-with-checkpoint',
      );
    }
    assert.throws(
      () =>
        buildSpec({
          model: requireModel('electra_base'),
          source: 'hub',
          experiment: 'bert/squad',
          mode: 'train',
          modelDir: 'o',
        }),
      (e: unknown) => e instanceof LaunchBuildError && e.code === 'no-hub-handle',
    );
  });

  describe("the Model Garden's documented commands", () => {
    const uncased = requireModel('bert_en_uncased_L-12_H-768_A-12');

    it('train.md local example (with its optional hub line)', () => {
      const documented = [
        '--experiment=bert/sentence_prediction',
        '--mode=train',
        '--model_dir=/a-folder-to-hold-checkpoints-and-logs/',
        '--config_file=configs/models/bert_en_uncased_base.yaml',
        '--config_file=configs/experiments/glue_mnli_matched.yaml',
        '--params_override=runtime.distribution_strategy=mirrored,task.train_data.input_path=/path-to-your-training-data/,task.hub_module_url=https://tfhub.dev/tensorflow/bert_en_uncased_L-12_H-768_A-12/4',
      ];
      const { spec } = buildSpec({
        model: uncased,
        source: 'hub',
        experiment: 'bert/sentence_prediction',
        mode: 'train',
        modelDir: '/a-folder-to-hold-checkpoints-and-logs/',
        trainData: '/path-to-your-training-data/',
        distribution: { kind: 'gpu', count: 1 },
      });
      const args = specArgs(spec);
      assert.deepEqual(args.slice(0, -1), documented.slice(0, -1));
      // Same overrides; we also set runtime.num_gpus, which the doc leaves at 0 (= CPU).
      assert.deepEqual(overridesOf(args), { ...overridesOf(documented), 'runtime.num_gpus': 1 });
    });

    it('train.md MNLI on TPU with a hub module (flag order included)', () => {
      const documented = [
        '--experiment=bert/sentence_prediction',
        '--mode=train_and_eval',
        '--model_dir=OUT',
        '--config_file=configs/models/bert_en_uncased_base.yaml',
        '--config_file=configs/experiments/glue_mnli_matched.yaml',
        '--tfhub_cache_dir=OUT/hub_cache',
        '--tpu=TPU_NAME',
        '--params_override=task.train_data.input_path=IN/mnli_train.tf_record,task.validation_data.input_path=IN/mnli_eval.tf_record,task.hub_module_url=https://tfhub.dev/tensorflow/bert_en_uncased_L-12_H-768_A-12/3,runtime.distribution_strategy=tpu',
      ];
      const { spec } = buildSpec({
        model: uncased,
        source: 'hub',
        hubHandle: 'https://tfhub.dev/tensorflow/bert_en_uncased_L-12_H-768_A-12/3',
        experiment: 'bert/sentence_prediction',
        mode: 'train_and_eval',
        modelDir: 'OUT',
        trainData: 'IN/mnli_train.tf_record',
        evalData: 'IN/mnli_eval.tf_record',
        distribution: { kind: 'tpu', name: 'TPU_NAME' },
      });
      const args = specArgs(spec);
      assert.deepEqual(args.slice(0, -1), documented.slice(0, -1));
      assert.deepEqual(overridesOf(args), overridesOf(documented));
    });

    it('train.md SQuAD v1.1 from a checkpoint (with the real squad_v1.yaml name)', () => {
      const documentedOverrides = overridesOf([
        '--params_override=task.train_data.input_path=IN/train.tf_record,task.validation_data.input_path=SQUAD_DIR/dev-v1.1.json,task.validation_data.vocab_file=BERT_DIR/vocab.txt,task.init_checkpoint=BERT_DIR/bert_model.ckpt,runtime.distribution_strategy=tpu',
      ]);
      const { spec } = buildSpec({
        model: uncased,
        source: 'checkpoint',
        checkpoint: 'BERT_DIR/bert_model.ckpt',
        experiment: 'bert/squad',
        mode: 'train_and_eval',
        modelDir: 'OUT',
        trainData: 'IN/train.tf_record',
        evalData: 'SQUAD_DIR/dev-v1.1.json',
        vocabFile: 'BERT_DIR/vocab.txt',
        distribution: { kind: 'tpu', name: 'TPU_NAME' },
      });
      const args = specArgs(spec);
      assert.deepEqual(configFiles(args), [
        'configs/models/bert_en_uncased_base.yaml',
        'configs/experiments/squad_v1.yaml',
      ]);
      assert.ok(args.includes('--tpu=TPU_NAME'));
      assert.deepEqual(overridesOf(args), documentedOverrides);
    });

    it('MODEL_GARDEN.md MNLI with checkpoint init uses the documented gs:// prefix by default', () => {
      const { spec, problems } = buildSpec({
        model: uncased,
        source: 'checkpoint',
        experiment: 'bert/sentence_prediction',
        mode: 'train',
        modelDir: 'o',
      });
      assert.equal(
        overridesOf(specArgs(spec))['task.init_checkpoint'],
        'gs://tf_model_garden/nlp/bert/uncased_L-12_H-768_A-12/bert_model.ckpt',
      );
      assert.ok(!problems.some((p) => p.code === 'checkpoint-path-unset'));
      const other = buildSpec({
        model: requireModel('bert_en_cased_L-12_H-768_A-12'),
        source: 'checkpoint',
        experiment: 'bert/squad',
        mode: 'train',
        modelDir: 'o',
      });
      assert.ok(
        other.problems.some((p) => p.code === 'checkpoint-path-unset'),
        'unverified paths are flagged, not invented',
      );
    });

    it('MODEL_GARDEN.md ALBERT-base SQuAD from TF-Hub', () => {
      const { spec } = buildSpec({
        model: requireModel('albert_en_base'),
        source: 'hub',
        experiment: 'bert/squad',
        mode: 'train',
        modelDir: 'o',
      });
      const args = specArgs(spec);
      assert.deepEqual(
        new Set(configFiles(args)),
        new Set(['configs/experiments/squad_v1.yaml', 'configs/models/albert_base.yaml']),
      );
      assert.equal(overridesOf(args)['task.hub_module_url'], 'https://tfhub.dev/tensorflow/albert_en_base/3');
    });
  });

  it('a local checkpoint takes its encoder from bert_config.json (fixture)', function () {
    const dir = fixture(this, 'kerasbert_tiny_bert_tf1');
    const encoder = encoderFromConfigJson(
      JSON.parse(fs.readFileSync(`${dir}/bert_config.json`, 'utf8')) as Record<string, unknown>,
    );
    const { spec } = buildSpec({
      model: { kind: 'local', path: `${dir}/bert_model.ckpt`, encoder },
      source: 'checkpoint',
      experiment: 'bert/sentence_prediction',
      mode: 'train',
      modelDir: 'o',
    });
    const o = overridesOf(specArgs(spec));
    // PROVENANCE.md: hidden 4, 2 layers, 4 heads, FFN 16, 16 positions, type vocab 2, vocab 15.
    assert.equal(o['task.model.encoder.type'], 'bert');
    assert.equal(o['task.model.encoder.bert.hidden_size'], 4);
    assert.equal(o['task.model.encoder.bert.num_layers'], 2);
    assert.equal(o['task.model.encoder.bert.num_attention_heads'], 4);
    assert.equal(o['task.model.encoder.bert.intermediate_size'], 16);
    assert.equal(o['task.model.encoder.bert.max_position_embeddings'], 16);
    assert.equal(o['task.model.encoder.bert.vocab_size'], 15);
    assert.equal(o['task.init_checkpoint'], `${dir}/bert_model.ckpt`);
    // glue_mnli_matched.yaml's seq_length 128 does not fit this model's 16 positions: the only error.
    assert.deepEqual(
      validateArgs(specArgs(spec))
        .filter((p) => p.severity === 'error')
        .map((p) => p.code),
      ['seq-length-exceeds-positions', 'seq-length-exceeds-positions'],
    );
  });

  it('passes --gin_file and --gin_params through in order', () => {
    const { spec } = buildSpec({
      model: requireModel('albert_en_base'),
      source: 'hub',
      experiment: 'bert/squad',
      mode: 'train',
      modelDir: 'o',
      ginFiles: ['a.gin', 'b.gin'],
      ginParams: ['x.y = 1'],
    });
    const flags = parseFlags(specArgs(spec)).filter((f) => f.name.startsWith('gin_'));
    assert.deepEqual(
      flags.map((f) => [f.name, f.value]),
      [
        ['gin_file', 'a.gin'],
        ['gin_file', 'b.gin'],
        ['gin_params', 'x.y = 1'],
      ],
    );
  });

  it('distributions: CPU, GPUs, TPU and multi-worker set the runtime as the trainer reads it', () => {
    const base = {
      model: requireModel('albert_en_base'),
      source: 'hub' as const,
      experiment: 'bert/squad',
      mode: 'train',
      modelDir: 'o',
    };
    const cpu = overridesOf(specArgs(buildSpec({ ...base, distribution: { kind: 'cpu' } }).spec));
    assert.equal(cpu['runtime.num_gpus'], 0);
    const tpu = buildSpec({ ...base, distribution: { kind: 'tpu', name: 'grpc://10.0.0.2:8470' } }).spec;
    assert.equal(tpu.tpu, 'grpc://10.0.0.2:8470');
    assert.equal(overridesOf(specArgs(tpu))['runtime.distribution_strategy'], 'tpu');
    const mw = overridesOf(
      specArgs(
        buildSpec({
          ...base,
          distribution: {
            kind: 'multi-worker',
            workers: 2,
            gpusPerWorker: 8,
            workerHosts: ['a:1', 'b:1'],
            taskIndex: 1,
          },
        }).spec,
      ),
    );
    assert.equal(mw['runtime.distribution_strategy'], 'multi_worker_mirrored');
    assert.equal(mw['runtime.worker_hosts'], 'a:1,b:1');
    assert.equal(mw['runtime.task_index'], 1);
  });
});

describe('launch: targets', () => {
  const { spec } = buildSpec({
    model: requireModel('bert_en_cased_L-24_H-1024_A-16'),
    source: 'checkpoint',
    checkpoint: '${workspaceFolder}/ckpt/bert_model.ckpt',
    experiment: 'bert/squad',
    mode: 'train_and_eval',
    modelDir: '${workspaceFolder}/out dir',
    trainData: 'a*,b*',
    distribution: { kind: 'gpu', count: 4 },
    repository: { layout: 'program', root: '${workspaceFolder}/models' },
  });

  it('launch.json: debugpy, one element per flag without shell quoting, PYTHONPATH at the repository root', () => {
    const config = toLaunchConfiguration(spec, 'Fine-tune');
    assert.equal(config.type, 'debugpy');
    assert.equal(config.request, 'launch');
    assert.equal(config.program, '${workspaceFolder}/models/official/nlp/train.py');
    assert.equal(config.cwd, '${workspaceFolder}/models/official/nlp');
    assert.deepEqual(config.env, { PYTHONPATH: '${workspaceFolder}/models' });
    assert.equal(config.justMyCode, false);
    assert.deepEqual(config.args, specArgs(spec));
    assert.ok(config.args.every((a) => a.startsWith('--')));
    assert.ok(
      config.args.includes('--model_dir=${workspaceFolder}/out dir'),
      'no shell quotes around a value with a space',
    );
  });

  it('module layout: `-m official.nlp.train` from the repository root', () => {
    const s = buildSpec({
      model: requireModel('albert_en_base'),
      source: 'hub',
      experiment: 'bert/squad',
      mode: 'train',
      modelDir: 'o',
      repository: { layout: 'module', root: '/repo' },
    }).spec;
    const config = toLaunchConfiguration(s, 'x');
    assert.equal(config.module, 'official.nlp.train');
    assert.equal(config.program, undefined);
    assert.equal(config.cwd, '/repo');
    assert.deepEqual(configFiles(config.args), [
      'official/nlp/configs/models/albert_base.yaml',
      'official/nlp/configs/experiments/squad_v1.yaml',
    ]);
  });

  it('tasks.json: a shell task whose command parses back to the argv', () => {
    const task = toShellTask(spec, 'Fine-tune');
    assert.equal(task.type, 'shell');
    assert.equal(task.options?.cwd, spec.cwd);
    assert.ok(
      task.command.includes("'--params_override="),
      'the override element is single-quoted for the shell',
    );
    assert.ok(task.windows.command.startsWith('python '));
  });

  it('Vertex AI: a CustomJobSpec whose container runs the trainer with the same flags', () => {
    const job = parseYaml(
      toVertexCustomJob(spec, {
        imageUri: 'us-docker.pkg.dev/p/r/tfm:1',
        replicaCount: 3,
        tfModelsOfficial: null,
      }),
    ) as {
      workerPoolSpecs: {
        machineSpec: { acceleratorCount: number };
        replicaCount: number;
        containerSpec: { args: string[]; command: string[] };
      }[];
    };
    assert.equal(job.workerPoolSpecs.length, 2);
    assert.equal(job.workerPoolSpecs[0].replicaCount, 1);
    assert.equal(job.workerPoolSpecs[1].replicaCount, 2);
    assert.equal(job.workerPoolSpecs[0].machineSpec.acceleratorCount, 4);
    assert.deepEqual(job.workerPoolSpecs[0].containerSpec.command, ['python3', '-m', 'official.nlp.train']);
    assert.deepEqual(overridesOf(job.workerPoolSpecs[0].containerSpec.args), overridesOf(specArgs(spec)));
    assert.deepEqual(configFiles(job.workerPoolSpecs[0].containerSpec.args), [
      'official/nlp/configs/experiments/squad_v1.yaml',
    ]);
  });
});
