// Building for the installed tf-models-official (no checkout: no YAML under official/nlp/configs),
// the dataset-config and class-count choices, a user config file given twice, typo fixes, and the
// whole-value reading of --params_override (YAML fallback, name[i] arrays).
import * as assert from 'node:assert/strict';
import { requireModel } from '../../src/core/catalog';
import {
  buildSpec,
  hasShippedConfigs,
  readParamsOverride,
  specArgs,
  validateArgs,
  closestValue,
  type BuildOptions,
} from '../../src/core/launch';

const base: BuildOptions = {
  model: requireModel('bert_en_uncased_L-12_H-768_A-12'),
  source: 'checkpoint',
  experiment: 'bert/sentence_prediction',
  mode: 'train',
  modelDir: 'out',
};

const configFiles = (options: Partial<BuildOptions>) =>
  buildSpec({ ...base, ...options })
    .spec.configFiles.slice()
    .map((f) => f);
const overrides = (options: Partial<BuildOptions>) =>
  Object.fromEntries(buildSpec({ ...base, ...options }).spec.overrides.map((o) => [o.key, o.value]));
const codes = (options: Partial<BuildOptions>) =>
  buildSpec({ ...base, ...options }).problems.map((p) => p.code);

describe('launch: the installed Model Garden package and dataset choices', () => {
  it('only a checkout (or the program layout) has the shipped YAML', () => {
    assert.equal(hasShippedConfigs({ layout: 'module' }), false);
    assert.equal(hasShippedConfigs({ layout: 'module', root: '/models' }), true);
    assert.equal(hasShippedConfigs({ layout: 'program' }), true);
  });

  it('package layout: no config file; the encoder comes as overrides; the classes are asked for', () => {
    const options = { repository: { layout: 'module' as const } };
    assert.deepEqual(configFiles(options), []);
    const values = overrides({ ...options, numClasses: 3 });
    assert.equal(values['task.model.encoder.type'], 'bert');
    assert.equal(values['task.model.encoder.bert.num_layers'], 12);
    assert.equal(values['task.model.num_classes'], 3);
    assert.ok(codes(options).includes('num-classes-unset'));
    assert.ok(!codes({ ...options, numClasses: 3 }).includes('num-classes-unset'));
  });

  it('a checkout keeps the documented YAML; experimentConfig false leaves the dataset YAML out', () => {
    const repository = { layout: 'module' as const, root: '/models' };
    assert.deepEqual(configFiles({ repository }), [
      'official/nlp/configs/models/bert_en_uncased_base.yaml',
      'official/nlp/configs/experiments/glue_mnli_matched.yaml',
    ]);
    assert.ok(!codes({ repository }).includes('num-classes-unset'), 'glue_mnli_matched.yaml sets 3 classes');
    assert.deepEqual(configFiles({ repository, experimentConfig: false }), [
      'official/nlp/configs/models/bert_en_uncased_base.yaml',
    ]);
    assert.ok(codes({ repository, experimentConfig: false }).includes('num-classes-unset'));
  });

  it('a config file the builder adds anyway is written once', () => {
    for (const repository of [
      { layout: 'program' as const },
      { layout: 'module' as const, root: '/models' },
    ]) {
      const files = configFiles({
        repository,
        configFiles: ['configs/experiments/glue_mnli_matched.yaml', 'mine.yaml'],
      });
      assert.equal(files.filter((f) => f.endsWith('glue_mnli_matched.yaml')).length, 1, files.join(' '));
      assert.equal(files.at(-1), 'mine.yaml');
    }
  });

  it('typos in the experiment and mode get the closest valid value as a quick fix', () => {
    const problems = validateArgs(
      ['--experiment=bert/sentence_predictoin', '--mode=train_and_evl', '--model_dir=o'],
      { probe: null },
    );
    const experiment = problems.find((p) => p.code === 'unknown-experiment')!;
    assert.equal(experiment.fixes?.[0].edits[0].value, '--experiment=bert/sentence_prediction');
    const mode = problems.find((p) => p.code === 'unknown-mode')!;
    assert.equal(mode.fixes?.[0].edits[0].value, '--mode=train_and_eval');
    assert.equal(closestValue('something/else', ['bert/squad']), undefined, 'no guess when far off');
  });

  it('the registry of the user’s Model Garden replaces the built-in experiment list', () => {
    const args = ['--experiment=custom/task', '--mode=train', '--model_dir=o'];
    assert.ok(validateArgs(args, { probe: null }).some((p) => p.code === 'unknown-experiment'));
    assert.ok(
      !validateArgs(args, { probe: null, experiments: ['custom/task'] }).some(
        (p) => p.code === 'unknown-experiment',
      ),
    );
  });

  it('reads a whole --params_override as train.py does: CSV, arrays, YAML fallback, file path', () => {
    assert.deepEqual(readParamsOverride('task.a=1,task.b.c=x'), {
      ok: true,
      via: 'csv',
      values: { 'task.a': 1, 'task.b.c': 'x' },
    });
    assert.deepEqual(readParamsOverride('a[1]=2,a[0]=1.5'), {
      ok: true,
      via: 'csv',
      values: { a: [1.5, 2] },
    });
    assert.deepEqual(readParamsOverride('{task: {a: 1}}'), {
      ok: true,
      via: 'yaml',
      values: { 'task.a': 1 },
    });
    const file = readParamsOverride('overrides.yaml');
    assert.equal(file.ok, false);
    assert.equal(!file.ok && file.via, 'file');
    assert.equal(readParamsOverride('task.a=x?').ok, false, 'PyYAML ends a flow scalar at ?');
    assert.deepEqual(readParamsOverride('task.a=1e-5,task.b=1.0e5,task.c=y'), {
      ok: true,
      via: 'csv',
      values: { 'task.a': 1e-5, 'task.b': '1.0e5', 'task.c': 'y' },
    });
    // A key given twice: the last one counts, at the top level and inside a group (PyYAML keeps the last).
    assert.deepEqual(readParamsOverride('a=1,b=0,a=2,task.x=first,task.y=1,task.x=last'), {
      ok: true,
      via: 'csv',
      values: { a: 2, b: 0, 'task.x': 'last', 'task.y': 1 },
    });
  });

  it('the spec of the package layout runs as python3 -m official.nlp.train with no config file', () => {
    const spec = buildSpec({ ...base, repository: { layout: 'module' }, numClasses: 2 }).spec;
    assert.ok(!specArgs(spec).some((a) => a.startsWith('--config_file')));
    assert.equal(spec.launcher.kind, 'module');
  });
});
