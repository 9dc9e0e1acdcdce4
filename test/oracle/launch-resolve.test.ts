// Resolve Configuration's script against the installed Model Garden: the final experiment config
// train.py would run (as train_utils.ExperimentParser builds it), and each failure named by the
// step and flag it concerns. Uses the MNLI command of official/nlp/docs/train.md.
import * as assert from 'node:assert/strict';
import { parse as parseYaml } from 'yaml';
import { requireModel } from '../../src/core/catalog';
import {
  argOfStage,
  buildSpec,
  resolveExperimentConfig,
  resolveRequest,
  specArgs,
} from '../../src/core/launch';
import { oraclePython } from './oracle';

/** train.md, "local GPU" MNLI command (MODEL_GARDEN.md §3), flags after train.py. */
const MNLI = [
  '--experiment=bert/sentence_prediction',
  '--mode=train',
  '--model_dir=/a-folder-to-hold-checkpoints-and-logs/',
  '--config_file=configs/models/bert_en_uncased_base.yaml',
  '--config_file=configs/experiments/glue_mnli_matched.yaml',
  '--params_override=runtime.distribution_strategy=mirrored,task.train_data.input_path=/path-to-your-training-data/',
];

describe('launch: Resolve Configuration with the real Model Garden', function () {
  it('the train.md MNLI command: the pip package has no configs/*.yaml, reported on the first --config_file', async function () {
    const python = oraclePython(this);
    const result = await resolveExperimentConfig(python, resolveRequest(MNLI)!);
    assert.equal(result.ok, false);
    assert.ok(!result.ok && result.stage === 'config_file' && result.index === 0, JSON.stringify(result));
    assert.equal(!result.ok && argOfStage(MNLI, result), 3);
  });

  it('the same MNLI run as the wizard writes it for the package resolves to the final YAML', async function () {
    const python = oraclePython(this);
    const spec = buildSpec({
      model: requireModel('bert_en_uncased_L-12_H-768_A-12'),
      source: 'hub',
      experiment: 'bert/sentence_prediction',
      mode: 'train',
      modelDir: '/tmp/mnli',
      trainData: '/path-to-your-training-data/',
      numClasses: 3,
      distribution: { kind: 'gpu', count: 1 },
      repository: { layout: 'module' },
    }).spec;
    const result = await resolveExperimentConfig(python, resolveRequest(specArgs(spec))!);
    assert.ok(result.ok, JSON.stringify(result));
    const config = parseYaml(result.yaml) as {
      task: { model: { num_classes: number }; hub_module_url: string; train_data: { input_path: string } };
      runtime: { distribution_strategy: string; num_gpus: number };
    };
    assert.equal(config.task.model.num_classes, 3);
    assert.equal(
      config.task.hub_module_url,
      'https://tfhub.dev/tensorflow/bert_en_uncased_L-12_H-768_A-12/4',
    );
    assert.equal(config.task.train_data.input_path, '/path-to-your-training-data/');
    assert.equal(config.runtime.distribution_strategy, 'mirrored');
    assert.equal(config.runtime.num_gpus, 1);
  });

  it('an override key the experiment does not have fails at --params_override', async function () {
    const python = oraclePython(this);
    const args = ['--experiment=bert/squad', '--mode=train', '--params_override=task.no_such_key=1'];
    const result = await resolveExperimentConfig(python, resolveRequest(args)!);
    assert.ok(!result.ok && result.stage === 'params_override', JSON.stringify(result));
    assert.match(!result.ok ? result.message : '', /no_such_key/);
    assert.equal(!result.ok && argOfStage(args, result), 2);
  });
});
