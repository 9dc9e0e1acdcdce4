import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { NativeInstallOutcome } from '../../src/vscode/inference/nativeBackend';
import { fixture } from '../fixtures';
import { activateExtension } from '../integration/extension';

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
