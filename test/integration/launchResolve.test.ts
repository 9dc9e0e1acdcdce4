// Resolve Configuration in VS Code with the oracle venv (modelGarden.python): the code lens above a
// train.py call, the final YAML beside the file, and a Model Garden error as a diagnostic on the
// argument it concerns (the train.md MNLI command: the pip package has no configs/*.yaml); then, as a
// pip user would, the Model Garden's config files of the installed version are fetched (from a
// 127.0.0.1 mirror set in modelGarden.launch.configFilesBaseUrl) and the same command resolves.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { repoRoot } from '../fixtures';
import { activateExtension } from './extension';
import { oraclePythonSetting } from './oraclePython';

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
  missing?: string[];
  version?: string;
  replaced?: { index: number; from: string; to: string }[];
}

describe('launch: Resolve Configuration', function () {
  it('shows the final YAML beside a script, and puts a Model Garden error on the argument', async function () {
    this.timeout(10 * 60_000);
    oraclePythonSetting(this);
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

  it('a pip user gets the config files of the installed version from the mirror, and the train.md command resolves', async function () {
    this.timeout(15 * 60_000);
    const python = oraclePythonSetting(this);
    await activateExtension();
    const root = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const script = path.join(root, 'mnli-pip.sh');
    fs.writeFileSync(script, `#!/bin/bash\n${TRAIN_MD_MNLI}`);
    // The mirror's files: written by the Model Garden's own config classes (test/oracle/nlp_config_yaml.py).
    const served = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-served-configs-'));
    // In a child process, awaited: the extension host (where this test runs) must stay responsive.
    await new Promise<void>((resolve, reject) =>
      execFile(
        python,
        [path.join(repoRoot, 'test', 'oracle', 'nlp_config_yaml.py'), served],
        { env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' }, maxBuffer: 16 << 20 },
        (error, _stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve()),
      ),
    );
    const asked: string[] = [];
    const server = http.createServer((req, res) => {
      asked.push(req.url ?? '');
      const match = /^\/v[\w.]+\/(official\/nlp\/configs\/[\w/.-]+\.yaml)$/.exec(req.url ?? '');
      const file = match && path.join(served, ...match[1].split('/'));
      if (!file || !fs.existsSync(file)) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/yaml' }).end(fs.readFileSync(file));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const settings = vscode.workspace.getConfiguration();
    try {
      await settings.update(
        'modelGarden.launch.configFilesBaseUrl',
        `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        vscode.ConfigurationTarget.Workspace,
      );
      const uri = vscode.Uri.file(script);
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
      const failed = (await vscode.commands.executeCommand(
        'modelGarden.launch.resolveConfiguration',
        uri,
        0,
      )) as Outcome;
      assert.equal(failed.result?.stage, 'config_file');
      assert.deepEqual(failed.missing, [
        'configs/models/bert_en_uncased_base.yaml',
        'configs/experiments/glue_mnli_matched.yaml',
      ]);
      const version = failed.version;
      assert.ok(version);

      const got = (await vscode.commands.executeCommand('modelGarden.launch.getConfigFiles')) as
        { present: string[]; dir: string } | undefined;
      assert.ok(got, 'the config files were downloaded');
      assert.deepEqual([...got.present].sort(), [...(failed.missing ?? [])].sort());
      assert.ok(
        asked.includes(`/v${version}/official/nlp/configs/models/bert_en_uncased_base.yaml`),
        asked.join(' '),
      );

      const ok = (await vscode.commands.executeCommand(
        'modelGarden.launch.resolveConfiguration',
        uri,
        0,
      )) as Outcome;
      assert.equal(ok.result?.ok, true, JSON.stringify(ok.result));
      assert.deepEqual(
        ok.replaced?.map((r) => r.from),
        failed.missing,
      );
      const yaml = vscode.workspace.textDocuments.find((d) => d.uri.toString() === ok.uri?.toString());
      assert.ok(yaml, 'the resolved YAML is open');
      assert.match(yaml.getText(), /read from the Model Garden's files for/);
      assert.match(yaml.getText(), /hidden_size: 768/);
      assert.match(yaml.getText(), /num_classes: 3/);
      assert.match(yaml.getText(), /train_steps: 36813/);
      assert.deepEqual(
        vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Model Garden (resolved)'),
        [],
      );

      // Use the Downloaded Paths: the script's --config_file arguments now name the downloaded files,
      // so train.py finds them where it runs, and resolving needs no replacement any more.
      const rewritten = await vscode.commands.executeCommand<boolean>(
        'modelGarden.launch.useDownloadedPaths',
        uri,
        0,
        ok.replaced,
      );
      assert.equal(rewritten, true);
      const text = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString())!.getText();
      for (const r of ok.replaced ?? []) {
        assert.ok(text.includes(r.to), `${r.to} is not in the script:\n${text}`);
        assert.ok(
          !text.includes(`=${r.from}`) && !text.includes(` ${r.from}`),
          `${r.from} is still in the script`,
        );
        assert.ok(fs.existsSync(r.to), r.to);
      }
      const direct = (await vscode.commands.executeCommand(
        'modelGarden.launch.resolveConfiguration',
        uri,
        0,
      )) as Outcome;
      assert.equal(direct.result?.ok, true, JSON.stringify(direct.result));
      assert.deepEqual(direct.replaced ?? [], []);
      assert.match(
        vscode.workspace.textDocuments.find((d) => d.uri.toString() === direct.uri?.toString())!.getText(),
        /train_steps: 36813/,
      );
    } finally {
      await settings.update(
        'modelGarden.launch.configFilesBaseUrl',
        undefined,
        vscode.ConfigurationTarget.Workspace,
      );
      await new Promise<void>((resolve) => server.close(() => resolve()));
      fs.rmSync(script, { force: true });
      fs.rmSync(served, { recursive: true, force: true });
    }
  });
});
