import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { NativeInstallOutcome } from '../../src/vscode/inference/nativeBackend';
import { fixture } from '../fixtures';
import { activateExtension } from '../integration/extension';
import { waitFor } from '../integration/wait';

describe('restricted mode: inference', () => {
  it('runs no model: no panel, no worker, a warning instead', async function () {
    const checkpoint = fixture(this, 'kerasbert_tiny_bert_tf1');
    const api = await activateExtension();
    assert.equal(vscode.workspace.isTrusted, false);
    const doc = await vscode.workspace.openTextDocument({
      content: 'all work and [MASK] play',
      language: 'plaintext',
    });
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(0, 0, 0, 24);
    const state = await vscode.commands.executeCommand('modelGarden.inference.runOnSelection', {
      checkpoint,
    });
    assert.equal(state, undefined);
    assert.equal(api.inference.lastState(), undefined);
    const panels = vscode.window.tabGroups.all
      .flatMap((g) => g.tabs)
      .filter((t) => t.input instanceof vscode.TabInputWebview);
    assert.deepEqual(
      panels.map((t) => t.label),
      [],
    );
    await assert.rejects(api.inference.backend(), /Restricted Mode/);
  });

  it('Install Native Backend runs no npm: it refuses and creates no folder', async function () {
    const api = await activateExtension();
    const prefix = api.inference.nativeBackendPaths().at(-1)!;
    const outcome = await vscode.commands.executeCommand<NativeInstallOutcome>(
      'modelGarden.inference.installNativeBackend',
    );
    assert.deepEqual(outcome, { outcome: 'restricted', log: '' });
    assert.equal(fs.existsSync(prefix), false, `${prefix} was created`);
  });
});

describe('restricted mode: the inference checkpoint setting', () => {
  it("uses no checkpoint from the workspace's .vscode/settings.json, only the user's own value", async function () {
    const api = await activateExtension();
    const config = () => vscode.workspace.getConfiguration('modelGarden');
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the run opens a workspace folder');
    const settingsFile = path.join(folder.uri.fsPath, '.vscode', 'settings.json');
    const mine = fixture(this, 'kerasbert_tiny_bert_tf1');
    try {
      // What a cloned repository would carry: a checkpoint relative to its folder.
      const changed = new Promise<void>((resolve) => {
        const listener = vscode.workspace.onDidChangeConfiguration((e) => {
          if (e.affectsConfiguration('modelGarden.inference.checkpoint')) {
            listener.dispose();
            resolve();
          }
        });
      });
      fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
      fs.writeFileSync(
        settingsFile,
        JSON.stringify({ 'modelGarden.inference.checkpoint': 'checkpoints/run/bert_model.ckpt' }),
      );
      await waitFor('VS Code to read the workspace settings', () =>
        Promise.race([changed.then(() => true), new Promise<undefined>((r) => setTimeout(r, 100))]),
      );
      assert.equal(api.inference.configuredModel(), undefined);
      await config().update('inference.checkpoint', mine, vscode.ConfigurationTarget.Global);
      assert.equal(api.inference.configuredModel(), mine);
    } finally {
      fs.rmSync(settingsFile, { force: true });
      await config().update('inference.checkpoint', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});
