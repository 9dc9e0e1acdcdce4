// Local Checkpoints as a user meets them: labels that tell checkpoints apart, an incomplete copy
// marked, the report rendered read-only, and Run Model with This Checkpoint.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CheckpointNode } from '../../src/vscode/checkpoints/nodes';
import type { PanelState } from '../../src/webview/inference/protocol';
import { fixture } from '../fixtures';
import { activateExtension } from './extension';

type Checkpoint = Extract<CheckpointNode, { type: 'checkpoint' }>;

describe('local checkpoint rows and actions', () => {
  let root: string;
  let complete: string;
  let incomplete: string;

  before(async function () {
    const src = fixture(this, 'kerasbert_tiny_bert_tf1');
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the run opens a workspace folder');
    root = path.join(folder.uri.fsPath, 'ux_checkpoints');
    const full = path.join(root, 'run_a');
    const partial = path.join(root, 'run_b');
    fs.mkdirSync(full, { recursive: true });
    fs.mkdirSync(partial, { recursive: true });
    for (const f of [
      'bert_model.ckpt.index',
      'bert_model.ckpt.data-00000-of-00001',
      'bert_config.json',
      'vocab.txt',
    ])
      fs.copyFileSync(path.join(src, f), path.join(full, f));
    // An interrupted copy: the index without its data shard.
    fs.copyFileSync(path.join(src, 'bert_model.ckpt.index'), path.join(partial, 'bert_model.ckpt.index'));
    complete = path.join(full, 'bert_model.ckpt');
    incomplete = path.join(partial, 'bert_model.ckpt');
    await activateExtension();
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(root, { recursive: true, force: true });
  });

  async function node(prefix: string): Promise<Checkpoint> {
    const { checkpoints } = await activateExtension();
    const nodes = await checkpoints.refresh();
    const found = nodes.find((n): n is Checkpoint => n.type === 'checkpoint' && n.prefix === prefix);
    assert.ok(found, `${prefix} is not listed`);
    return found;
  }

  it('labels checkpoints by their own folder and name, with where they are in the description', async () => {
    const { checkpoints } = await activateExtension();
    const a = checkpoints.provider.getTreeItem(await node(complete));
    const b = checkpoints.provider.getTreeItem(await node(incomplete));
    assert.equal(a.label, 'run_a/bert_model.ckpt');
    assert.equal(b.label, 'run_b/bert_model.ckpt');
    assert.match(String(a.description), / · ux_checkpoints$/);
    assert.match(
      String((a.tooltip as vscode.MarkdownString).value),
      new RegExp(complete.replace(/[\\/.]/g, '.')),
    );
  });

  it('marks a checkpoint whose data shard is missing, with the same parameter count as its rows', async () => {
    const { checkpoints } = await activateExtension();
    const n = await node(incomplete);
    const item = checkpoints.provider.getTreeItem(n);
    assert.match(String(item.description), /^data missing \(1 of 1 shards\)/);
    assert.match(String(item.contextValue), /\bcheckpointIncomplete\b/);
    assert.equal((item.iconPath as vscode.ThemeIcon).id, 'warning');
    const tooltip = (item.tooltip as vscode.MarkdownString).value;
    assert.match(tooltip, /bert_model\.ckpt\.data-00000-of-00001/);
    // The scope rows' parameters add up to the number the tooltip gives.
    let sum = 0;
    for (const scope of await checkpoints.provider.getChildren(n)) {
      const match = /([\d,]+) params/.exec(String(checkpoints.provider.getTreeItem(scope).description));
      assert.ok(match);
      sum += Number(match[1].replace(/,/g, ''));
    }
    assert.ok(sum > 0);
    assert.ok(tooltip.includes(`${sum.toLocaleString('en-US')} parameters`), tooltip);
    // The complete copy is not marked.
    const whole = checkpoints.provider.getTreeItem(await node(complete));
    assert.equal(whole.contextValue, 'checkpoint');
    assert.doesNotMatch(String(whole.description), /missing/);
  });

  it('opens the report rendered and read-only, never as an unsaved document', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const report = await vscode.commands.executeCommand<string>(
      'modelGarden.checkpoints.openReport',
      complete,
    );
    assert.match(report, /## Parameters per scope/);
    for (let i = 0; i < 40; i++) {
      if (vscode.window.tabGroups.all.flatMap((g) => g.tabs).length > 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs);
    assert.ok(
      tabs.some(
        (t) => t.input instanceof vscode.TabInputWebview && /markdown\.preview/.test(t.input.viewType),
      ),
      `no rendered preview: ${tabs.map((t) => t.label).join(', ')}`,
    );
    assert.ok(!vscode.workspace.textDocuments.some((d) => d.isUntitled), 'an untitled document was opened');
    assert.ok(!tabs.some((t) => t.isDirty), 'a tab asks to be saved');
  });

  it('Run Model with This Checkpoint runs the selection with that checkpoint', async function () {
    const { checkpoints } = await activateExtension();
    const text = 'all work and [MASK] play makes jack a dull boy';
    const doc = await vscode.workspace.openTextDocument({ content: text });
    const editor = await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
    editor.selection = new vscode.Selection(0, 0, 0, text.length);
    const state = await vscode.commands.executeCommand<PanelState>(
      'modelGarden.checkpoints.runModel',
      await node(complete),
    );
    assert.ok(state, 'no panel state');
    assert.equal(state.error, undefined, state.error);
    assert.ok(
      state.tokens?.some((t) => t.piece === '[MASK]'),
      JSON.stringify(state.tokens?.slice(0, 6)),
    );
    assert.ok(checkpoints.view);
  });
});
