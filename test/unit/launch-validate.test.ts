import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { requireModel } from '../../src/core/catalog';
import {
  buildSpec,
  cloudPathProblems,
  parseOverrides,
  PROBLEM_CODES,
  validateArgs,
  type ArgEdit,
  type Problem,
  type ProblemCode,
  type ValidationContext,
} from '../../src/core/launch';
import { fixture } from '../fixtures';

const HUB = 'https://tfhub.dev/tensorflow/bert_en_uncased_L-12_H-768_A-12/4';

function base(
  overrides = `task.hub_module_url=${HUB},task.train_data.input_path=gs://b/train.tf_record`,
): string[] {
  return [
    '--experiment=bert/sentence_prediction',
    '--mode=train',
    '--model_dir=/tmp/out',
    '--config_file=configs/experiments/glue_mnli_matched.yaml',
    `--params_override=${overrides}`,
  ];
}

function codes(problems: readonly Problem[]): ProblemCode[] {
  return problems.map((p) => p.code);
}

function applyEdits(args: readonly string[], edits: readonly ArgEdit[]): string[] {
  const next: (string | null)[] = [...args];
  for (const edit of edits) next[edit.arg] = edit.value;
  return next.filter((a): a is string => a !== null);
}

/** Validation without disk checks unless a test asks for them. */
function check(args: string[], context: ValidationContext = {}): Problem[] {
  return validateArgs(args, { probe: null, ...context });
}

