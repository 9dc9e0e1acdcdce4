// Restricted Mode: the workspace is untrusted. The catalog can be browsed, but nothing runs: no terminal,
// no file written, no download, no checkpoint read from the workspace.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { fixture } from '../fixtures';
import { serveBytes, TestServer } from '../unit/download-server';
import { activateExtension } from '../integration/extension';

function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the run opens a workspace folder');
  return folder.uri.fsPath;
}

describe('restricted mode', () => {
  before(async () => {
    await activateExtension();
  });

  it('opens the workspace untrusted', () => {
    assert.equal(vscode.workspace.isTrusted, false);
  });

  it('still shows the catalog', async () => {
    const { catalog } = await activateExtension();
    assert.equal(catalog.provider.getChildren().length, 4);
    await vscode.commands.executeCommand('modelGarden.catalog.copyHubHandle', 'albert_en_base');
    assert.equal(await vscode.env.clipboard.readText(), 'https://tfhub.dev/tensorflow/albert_en_base/3');
  });

  it('writes no launch.json and opens no terminal', async () => {
    const launchJson = path.join(workspaceRoot(), '.vscode', 'launch.json');
    const answers = {
      model: 'bert_en_uncased_L-12_H-768_A-12',
      source: 'hub',
      experiment: 'bert/sentence_prediction',
      numClasses: 3,
      mode: 'train',
      distribution: { kind: 'cpu' },
      modelDir: '/tmp/mg-restricted-out',
      trainData: '/data/train.tf_record',
      vocabFile: '',
      name: 'restricted',
    };
    const api = await activateExtension();
    const before = api.trustRefusals().length;
    const written = await vscode.commands.executeCommand('modelGarden.launch.generate', {
      ...answers,
      target: 'launch',
    });
    assert.equal(written, undefined);
    assert.equal(fs.existsSync(launchJson), false, 'launch.json was written in Restricted Mode');
    const terminals = vscode.window.terminals.length;
    const ran = await vscode.commands.executeCommand('modelGarden.launch.runInTerminal', {
      ...answers,
      target: 'terminal',
    });
    assert.equal(ran, undefined);
    // The command has returned: a terminal it created would already be listed (createTerminal is synchronous).
    assert.equal(vscode.window.terminals.length, terminals, 'a terminal was opened in Restricted Mode');
    // Both refusals are because of trust, not some other failure.
    const refusals = api.trustRefusals().slice(before);
    assert.deepEqual(
      refusals.map((r) => [r.reason, r.action]),
      [
        ['untrusted', 'launch.write'],
        ['untrusted', 'launch.terminal'],
      ],
    );
    for (const refusal of refusals) assert.match(refusal.message, /Restricted Mode; trust the workspace/);
  });

  it('puts no model-garden on the terminal PATH', async () => {
    const { cli } = await activateExtension();
    const command = await vscode.commands.executeCommand<string | undefined>(
      'modelGarden.cli.addToTerminalPath',
    );
    assert.equal(command, undefined);
    assert.equal(cli.pathMutator(), undefined);
    assert.equal(fs.existsSync(path.join(cli.binDir, 'model-garden')), false);
  });

  it('Resolve Configuration runs no Python: no code lens, and the command refuses', async () => {
    const script = path.join(workspaceRoot(), 'resolve-restricted.sh');
    fs.writeFileSync(script, 'python3 train.py --experiment=bert/squad --mode=train --model_dir=/tmp/o\n');
    try {
      const uri = vscode.Uri.file(script);
      await vscode.workspace.openTextDocument(uri);
      const lenses =
        (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ??
        [];
      assert.ok(!lenses.some((l) => l.command?.title === 'Resolve Configuration'), 'no Resolve lens');
      const outcome = await vscode.commands.executeCommand('modelGarden.launch.resolveConfiguration', uri, 0);
      assert.equal(outcome, undefined);
      assert.ok(
        !vscode.workspace.textDocuments.some((d) => d.uri.scheme === 'model-garden-resolved'),
        'no resolved configuration shown',
      );
    } finally {
      fs.rmSync(script, { force: true });
    }
  });

  it('downloads nothing', async function () {
    const vocab = fs.readFileSync(fixture(this, 'vocab', 'bert_uncased_vocab.txt'));
    const server = await new TestServer().start();
    let requests = 0;
    server.on('/tokenizer.tar.gz', (req, res) => {
      requests++;
      serveBytes(req, res, vocab);
    });
    const root = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'mg-restricted-cache-'));
    const config = vscode.workspace.getConfiguration('modelGarden');
    try {
      await config.update('cache.location', root, vscode.ConfigurationTarget.Global);
      await config.update(
        'download.urlOverrides',
        { '*/tokenizer': server.url('/tokenizer.tar.gz') },
        vscode.ConfigurationTarget.Global,
      );
      const api = await activateExtension();
      const before = api.trustRefusals().length;
      const result = await vscode.commands.executeCommand(
        'modelGarden.downloads.downloadTokenizer',
        'bert_en_uncased_L-12_H-768_A-12',
      );
      assert.equal(result, undefined);
      assert.equal(requests, 0, 'the server was contacted');
      assert.equal(api.downloads.stateOf('bert_en_uncased_L-12_H-768_A-12').summary, 'not downloaded');
      const refusals = api.trustRefusals().slice(before);
      assert.deepEqual(
        refusals.map((r) => [r.reason, r.action]),
        [['untrusted', 'downloads.download']],
      );
      assert.match(refusals[0].message, /Restricted Mode\. Trust the workspace/);
    } finally {
      await config.update('cache.location', undefined, vscode.ConfigurationTarget.Global);
      await config.update('download.urlOverrides', undefined, vscode.ConfigurationTarget.Global);
      await server.close();
      await fs.promises.rm(root, { recursive: true, force: true });
    }
  });

  it('ignores the workspace value of a path setting, keeping the user value', async function () {
    const config = vscode.workspace.getConfiguration('modelGarden');
    const user = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'mg-restricted-user-'));
    const planted = path.join(os.tmpdir(), 'mg-restricted-planted');
    const settingsFile = path.join(workspaceRoot(), '.vscode', 'settings.json');
    try {
      const api = await activateExtension();
      await config.update('cache.location', user, vscode.ConfigurationTarget.Global);
      for (let i = 0; i < 100 && api.downloads.cache().root !== user; i++)
        await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(api.downloads.cache().root, user, 'the user setting applies');
      // What a cloned repository would carry: its own .vscode/settings.json pointing the cache elsewhere.
      fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
      fs.writeFileSync(settingsFile, JSON.stringify({ 'modelGarden.cache.location': planted }));
      // Let the file watcher and the configuration change reach the extension before looking again.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      assert.equal(api.downloads.cache().root, user, 'the workspace redirected the model cache');
    } finally {
      fs.rmSync(settingsFile, { force: true });
      await config.update('cache.location', undefined, vscode.ConfigurationTarget.Global);
      await fs.promises.rm(user, { recursive: true, force: true });
    }
  });

  it('reads no checkpoint from the workspace', async function () {
    const source = fixture(this, 'kerasbert_tiny_bert_tf1');
    const dir = path.join(workspaceRoot(), 'restricted_ckpt');
    fs.mkdirSync(dir, { recursive: true });
    try {
      for (const file of ['bert_model.ckpt.index', 'bert_model.ckpt.data-00000-of-00001']) {
        fs.copyFileSync(path.join(source, file), path.join(dir, file));
      }
      const { checkpoints } = await activateExtension();
      const nodes = await checkpoints.refresh();
      assert.deepEqual(
        nodes.filter((n) => n.type === 'checkpoint'),
        [],
      );
      assert.match(checkpoints.view.message ?? '', /restricted|trust/i);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
