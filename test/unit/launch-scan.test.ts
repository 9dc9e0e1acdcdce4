import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { parse } from 'jsonc-parser';
import {
  applyTextEdits,
  checkText,
  detectKind,
  findInvocations,
  invocationCwd,
  type FileProblem,
} from '../../src/core/launch';

const HUB = 'https://tfhub.dev/tensorflow/bert_en_uncased_L-12_H-768_A-12/4';

function only(problems: FileProblem[], code: string): FileProblem {
  const found = problems.filter((p) => p.code === code);
  assert.equal(found.length, 1, `${code} in ${JSON.stringify(problems.map((p) => p.code))}`);
  return found[0];
}

/** argv of the shell script's train.py command, as bash itself expands it. */
function bashArgs(script: string): string[] {
  const run = spawnSync('bash', ['-c', `python3() { printf '%s\\0' "$@"; }\n${script}`], {
    encoding: 'utf8',
  });
  assert.equal(run.status, 0, run.stderr);
  return run.stdout.split('\0').slice(1, -1);
}

describe('launch: finding and checking invocations in files', () => {
  it('detects file kinds', () => {
    assert.equal(detectKind('/w/.vscode/launch.json'), 'launch');
    assert.equal(detectKind('C:\\w\\.vscode\\tasks.json'), 'tasks');
    assert.equal(detectKind('run_squad.sh'), 'shell');
    assert.equal(detectKind('notes.md'), undefined);
  });

  const launch = `{
  // fine-tuning runs
  "version": "0.2.0",
  "configurations": [
    { "name": "Node", "type": "node", "program": "index.js", "args": ["--mode=x"] },
    {
      "name": "MNLI",
      "type": "debugpy",
      "request": "launch",
      "program": "\${workspaceFolder}/official/nlp/train.py",
      "args": [
        "--experiment=bert/sentence_prediction",
        "--mode=train",
        "--model_dir=/tmp/out",
        "--params_override=task.init_checkpoint=gs://b/bert_model.ckpt.index,task.hub_module_url=${HUB},note.x=\\"q\\""
      ]
    }
  ]
}
`;

  it('launch.json: only train.py configurations, problems at exact ranges with line and column', () => {
    assert.equal(findInvocations(launch, 'launch').length, 1);
    const problems = checkText(launch, 'launch', { probe: null });
    const file = only(problems, 'checkpoint-is-file');
    assert.equal(launch.slice(file.start, file.end), 'gs://b/bert_model.ckpt.index');
    const lines = launch.split('\n');
    assert.equal(
      lines[file.line - 1].slice(file.column - 1, file.endColumn - 1),
      'gs://b/bert_model.ckpt.index',
    );
    const root = only(problems, 'override-unknown-root');
    assert.equal(launch.slice(root.start, root.end), 'note.x=\\"q\\"', 'ranges follow JSON escapes');
    only(problems, 'init-and-hub');
    // The Node configuration's --mode=x is not ours.
    assert.ok(!problems.some((p) => p.code === 'unknown-mode'));
  });

  it('launch.json: a quick fix rewrites only that string and keeps the file valid', () => {
    const fix = only(checkText(launch, 'launch', { probe: null }), 'checkpoint-is-file').fixes[0];
    const fixed = applyTextEdits(launch, fix.edits);
    const config = (parse(fixed) as { configurations: { args: string[] }[] }).configurations[1];
    assert.equal(
      config.args[3],
      `--params_override=task.init_checkpoint=gs://b/bert_model.ckpt,task.hub_module_url=${HUB},note.x="q"`,
    );
    const edit = fix.edits[0];
    assert.equal(fixed.slice(0, edit.start), launch.slice(0, edit.start));
    assert.equal(fixed.slice(fixed.length - (launch.length - edit.end)), launch.slice(edit.end));
    const drop = only(checkText(launch, 'launch', { probe: null }), 'init-and-hub').fixes[1];
    const dropped = (parse(applyTextEdits(launch, drop.edits)) as { configurations: { args: string[] }[] })
      .configurations[1].args[3];
    assert.equal(dropped, '--params_override=task.init_checkpoint=gs://b/bert_model.ckpt.index,note.x="q"');
  });

  it('launch.json: a missing flag is reported on the program', () => {
    const text =
      '{"configurations":[{"name":"x","module":"official.nlp.train","args":["--experiment=bert/squad","--mode=train"]}]}';
    const problem = only(checkText(text, 'launch', { probe: null }), 'missing-model-dir');
    assert.equal(text.slice(problem.start, problem.end), '"official.nlp.train"');
  });

  it('launch.json: removing an argument keeps the array valid', () => {
    const text = `{"configurations":[{"name":"x","program":"train.py","args":["--experiment=bert/squad","--mode=train","--model_dir=o","--params_override=runtime.num_gpus=1", "--params_override=task.hub_module_url=${HUB}"]}]}`;
    const fix = only(checkText(text, 'launch', { probe: null }), 'multiple-params-override').fixes[0];
    const args = (parse(applyTextEdits(text, fix.edits)) as { configurations: { args: string[] }[] })
      .configurations[0].args;
    assert.deepEqual(args, [
      '--experiment=bert/squad',
      '--mode=train',
      '--model_dir=o',
      `--params_override=runtime.num_gpus=1,task.hub_module_url=${HUB}`,
    ]);
  });

  it('tasks.json: a shell command string plus args', () => {
    const text = `{
  "version": "2.0.0",
  "tasks": [
    {
      "label": "train",
      "type": "shell",
      "command": "python3 train.py --experiment=bert/squad '--params_override=task.train_data.input_path=a*,b*'",
      "args": ["--mode=train", "--model_dir=/tmp/o"]
    }
  ]
}`;
    const problem = only(checkText(text, 'tasks', { probe: null }), 'params-override-syntax');
    assert.equal(text.slice(problem.start, problem.end), "b*'".slice(0, 2));
    const fixed = applyTextEdits(text, problem.fixes[0].edits);
    const command = (parse(fixed) as { tasks: { command: string }[] }).tasks[0].command;
    assert.deepEqual(bashArgs(command.replace(/^python3 train.py /, 'python3 train.py ')), [
      '--experiment=bert/squad',
      "--params_override=task.train_data.input_path='a*,b*'",
    ]);
  });

  const script = `#!/bin/bash
# Fine-tune on MNLI, as official/nlp/docs/train.md does it.
PARAMS=runtime.distribution_strategy=mirrored
PARAMS=\${PARAMS},task.train_data.input_path=/data/train.tf_record
PARAMS=\${PARAMS},task.init_checkpoint=/ckpt/bert_model.ckpt.data-00000-of-00001
python3 train.py --experiment=bert/sentence_prediction --mode=train \\
  --model_dir=/tmp/out \\
  --config_file=configs/experiments/squad_v1.1.yaml \\
  --params_override=\${PARAMS}
`;

  it('shell: line continuations, variables built up as in train.md, problems at the assignment', () => {
    const [invocation] = findInvocations(script, 'shell');
    assert.deepEqual(
      invocation.args.map((t) => t.value),
      bashArgs(script.replace(/^python3 train\.py/m, 'python3 train.py')),
      'the scanner expands the script as bash does',
    );
    const problems = checkText(script, 'shell', { probe: null });
    const file = only(problems, 'checkpoint-is-file');
    assert.equal(script.slice(file.start, file.end), '/ckpt/bert_model.ckpt.data-00000-of-00001');
    assert.equal(file.line, 5);
    assert.deepEqual(file.fixes, [], 'no edit through a variable');
    const misnamed = only(problems, 'config-file-misnamed');
    assert.equal(misnamed.line, 8);
    const fixed = applyTextEdits(script, misnamed.fixes[0].edits);
    assert.ok(fixed.includes('  --config_file=configs/experiments/squad_v1.yaml \\\n'));
    assert.equal(fixed.replace('squad_v1.yaml', 'squad_v1.1.yaml'), script);
  });

  it('shell: unknown variables make a value unchecked rather than wrong', () => {
    const text =
      'python3 train.py --experiment=bert/squad --mode=train --model_dir=$OUT --params_override=$PARAMS\n';
    assert.deepEqual(checkText(text, 'shell', { probe: null }), []);
  });

  it('shell: a quick fix quotes for bash, and deleting a flag removes its continuation', () => {
    const text = `python3 -m official.nlp.train --experiment=bert/squad --mode=train --model_dir=o \\
  --params_override=runtime.num_gpus=1 \\
  "--params_override=task.init_checkpoint=C:\\\\m\\\\bert_model.ckpt"
`;
    const problems = checkText(text, 'shell', { probe: null });
    const quote = only(problems, 'override-needs-quotes');
    const quoted = applyTextEdits(text, quote.fixes[0].edits);
    assert.equal(
      bashArgs(quoted.replace('python3 -m official.nlp.train', 'python3 x')).at(-1),
      "--params_override=task.init_checkpoint='C:\\m\\bert_model.ckpt'",
    );
    const merge = only(problems, 'multiple-params-override');
    const merged = applyTextEdits(text, merge.fixes[0].edits);
    assert.deepEqual(bashArgs(merged.replace('python3 -m official.nlp.train', 'python3 x')).slice(3), [
      '--params_override=runtime.num_gpus=1,task.init_checkpoint=C:\\m\\bert_model.ckpt',
    ]);
  });

  it("invocationCwd: the entry's cwd with its variables, else the workspace folder, or a script's own folder", () => {
    const launch = (cwd?: string) =>
      findInvocations(
        JSON.stringify({
          configurations: [
            {
              name: 'a',
              type: 'debugpy',
              program: 'train.py',
              args: ['--experiment=x'],
              ...(cwd ? { cwd } : {}),
            },
          ],
        }),
        'launch',
      )[0]!;
    const file = { kind: 'launch' as const, path: '/ws/.vscode/launch.json', workspaceFolder: '/ws' };
    assert.equal(invocationCwd(launch(), file), '/ws');
    assert.equal(invocationCwd(launch('${workspaceFolder}/models/official'), file), '/ws/models/official');
    assert.equal(invocationCwd(launch('${fileDirname}'), file), '/ws/.vscode');
    assert.equal(invocationCwd(launch('sub/dir'), file), '/ws/sub/dir');
    assert.equal(invocationCwd(launch('/abs/run'), file), '/abs/run');
    // A variable it cannot know (${env:…}): the workspace folder, not a path with ${ in it.
    assert.equal(invocationCwd(launch('${env:HOME}/x'), file), '/ws');
    const shell = findInvocations('python3 train.py --experiment=x\n', 'shell')[0]!;
    assert.equal(
      invocationCwd(shell, { kind: 'shell', path: '/ws/scripts/run.sh', workspaceFolder: '/ws' }),
      '/ws/scripts',
    );
  });
});
