// Smoke test of the extension as a user installs it: the .vsix from `npm run package`, installed with
// `code-server --install-extension` into a fresh extensions folder, no development extension loaded
// (test/package/package.test.ts starts it). Activation, the catalog, tokenization with the bundled
// ALBERT model, one inference on the tiny BERT fixture with the bundled wasm binaries.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ModelGardenApi } from '../../src/vscode/api';
import type { PanelState } from '../../src/webview/inference/protocol';
import { fixture, repoRoot } from '../fixtures';
import { EXTENSION_ID } from '../integration/extension';

describe('installed .vsix (smoke)', function () {
  let api: ModelGardenApi;

  it('runs from the installed copy in the fresh extensions folder, not from the sources, and activates', async function () {
    const installedDir = process.env.MG_INSTALLED_EXTENSIONS_DIR;
    assert.ok(
      installedDir,
      'MG_INSTALLED_EXTENSIONS_DIR is not set: run this suite through the package tier',
    );
    const extension = vscode.extensions.getExtension<ModelGardenApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not installed`);
    const where = fs.realpathSync(extension.extensionPath);
    assert.ok(
      where.startsWith(fs.realpathSync(installedDir) + path.sep),
      `running from ${where}, not from ${installedDir}`,
    );
    assert.ok(!where.startsWith(fs.realpathSync(repoRoot) + path.sep), 'running from the source folder');
    assert.ok(!fs.existsSync(path.join(where, 'src')), 'the package holds sources');
    assert.ok(!fs.existsSync(path.join(where, 'node_modules')), 'the package holds node_modules');
    api = await extension.activate();
    assert.ok(extension.isActive);
    assert.ok(api.activationMs >= 0);
  });

  it('shows the 17 catalog models', function () {
    const families = api.catalog.provider.getChildren();
    const models = families.flatMap((family) => api.catalog.provider.getChildren(family));
    assert.equal(models.length, 17);
  });

  it('tokenizes a text with the ALBERT SentencePiece model shipped in the package', async function () {
    const ok = await vscode.commands.executeCommand<boolean>(
      'modelGarden.tokenization.selectTokenizer',
      'albert_en_base',
    );
    assert.equal(ok, true, 'the bundled 30k-clean.model did not load');
    const text = 'The quick brown fox jumps over the lazy dog.';
    const doc = await vscode.workspace.openTextDocument({ content: text });
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(0, 0, 0, text.length);
    await vscode.commands.executeCommand('modelGarden.tokenization.inspect');
    await api.tokenization.idle();
    const tokens = api.tokenization.tokens(doc.uri) ?? [];
    assert.ok(tokens.length >= 9, `${tokens.length} tokens`);
    assert.equal(tokens[0]?.piece, '▁the');
    assert.ok(tokens.every((t) => t.kind !== 'unk'));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('runs the tiny BERT fixture on the bundled wasm backend: fill-mask, no backend warning', async function () {
    const checkpoint = fixture(this, 'kerasbert_tiny_bert_tf1');
    const text = 'all work and [MASK] play makes jack a dull boy';
    const doc = await vscode.workspace.openTextDocument({ content: text });
    const editor = await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
    editor.selection = new vscode.Selection(0, 0, 0, text.length);
    const state = await vscode.commands.executeCommand<PanelState>('modelGarden.inference.runOnSelection', {
      checkpoint,
      text,
    });
    assert.equal(state?.error, undefined, state?.error);
    assert.match(state?.model?.backend ?? '', /^wasm \(SIMD/);
    assert.equal(state?.model?.backendWarning, undefined);
    assert.equal(state?.fillMask?.[0]?.position, 4, JSON.stringify(state?.tokens?.map((t) => t.piece)));
    assert.ok((state?.fillMask?.[0]?.candidates.length ?? 0) > 0);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('puts the bundled CLI on the terminal PATH, and it runs from the installed copy', async function () {
    const command = await vscode.commands.executeCommand<string>('modelGarden.cli.addToTerminalPath');
    try {
      assert.ok(command, 'no wrapper written');
      const out = execFileSync(command, ['catalog', '--json'], { encoding: 'utf8', timeout: 60_000 });
      assert.equal((JSON.parse(out) as unknown[]).length, 17);
      const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
      assert.ok(
        fs.readFileSync(command, 'utf8').includes(path.join(extension.extensionPath, 'dist', 'cli.js')),
      );
    } finally {
      await vscode.commands.executeCommand('modelGarden.cli.removeFromTerminalPath');
    }
  });
});
