import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
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
});
