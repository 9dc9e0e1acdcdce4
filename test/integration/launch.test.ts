import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { parse } from 'jsonc-parser';
import * as vscode from 'vscode';
import { activateExtension } from './extension';
import { acceptWhenOpen } from './wait';

interface GenerateResult {
  target: string;
  file?: string;
  action?: string;
  text?: string;
  problems: { code: string }[];
}

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function folder(): vscode.WorkspaceFolder {
  const first = vscode.workspace.workspaceFolders?.[0];
  assert.ok(first, 'the integration run opens a workspace folder');
  return first;
}

const ANSWERS = {
  model: 'albert_en_base',
  source: 'hub',
  experiment: 'bert/squad',
  mode: 'train',
  distribution: { kind: 'gpu', count: 2 },
  target: 'launch',
  modelDir: '/tmp/mg-out',
  trainData: '/data/squad_train.tf_record',
  vocabFile: '',
  name: 'ALBERT-base SQuAD',
};

describe('launch configurations in VS Code', () => {
  before(async () => {
    await activateExtension();
  });

  it('the command writes .vscode/launch.json, keeping comments, and updates the same name in place', async () => {
    const launchJson = path.join(folder().uri.fsPath, '.vscode', 'launch.json');
    fs.mkdirSync(path.dirname(launchJson), { recursive: true });
    const original =
      '{\n  // my own configurations\n  "version": "0.2.0",\n  "configurations": [\n    { "name": "Mine", "type": "node", "request": "launch" }, // keep\n  ]\n}\n';
    fs.writeFileSync(launchJson, original);

    const result = (await vscode.commands.executeCommand(
      'modelGarden.launch.generate',
      ANSWERS,
    )) as GenerateResult;
    assert.equal(result.action, 'inserted');
    assert.equal(result.file, launchJson);
    const text = fs.readFileSync(launchJson, 'utf8');
    assert.ok(
      text.startsWith(
        '{\n  // my own configurations\n  "version": "0.2.0",\n  "configurations": [\n    { "name": "Mine", "type": "node", "request": "launch" }, // keep\n',
      ),
    );
    const configs = (
      parse(text) as { configurations: { name: string; type: string; args: string[]; justMyCode: boolean }[] }
    ).configurations;
    assert.deepEqual(
      configs.map((c) => c.name),
      ['Mine', 'ALBERT-base SQuAD'],
    );
    const mine = configs[1];
    assert.equal(mine.type, 'debugpy');
    assert.equal(mine.justMyCode, false);
    assert.ok(mine.args.includes('--experiment=bert/squad'));
    assert.ok(
      mine.args.some(
        (a) =>
          a.startsWith('--params_override=') &&
          a.includes('albert_en_base/3') &&
          a.includes('runtime.num_gpus=2'),
      ),
    );

    const again = (await vscode.commands.executeCommand('modelGarden.launch.generate', {
      ...ANSWERS,
      mode: 'train_and_eval',
      evalData: '',
      replace: true,
    })) as GenerateResult;
    assert.equal(again.action, 'updated');
    const after = (
      parse(fs.readFileSync(launchJson, 'utf8')) as { configurations: { name: string; args: string[] }[] }
    ).configurations;
    assert.equal(after.filter((c) => c.name === 'ALBERT-base SQuAD').length, 1, 'never duplicated');
    assert.ok(after[1].args.includes('--mode=train_and_eval'));
  });

  it('an unparsable launch.json is reported and left untouched', async () => {
    const launchJson = path.join(folder().uri.fsPath, '.vscode', 'launch.json');
    const broken = '{ "configurations": [ { "name": "a" } { "name": "b" } ] }\n';
    fs.writeFileSync(launchJson, broken);
    const result = await vscode.commands.executeCommand('modelGarden.launch.generate', {
      ...ANSWERS,
      name: 'other',
    });
    assert.equal(result, undefined);
    assert.equal(fs.readFileSync(launchJson, 'utf8'), broken);
    fs.rmSync(launchJson);
  });

  it('copies the command for the terminal', async () => {
    const result = (await vscode.commands.executeCommand(
      'modelGarden.launch.copyCommand',
      'bert_en_uncased_L-12_H-768_A-12',
      {
        source: 'checkpoint',
        checkpoint: 'gs://tf_model_garden/nlp/bert/uncased_L-12_H-768_A-12/bert_model.ckpt',
        experiment: 'bert/sentence_prediction',
        numClasses: 3,
        mode: 'train',
        distribution: { kind: 'cpu' },
        modelDir: '/tmp/mg-out',
        trainData: '',
      },
    )) as GenerateResult;
    assert.equal(result.target, 'copy');
    const clipboard = await vscode.env.clipboard.readText();
    assert.equal(clipboard, result.text);
    assert.match(clipboard, /--params_override=.*task\.init_checkpoint=gs:\/\/tf_model_garden/);
  });

  it('the wizard offers the answers remembered for this workspace first', async () => {
    const copy = { ...ANSWERS, target: 'copy', experiment: 'bert/tagging' };
    await vscode.commands.executeCommand('modelGarden.launch.generate', copy);
    const withoutExperiment: Record<string, unknown> = { ...copy };
    delete withoutExperiment.experiment;
    const pending = vscode.commands.executeCommand(
      'modelGarden.launch.generate',
      withoutExperiment,
    ) as Thenable<GenerateResult | undefined>;
    // Accept the experiment QuickPick's first item once it is open.
    const result = await acceptWhenOpen(pending);
    assert.ok(result?.text?.includes('--experiment=bert/tagging'), result?.text);
  });

  it('runs in a terminal and opens a Vertex AI job spec', async () => {
    const run = (await vscode.commands.executeCommand('modelGarden.launch.runInTerminal', {
      ...ANSWERS,
      target: undefined,
    })) as GenerateResult;
    assert.equal(run.target, 'terminal');
    assert.ok(vscode.window.terminals.some((t) => t.name === 'train.py bert/squad'));
    // The line typed into the terminal, read back by bash: the flags train.py will receive.
    const sent = (await activateExtension()).terminalCommands().at(-1);
    assert.ok(sent, 'nothing was sent to a terminal');
    assert.equal(sent.terminal, 'train.py bert/squad');
    // The interpreter may be the configured modelGarden.python (an absolute path): stand the stub in for it.
    const configured = vscode.workspace.getConfiguration().get<string>('modelGarden.python');
    const line = configured ? sent.text.split(configured).join('python3') : sent.text;
    const bash = spawnSync(
      'bash',
      ['-c', `python3() { printf '%s\\0' "$@"; }\npython() { python3 "$@"; }\n${line}`],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(bash.status, 0, bash.stderr);
    const argv = bash.stdout.split('\0').slice(0, -1);
    const at = argv.indexOf('--experiment=bert/squad');
    assert.ok(at >= 1 && /train(\.py)?$/.test(argv[at - 1]), argv.join(' '));
    assert.deepEqual(argv.slice(at + 1, at + 3), ['--mode=train', '--model_dir=/tmp/mg-out']);
    const override = argv.find((a) => a.startsWith('--params_override='));
    assert.ok(override?.includes('runtime.num_gpus=2'), override);
    assert.ok(override?.includes('task.hub_module_url='), override);
    const vertex = (await vscode.commands.executeCommand('modelGarden.launch.generate', {
      ...ANSWERS,
      target: 'vertex',
      modelDir: 'gs://bucket/out',
      trainData: 'gs://bucket/train.tf_record',
    })) as GenerateResult;
    assert.match(vertex.text ?? '', /workerPoolSpecs:/);
    assert.deepEqual(
      vertex.problems.filter((p) => p.code === 'target-needs-cloud-paths'),
      [],
    );
    assert.equal(vscode.window.activeTextEditor?.document.languageId, 'yaml');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('diagnostics appear on a shell script at exact ranges, a quick fix applies, and hover shows the model card', async () => {
    const script = path.join(folder().uri.fsPath, 'run_mnli.sh');
    const checkpoint = '/ckpt/uncased_L-12_H-768_A-12/bert_model.ckpt.index';
    fs.writeFileSync(
      script,
      `#!/bin/bash\npython3 train.py --experiment=bert/sentence_prediction --mode=train \\\n  --model_dir=/tmp/out \\\n  --params_override=task.init_checkpoint=${checkpoint},runtime.num_gpus=1\n`,
    );
    const document = await vscode.workspace.openTextDocument(script);
    await vscode.window.showTextDocument(document);
    const diagnostic = await waitFor('the checkpoint diagnostic', () =>
      vscode.languages.getDiagnostics(document.uri).find((d) => d.code === 'checkpoint-is-file'),
    );
    assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(document.getText(diagnostic.range), checkpoint);
    assert.equal(diagnostic.range.start.line, 3);

    const hover = (await vscode.commands.executeCommand(
      'vscode.executeHoverProvider',
      document.uri,
      diagnostic.range.start.translate(0, 5),
    )) as vscode.Hover[];
    const hoverText = hover
      .flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value)))
      .join('\n');
    assert.match(hoverText, /BERT-base uncased English/);

    const actions = (await vscode.commands.executeCommand(
      'vscode.executeCodeActionProvider',
      document.uri,
      diagnostic.range,
    )) as vscode.CodeAction[];
    const fix = actions.find((a) => /prefix/.test(a.title));
    assert.ok(fix?.edit, `quick fix offered: ${actions.map((a) => a.title).join(', ')}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.ok(
      document
        .getText()
        .includes('task.init_checkpoint=/ckpt/uncased_L-12_H-768_A-12/bert_model.ckpt,runtime.num_gpus=1'),
    );
    await waitFor('the diagnostic to clear', () =>
      vscode.languages.getDiagnostics(document.uri).some((d) => d.code === 'checkpoint-is-file')
        ? undefined
        : true,
    );
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    fs.rmSync(script);
  });

  it('diagnostics in launch.json follow JSON escapes', async () => {
    const dir = path.join(folder().uri.fsPath, '.vscode');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'launch.json');
    fs.writeFileSync(
      file,
      '{\n  "configurations": [\n    {\n      "name": "t", "type": "debugpy", "request": "launch", "program": "${workspaceFolder}/official/nlp/train.py",\n      "args": ["--experiment=bert/squad", "--mode=trian", "--model_dir=/tmp/o"]\n    }\n  ]\n}\n',
    );
    const document = await vscode.workspace.openTextDocument(file);
    const diagnostic = await waitFor('the mode diagnostic', () =>
      vscode.languages.getDiagnostics(document.uri).find((d) => d.code === 'unknown-mode'),
    );
    assert.equal(document.getText(diagnostic.range), 'trian');
    fs.rmSync(file);
  });
});
