import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Comparison } from '../../src/core/checkpoint';
import type { CheckpointNode } from '../../src/vscode/checkpoints/nodes';
import { fixture } from '../fixtures';
import { TINY_BERT_FILES } from '../support/tinyBert';
import { topBitSnappyIndex } from '../support/corruptSnappy';
import { activateExtension } from './extension';
import { waitFor } from './wait';

describe('checkpoints in VS Code', () => {
  let root: string;
  let copied: string[] = [];

  before(async function () {
    const src = fixture(this, 'kerasbert_tiny_bert_tf1');
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) this.skip();
    root = folder.uri.fsPath;
    const dir = path.join(root, 'checkpoints', 'tiny_bert');
    fs.mkdirSync(dir, { recursive: true });
    for (const f of TINY_BERT_FILES) fs.copyFileSync(path.join(src, f), path.join(dir, f));
    copied = [path.join(root, 'checkpoints')];
    await activateExtension();
  });

  after(() => {
    for (const p of copied) fs.rmSync(p, { recursive: true, force: true });
  });

  it('lists a fixture checkpoint copied into the workspace, with step, family and size', async () => {
    const { checkpoints } = await activateExtension();
    const nodes = await checkpoints.refresh();
    const node = nodes.find(
      (n) =>
        n.type === 'checkpoint' &&
        n.prefix === path.join(root, 'checkpoints', 'tiny_bert', 'bert_model.ckpt'),
    );
    assert.ok(
      node,
      `not listed; have ${nodes.map((n) => (n.type === 'checkpoint' ? n.prefix : n.type)).join(', ')}`,
    );
    const item = checkpoints.provider.getTreeItem(node);
    // Labelled by its own folder and name; where it is comes last in the description.
    assert.equal(item.label, 'tiny_bert/bert_model.ckpt');
    // The size shown is the bytes of all tensors: the whole data shard for this fixture.
    const kb = (fs.statSync(node.prefix + '.data-00000-of-00001').size / 1e3).toFixed(1);
    assert.equal(item.description, `step 20 · bert L-2 H-4 · ${kb} kB · checkpoints`);
    assert.equal(item.contextValue, 'checkpoint');
  });

  it('expands a checkpoint into scopes and a scope into its variables with dtype, shape and size', async () => {
    const { checkpoints } = await activateExtension();
    const nodes = await checkpoints.provider.getChildren();
    const node = nodes.find(
      (n) => n.type === 'checkpoint' && n.prefix.endsWith(path.join('tiny_bert', 'bert_model.ckpt')),
    )!;
    const scopes = await checkpoints.provider.getChildren(node);
    const labels = scopes.map((s) => checkpoints.provider.getTreeItem(s).label);
    assert.deepEqual(labels, [
      'embeddings',
      'layer 0',
      'layer 1',
      'pooler',
      'head: maskedLm',
      'head: nextSentence',
      'optimizer',
      'bookkeeping',
    ]);
    const layer0 = scopes[1] as Extract<CheckpointNode, { type: 'scope' }>;
    assert.match(String(checkpoints.provider.getTreeItem(layer0).description), /^16 tensors · /);
    const variables = await checkpoints.provider.getChildren(layer0);
    const query = variables.find(
      (v) => checkpoints.provider.getTreeItem(v).label === 'bert/encoder/layer_0/attention/self/query/kernel',
    );
    assert.ok(query);
    assert.equal(checkpoints.provider.getTreeItem(query).description, 'float32 [4,4] · 64 B');
    // Expanding through the real view too.
    await checkpoints.view.reveal(query, { expand: true, select: true });
  });

  it('opens the report and compares with a catalog model', async () => {
    const prefix = path.join(root, 'checkpoints', 'tiny_bert', 'bert_model.ckpt');
    const report = await vscode.commands.executeCommand<string>('modelGarden.checkpoints.openReport', prefix);
    assert.match(report, /## Parameters per scope/);
    assert.match(report, /\| Heads \| (maskedLm, nextSentence|nextSentence, maskedLm) \|/);
    assert.match(report, /\| Optimizer slots \| adam_m, adam_v \|/);
    const comparison = await vscode.commands.executeCommand<Comparison>(
      'modelGarden.checkpoints.compare',
      prefix,
      'bert_en_uncased_L-12_H-768_A-12',
    );
    assert.equal(comparison.compatible, false);
    assert.ok(comparison.mismatched.some((m) => m.name === 'embeddings/word'));
    const own = await vscode.commands.executeCommand<Comparison>(
      'modelGarden.checkpoints.compare',
      prefix,
      path.join(root, 'checkpoints', 'tiny_bert', 'bert_config.json'),
    );
    assert.equal(own.compatible, true);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('a checkpoint with bad Snappy data in its index is an error row naming the file and the reason, not a hang', async () => {
    const { checkpoints } = await activateExtension();
    const dir = path.join(root, 'checkpoints', 'bad_snappy');
    fs.mkdirSync(dir, { recursive: true });
    const { prefix, index } = await topBitSnappyIndex(dir, 'model.ckpt');
    fs.writeFileSync(prefix + '.index', index);
    const node = (await checkpoints.refresh()).find((n) => n.type === 'checkpoint' && n.prefix === prefix);
    assert.ok(node && node.type === 'checkpoint', 'the corrupt checkpoint is listed');
    assert.match(node.error ?? '', /model\.ckpt\.index: bad Snappy data in data block at offset \d+/);
    const item = checkpoints.provider.getTreeItem(node);
    assert.equal((item.iconPath as vscode.ThemeIcon).id, 'error');
    assert.match(String(item.tooltip), /bad Snappy data/);
    fs.rmSync(dir, { recursive: true, force: true });
    await checkpoints.refresh();
  });

  it('picks up a checkpoint written while the view is open (file watcher)', async function () {
    this.timeout(90_000);
    const { checkpoints } = await activateExtension();
    await checkpoints.provider.getChildren();
    const dir = path.join(root, 'checkpoints', 'training');
    fs.mkdirSync(dir, { recursive: true });
    const src = path.join(root, 'checkpoints', 'tiny_bert');
    fs.copyFileSync(
      path.join(src, 'bert_model.ckpt.data-00000-of-00001'),
      path.join(dir, 'model.ckpt-40.data-00000-of-00001'),
    );
    fs.copyFileSync(path.join(src, 'bert_model.ckpt.index'), path.join(dir, 'model.ckpt-40.index'));
    fs.writeFileSync(path.join(dir, 'checkpoint'), 'model_checkpoint_path: "model.ckpt-40"\n');
    // The file watcher's events come late when the machine is loaded (a full run timed out once at
    // 20 s); the wait is for the event, so a longer bound costs nothing when it comes on time.
    let seen: string[] = [];
    const node = await waitFor(
      'the new checkpoint in the view',
      async () => {
        const children = await checkpoints.provider.getChildren();
        seen = children.flatMap((n) => (n.type === 'checkpoint' ? [n.prefix] : []));
        return children.find((n) => n.type === 'checkpoint' && n.prefix === path.join(dir, 'model.ckpt-40'));
      },
      60_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}; the view lists: ${seen.join(', ') || 'nothing'}`);
    });
    assert.match(String(checkpoints.provider.getTreeItem(node).description), / · latest · checkpoints$/);
  });
});
