import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { modelDirOfRun, modelDirsInLaunchFile } from '../../src/core/events';

describe('event files: model_dirs of launch configurations', () => {
  const ws = path.resolve('/ws');
  it('finds --model_dir=X and --model_dir X in launch.json, tasks.json and shell scripts, resolved against cwd', () => {
    const launch = JSON.stringify({
      configurations: [
        {
          name: 'a',
          program: '${workspaceFolder}/official/nlp/train.py',
          args: ['--mode=train', '--model_dir=${workspaceFolder}/runs/a'],
        },
        {
          name: 'b',
          module: 'official.nlp.train',
          cwd: '${workspaceFolder}/models',
          args: ['--model_dir', 'out/b'],
        },
        { name: 'dynamic', module: 'official.nlp.train', args: ['--model_dir=${env:OUT}'] },
        { name: 'gcs', module: 'official.nlp.train', args: ['--model_dir=gs://bucket/x'] },
        { name: 'not train', program: 'other.py', args: ['--model_dir=/nope'] },
      ],
    });
    assert.deepEqual(modelDirsInLaunchFile(launch, 'launch', ws), [
      path.join(ws, 'runs', 'a'),
      path.join(ws, 'models', 'out', 'b'),
    ]);
    const tasks = JSON.stringify({
      tasks: [
        {
          label: 't',
          type: 'shell',
          command: 'python3 -m official.nlp.train --mode=train_and_eval --model_dir=/abs/run',
        },
      ],
    });
    assert.deepEqual(modelDirsInLaunchFile(tasks, 'tasks', ws), [path.resolve('/abs/run')]);
    const sh =
      'python3 official/nlp/train.py \\\n  --experiment=bert/sentence_prediction \\\n  --model_dir "my runs/c"\n';
    assert.deepEqual(modelDirsInLaunchFile(sh, 'shell', ws), [path.join(ws, 'my runs', 'c')]);
  });

  it('a run folder train/ or validation/ belongs to its parent model_dir', () => {
    assert.equal(modelDirOfRun('/m/train'), '/m');
    assert.equal(modelDirOfRun('/m/validation'), '/m');
    assert.equal(modelDirOfRun('/m/logs'), '/m/logs');
  });
});