describe('launch: validation rules', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-validate-'));
    fs.mkdirSync(path.join(dir, 'empty'));
    fs.mkdirSync(path.join(dir, 'ckpt'));
    fs.writeFileSync(path.join(dir, 'ckpt', 'bert_model.ckpt.index'), '');
    fs.writeFileSync(path.join(dir, 'ckpt', 'bert_model.ckpt.data-00000-of-00001'), '');
    fs.mkdirSync(path.join(dir, 'configs', 'experiments'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'configs', 'experiments', 'glue_mnli_matched.yaml'), 'task: {}\n');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('the base invocation is clean, also with disk checks', () => {
    assert.deepEqual(check(base()), []);
    assert.deepEqual(validateArgs(base(), { cwd: dir }), []);
  });

  it('every problem code has a severity', () => {
    for (const severity of Object.values(PROBLEM_CODES))
      assert.ok(['error', 'warning', 'info'].includes(severity));
  });

  for (const [flag, code] of [
    ['experiment', 'missing-experiment'],
    ['mode', 'missing-mode'],
    ['model_dir', 'missing-model-dir'],
  ] as const) {
    it(`${code}: fires without --${flag}, silent with it`, () => {
      const args = base().filter((a) => !a.startsWith(`--${flag}=`));
      const found = check(args).filter((p) => p.code === code);
      assert.equal(found.length, 1);
      assert.equal(found[0].severity, 'error');
      assert.ok(!codes(check(base())).includes(code));
    });
  }

  it('--flag value (two elements) counts as given', () => {
    assert.deepEqual(check(['--experiment', 'bert/squad', '--mode', 'train', '--model_dir', 'o']), []);
  });

  it('unknown-experiment / unknown-mode: fire on the value range, silent for registered names', () => {
    const args = base();
    args[0] = '--experiment=bert/sentence_predict';
    args[1] = '--mode=training';
    const problems = check(args);
    const experiment = problems.find((p) => p.code === 'unknown-experiment')!;
    assert.equal(experiment.arg, 0);
    assert.equal(args[0].slice(experiment.start, experiment.end), 'bert/sentence_predict');
    assert.ok(
      problems.some((p) => p.code === 'unknown-mode' && p.arg === 1 && /train_and_eval/.test(p.message)),
    );
    for (const mode of [
      'train',
      'eval',
      'train_and_eval',
      'continuous_eval',
      'continuous_train_and_eval',
      'train_and_post_eval',
    ]) {
      const ok = base();
      ok[1] = `--mode=${mode}`;
      assert.ok(!codes(check(ok)).includes('unknown-mode'));
    }
  });

  it('params-override-syntax: a bare comma fires with a quote fix that parses', () => {
    const args = base('task.train_data.input_path=a*,b*,runtime.num_gpus=1');
    const [found] = check(args).filter((p) => p.code === 'params-override-syntax');
    assert.ok(found);
    assert.equal(args[4].slice(found.start, found.start! + 2), 'b*');
    const fixed = applyEdits(args, found.fixes![0].edits);
    assert.equal(fixed[4], "--params_override=task.train_data.input_path='a*,b*',runtime.num_gpus=1");
    assert.deepEqual(check(fixed), []);
  });

  it('multiple-params-override: fires on the earlier one; the merge fix keeps every override', () => {
    const args = [...base('runtime.num_gpus=2'), `--params_override=task.hub_module_url=${HUB}`];
    const found = check(args).filter((p) => p.code === 'multiple-params-override');
    assert.equal(found.length, 1);
    assert.equal(found[0].arg, 4);
    const fixed = applyEdits(args, found[0].fixes![0].edits);
    assert.equal(fixed.filter((a) => a.startsWith('--params_override')).length, 1);
    assert.equal(fixed.at(-1), `--params_override=runtime.num_gpus=2,task.hub_module_url=${HUB}`);
    assert.ok(!codes(check(base())).includes('multiple-params-override'));
  });

  it('override-unknown-root: fires outside task./runtime./trainer., silent inside', () => {
    const problems = check(base(`task.hub_module_url=${HUB},model.num_layers=2,trainer.train_steps=10`));
    assert.deepEqual(codes(problems), ['override-unknown-root']);
    assert.match(problems[0].message, /KeyError/);
  });

  it('override-non-scalar: fires for a mapping, silent for scalars and flat lists', () => {
    assert.ok(
      codes(check(base(`task.hub_module_url=${HUB},task.model.encoder={type: bert}`))).includes(
        'override-non-scalar',
      ),
    );
    assert.ok(
      !codes(check(base(`task.hub_module_url=${HUB},task.class_names=[O,B]`))).includes(
        'override-non-scalar',
      ),
    );
  });

  it('override-needs-quotes: fires for a bare drive-letter path, its fix quotes it', () => {
    const args = base('task.init_checkpoint=C:\\m\\bert_model.ckpt');
    const found = check(args).find((p) => p.code === 'override-needs-quotes')!;
    assert.ok(found);
    const fixed = applyEdits(args, found.fixes![0].edits);
    assert.equal(fixed[4], "--params_override=task.init_checkpoint='C:\\m\\bert_model.ckpt'");
    assert.ok(!codes(check(fixed)).includes('override-needs-quotes'));
  });

  it('init-and-hub: fires when both are set; each fix drops one; silent when one is empty', () => {
    const args = base(
      `task.init_checkpoint=gs://b/bert_model.ckpt,task.hub_module_url=${HUB},runtime.num_gpus=1`,
    );
    const found = check(args).find((p) => p.code === 'init-and-hub')!;
    assert.ok(found);
    assert.equal(found.fixes!.length, 2);
    const dropInit = parseOverrides(
      applyEdits(args, found.fixes![0].edits)[4].slice('--params_override='.length),
    );
    assert.deepEqual(
      dropInit.pairs.map((p) => p.key),
      ['task.hub_module_url', 'runtime.num_gpus'],
    );
    const dropHub = parseOverrides(
      applyEdits(args, found.fixes![1].edits)[4].slice('--params_override='.length),
    );
    assert.deepEqual(
      dropHub.pairs.map((p) => p.key),
      ['task.init_checkpoint', 'runtime.num_gpus'],
    );
    assert.ok(
      !codes(check(base(`task.init_checkpoint='',task.hub_module_url=${HUB}`))).includes('init-and-hub'),
    );
  });

  it('seq-length-exceeds-positions: fires above max_position_embeddings, silent at it', () => {
    assert.ok(
      codes(check(base(`task.hub_module_url=${HUB},task.train_data.seq_length=1024`))).includes(
        'seq-length-exceeds-positions',
      ),
    );
    assert.ok(
      !codes(check(base(`task.hub_module_url=${HUB},task.train_data.seq_length=512`))).includes(
        'seq-length-exceeds-positions',
      ),
    );
    const small = `task.model.encoder.bert.max_position_embeddings=128,task.train_data.seq_length=256,task.init_checkpoint=gs://b/c`;
    assert.ok(codes(check(base(small))).includes('seq-length-exceeds-positions'));
  });

  it('lower-case-mismatch: a cased model with squad_v1.yaml (do_lower_case: true) fires; the fix adds false', () => {
    const cased = 'https://tfhub.dev/tensorflow/bert_en_cased_L-12_H-768_A-12/4';
    const args = [
      '--experiment=bert/squad',
      '--mode=train_and_eval',
      '--model_dir=o',
      '--config_file=configs/experiments/squad_v1.yaml',
      `--params_override=task.hub_module_url=${cased}`,
    ];
    const found = check(args).find((p) => p.code === 'lower-case-mismatch')!;
    assert.ok(found, 'fires');
    const fixed = applyEdits(args, found.fixes![0].edits);
    assert.ok(fixed[4].endsWith(',task.validation_data.do_lower_case=false'));
    assert.ok(!codes(check(fixed)).includes('lower-case-mismatch'));
    // An uncased model keeps the YAML default quietly.
    args[4] = `--params_override=task.hub_module_url=${HUB}`;
    assert.ok(!codes(check(args)).includes('lower-case-mismatch'));
  });

  it('lower-case-mismatch: an uncased vocabulary with do_lower_case=false fires without a known model', () => {
    const args = base(
      'task.init_checkpoint=gs://b/c,task.validation_data.vocab_file=/v/uncased/vocab.txt,task.validation_data.do_lower_case=false',
    );
    assert.ok(codes(check(args)).includes('lower-case-mismatch'));
    const ok = base(
      'task.init_checkpoint=gs://b/c,task.validation_data.vocab_file=/v/uncased/vocab.txt,task.validation_data.do_lower_case=true',
    );
    assert.ok(!codes(check(ok)).includes('lower-case-mismatch'));
  });

  it('checkpoint-is-file: .index and .data-* fire with a prefix fix; the prefix is silent', () => {
    for (const file of ['bert_model.ckpt.index', 'bert_model.ckpt.data-00000-of-00001']) {
      const args = base(`task.init_checkpoint=gs://b/ckpt/${file}`);
      const found = check(args).find((p) => p.code === 'checkpoint-is-file')!;
      assert.ok(found, file);
      const fixed = applyEdits(args, found.fixes![0].edits);
      assert.equal(fixed[4], '--params_override=task.init_checkpoint=gs://b/ckpt/bert_model.ckpt');
      assert.deepEqual(check(fixed), []);
    }
  });

  it('checkpoint-folder-empty: a folder with no checkpoint fires; a folder with *.index is silent', () => {
    assert.ok(
      codes(validateArgs(base(`task.init_checkpoint=${dir}/empty`), { cwd: dir })).includes(
        'checkpoint-folder-empty',
      ),
    );
    assert.deepEqual(validateArgs(base(`task.init_checkpoint=${dir}/ckpt`), { cwd: dir }), []);
    assert.deepEqual(
      validateArgs(base(`task.init_checkpoint=${dir}/ckpt/bert_model.ckpt`), { cwd: dir }),
      [],
    );
  });

  it('a real TF1 checkpoint prefix (fixture) passes; its .index file does not', function () {
    const ckpt = fixture(this, 'kerasbert_tiny_bert_tf1', 'bert_model.ckpt.index').replace(/\.index$/, '');
    assert.deepEqual(validateArgs(base(`task.init_checkpoint=${ckpt}`)), []);
    assert.ok(codes(validateArgs(base(`task.init_checkpoint=${ckpt}.index`))).includes('checkpoint-is-file'));
  });

  it('hub-only-with-checkpoint: fires for a talking-heads checkpoint, its fix uses the hub handle', () => {
    const args = base('task.init_checkpoint=/models/talkheads_ggelu_bert_en_base/ckpt');
    const found = check(args).find((p) => p.code === 'hub-only-with-checkpoint')!;
    assert.ok(found);
    const fixed = applyEdits(args, found.fixes![0].edits);
    assert.equal(
      fixed[4],
      "--params_override=task.hub_module_url='https://tfhub.dev/tensorflow/talkheads_ggelu_bert_en_base/2'",
    );
    assert.deepEqual(check(fixed), []);
    assert.ok(
      codes(
        check(base('task.init_checkpoint=gs://x/ckpt'), { modelId: 'lambert_en_uncased_L-24_H-1024_A-16' }),
      ).includes('hub-only-with-checkpoint'),
    );
  });

  it('path-not-found: a missing local config file or checkpoint fires (warning); existing or remote ones are silent', () => {
    const args = base(`task.init_checkpoint=${dir}/nowhere/bert_model.ckpt`);
    args[3] = '--config_file=configs/experiments/nope.yaml';
    const found = validateArgs(args, { cwd: dir }).filter((p) => p.code === 'path-not-found');
    assert.equal(found.length, 2);
    assert.ok(found.every((p) => p.severity === 'warning'));
    assert.deepEqual(
      validateArgs(base('task.init_checkpoint=gs://nowhere/bert_model.ckpt'), { cwd: dir }),
      [],
    );
  });

  it('config-file-misnamed: squad_v1.1.yaml (the train.md typo) fires with a fix; squad_v1.yaml is silent', () => {
    const args = [
      '--experiment=bert/squad',
      '--mode=train',
      '--model_dir=o',
      '--config_file=configs/experiments/squad_v1.1.yaml',
    ];
    const found = check(args).find((p) => p.code === 'config-file-misnamed')!;
    assert.ok(found);
    assert.equal(
      applyEdits(args, found.fixes![0].edits)[3],
      '--config_file=configs/experiments/squad_v1.yaml',
    );
    assert.deepEqual(check(applyEdits(args, found.fixes![0].edits)), []);
  });

  it('builder advice: encoder-heads-unknown, encoder-sizes-unverified, checkpoint-path-unset, config-files-need-repository fire and stay silent', () => {
    const build = (id: string, extra: object = {}) =>
      codes(
        buildSpec({
          model: requireModel(id),
          source: 'checkpoint',
          experiment: 'bert/squad',
          mode: 'train',
          modelDir: 'o',
          ...extra,
        }).problems,
      );
    // No catalog model has an unknown head count any more; the rule still guards one that would.
    assert.ok(!build('albert_en_xlarge').includes('encoder-heads-unknown'));
    const unknownHeads = { ...requireModel('albert_en_xlarge'), heads: null };
    assert.ok(
      codes(
        buildSpec({
          model: unknownHeads,
          source: 'checkpoint',
          experiment: 'bert/squad',
          mode: 'train',
          modelDir: 'o',
        }).problems,
      ).includes('encoder-heads-unknown'),
    );
    assert.ok(!build('albert_en_xxlarge', { checkpoint: 'x' }).includes('encoder-heads-unknown'));
    assert.ok(build('electra_small').includes('encoder-sizes-unverified'));
    assert.ok(!build('bert_en_cased_L-12_H-768_A-12').includes('encoder-sizes-unverified'));
    assert.ok(build('bert_en_cased_L-12_H-768_A-12').includes('checkpoint-path-unset'));
    assert.ok(
      !build('bert_en_cased_L-12_H-768_A-12', { checkpoint: 'gs://b/c' }).includes('checkpoint-path-unset'),
    );
    // The installed package (module layout, no checkout) ships no YAML: none is written, and naming one warns.
    assert.ok(
      !build('bert_en_cased_L-12_H-768_A-12', { checkpoint: 'x', repository: { layout: 'module' } }).includes(
        'config-files-need-repository',
      ),
    );
    assert.ok(
      build('bert_en_cased_L-12_H-768_A-12', {
        checkpoint: 'x',
        repository: { layout: 'module' },
        configFiles: ['configs/experiments/squad_v1.yaml'],
      }).includes('config-files-need-repository'),
    );
    assert.ok(
      !build('bert_en_cased_L-12_H-768_A-12', {
        checkpoint: 'x',
        repository: { layout: 'module', root: '/r' },
      }).includes('config-files-need-repository'),
    );
  });

  it('target-needs-cloud-paths: local paths fire for cloud targets, gs:// paths are silent', () => {
    const spec = (modelDir: string, checkpoint: string) =>
      buildSpec({
        model: requireModel('albert_en_base'),
        source: 'checkpoint',
        checkpoint,
        experiment: 'bert/squad',
        mode: 'train',
        modelDir,
      }).spec;
    assert.equal(cloudPathProblems(spec('/local/out', '/local/ckpt')).length, 2);
    assert.deepEqual(cloudPathProblems(spec('gs://b/out', 'gs://b/ckpt')), []);
  });
});
