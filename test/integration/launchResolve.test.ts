// Resolve Configuration in VS Code with the oracle venv (modelGarden.python): the code lens above a
// train.py call, the final YAML beside the file, and a Model Garden error as a diagnostic on the
// argument it concerns (the train.md MNLI command: the pip package has no configs/*.yaml).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { skipBecause } from '../fixtures';
import { activateExtension } from './extension';

const PACKAGE_MNLI =
  'python3 -m official.nlp.train --experiment=bert/sentence_prediction --mode=train --model_dir=/tmp/mnli \\\n' +
  "  '--params_override=task.hub_module_url=https://tfhub.dev/tensorflow/bert_en_uncased_L-12_H-768_A-12/4," +
  "task.train_data.input_path=/path-to-your-training-data/,task.model.num_classes=3,runtime.distribution_strategy=mirrored'\n";
const TRAIN_MD_MNLI =
  'python3 train.py --experiment=bert/sentence_prediction --mode=train \\\n' +
  '  --model_dir=/a-folder-to-hold-checkpoints-and-logs/ \\\n' +
  '  --config_file=configs/models/bert_en_uncased_base.yaml \\\n' +
  '  --config_file=configs/experiments/glue_mnli_matched.yaml \\\n' +
  '  --params_override=runtime.distribution_strategy=mirrored,task.train_data.input_path=/path-to-your-training-data/\n';

interface Outcome {
  result?: { ok: boolean; stage?: string };
  uri?: vscode.Uri;
}

describe('launch: Resolve Configuration', function () {
  it('shows the final YAML beside a script, and puts a Model Garden error on the argument', async function () {
    this.timeout(10 * 60_000);
    const python = vscode.workspace.getConfiguration().get<string>('modelGarden.python');
    if (!python || !fs.existsSync(python)) {
      skipBecause(
        this,
        'modelGarden.python is not the oracle venv (set MODEL_GARDEN_ORACLE_PYTHON)',
        'oracle',
      );
    }
    await activateExtension();
    const root = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const script = path.join(root, 'mnli.sh');
    fs.writeFileSync(script, `#!/bin/bash\n${PACKAGE_MNLI}\n${TRAIN_MD_MNLI}`);
    try {
      const uri = vscode.Uri.file(script);
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
      const lenses =
        (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ??
        [];
      const resolveLenses = lenses.filter((l) => l.command?.title === 'Resolve Configuration');
      assert.equal(resolveLenses.length, 2, 'one lens per train.py call');

      const ok = (await vscode.commands.executeCommand(
        resolveLenses[0].command!.command,
        ...(resolveLenses[0].command!.arguments ?? []),
      )) as Outcome;
      assert.equal(ok.result?.ok, true, JSON.stringify(ok.result));
      const yaml = vscode.workspace.textDocuments.find((d) => d.uri.toString() === ok.uri?.toString());
      assert.ok(yaml, 'the resolved YAML is open');
      assert.equal(yaml.languageId, 'yaml');
      assert.match(yaml.getText(), /num_classes: 3/);
      assert.match(yaml.getText(), /distribution_strategy: mirrored/);

      const failed = (await vscode.commands.executeCommand(
        resolveLenses[1].command!.command,
        ...(resolveLenses[1].command!.arguments ?? []),
      )) as Outcome;
      assert.equal(failed.result?.stage, 'config_file');
      const diagnostics = vscode.languages
        .getDiagnostics(uri)
        .filter((d) => d.source === 'Model Garden (resolved)');
      assert.equal(diagnostics.length, 1);
      const document = await vscode.workspace.openTextDocument(uri);
      assert.equal(
        document.getText(diagnostics[0].range),
        '--config_file=configs/models/bert_en_uncased_base.yaml',
      );
    } finally {
      fs.rmSync(script, { force: true });
    }
  });
});
