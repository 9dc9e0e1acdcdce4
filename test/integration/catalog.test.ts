import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activateExtension, EXTENSION_ID } from './extension';

interface Manifest {
  contributes: { commands: { command: string }[]; views?: Record<string, { id: string }[]> };
}

describe('catalog in VS Code', () => {
  before(async () => {
    await activateExtension();
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('modelGarden.catalog.clearFilter');
  });

  it('runs in the real VS Code 1.100 extension host and activates quickly without TensorFlow.js', async () => {
    assert.match(vscode.version, /^1\.100\./);
    const api = await activateExtension();
    console.log(`      activation took ${api.activationMs.toFixed(1)} ms (VS Code ${vscode.version})`);
    // A bound with a wide margin (about 80 ms on a loaded 2-core machine): loading TensorFlow.js, a
    // vocabulary or a checkpoint during activation would exceed it.
    assert.ok(api.activationMs < 1500, `activation took ${api.activationMs.toFixed(0)} ms`);
    // TensorFlow.js registers its engine on the global object when it loads; the extension host must
    // not pay for it at activation (it is loaded in the inference worker, on demand).
    assert.equal(
      (globalThis as Record<string, unknown>)._tfengine,
      undefined,
      'activation loaded TensorFlow.js',
    );
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    const bundle = fs.readFileSync(path.join(extension.extensionPath, 'dist', 'extension.js'), 'utf8');
    assert.doesNotMatch(bundle, /node_modules\/@tensorflow\//, 'dist/extension.js bundles TensorFlow.js');
    assert.ok(vscode.extensions.getExtension(EXTENSION_ID)?.isActive);
  });

  it('registers exactly the contributed commands', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    const manifest = JSON.parse(
      fs.readFileSync(path.join(extension.extensionPath, 'package.json'), 'utf8'),
    ) as Manifest;
    const contributed = manifest.contributes.commands.map((c) => c.command).sort();
    // VS Code itself registers a few commands per contributed view (`<view id>.focus`, ...).
    const viewIds = Object.values(manifest.contributes.views ?? {})
      .flat()
      .map((v) => v.id);
    const generated = /\.(focus|open|removeView|resetViewLocation|toggleVisibility)$/;
    const registered = (await vscode.commands.getCommands(true))
      .filter((id) => id.startsWith('modelGarden.'))
      .filter((id) => !(generated.test(id) && viewIds.some((view) => id.startsWith(view + '.'))))
      .sort();
    assert.deepEqual(
      contributed.filter((id) => !registered.includes(id)),
      [],
      'contributed commands without a handler',
    );
    assert.deepEqual(
      registered.filter((id) => !contributed.includes(id)),
      [],
      'registered commands that are not contributed',
    );
  });

  it('shows the four families with their model counts', async () => {
    const { catalog } = await activateExtension();
    const families = catalog.provider.getChildren();
    const items = families.map((node) => catalog.provider.getTreeItem(node));
    assert.deepEqual(
      items.map((i) => [i.label, i.description]),
      [
        ['BERT', '8 models'],
        ['BERT variants', '3 models'],
        ['ALBERT', '4 models'],
        ['ELECTRA', '2 models'],
      ],
    );
    const bert = catalog.provider.getChildren(families[0]);
    const first = catalog.provider.getTreeItem(bert[0]);
    assert.equal(first.label, 'BERT-base uncased English');
    assert.equal(first.description, 'L-12 H-768 · uncased');
    assert.match((first.tooltip as vscode.MarkdownString).value, /bert_en_uncased_L-12_H-768_A-12/);
    const details = catalog.provider.getChildren(bert[0]).map((n) => catalog.provider.getTreeItem(n));
    assert.deepEqual(
      details.map((d) => d.label),
      ['Configuration', 'Vocabulary', 'Training data', 'Checkpoint', 'TF-Hub', 'Preprocessing', 'Local copy'],
    );
    assert.equal(details[0].description, 'L-12 H-768 A-12 (uncased_L-12_H-768_A-12)');
    assert.equal(details[6].description, 'not downloaded');
    assert.equal(first.contextValue, 'model hasCheckpoint hasHub');
  });

  it('narrows the tree with the filter command and clears it', async () => {
    const { catalog } = await activateExtension();
    const shown = await vscode.commands.executeCommand<number>('modelGarden.catalog.filter', {
      family: 'albert',
      size: 'large',
    });
    assert.equal(shown, 1);
    const families = catalog.provider.getChildren();
    assert.deepEqual(
      families.map((f) => catalog.provider.getTreeItem(f).label),
      ['ALBERT'],
    );
    assert.equal(
      catalog.provider.getTreeItem(catalog.provider.getChildren(families[0])[0]).label,
      'ALBERT-large English',
    );
    assert.match(catalog.view.description ?? '', /ALBERT/);

    assert.equal(
      await vscode.commands.executeCommand('modelGarden.catalog.filter', 'no model is called this'),
      0,
    );
    assert.equal(catalog.provider.getChildren().length, 0, 'an empty tree shows the welcome content');

    await vscode.commands.executeCommand('modelGarden.catalog.clearFilter');
    assert.equal(catalog.provider.getChildren().length, 4);
    assert.equal(catalog.view.description, undefined);
  });

  it('copies the checkpoint URL and the TF-Hub handle to the clipboard', async () => {
    const { catalog } = await activateExtension();
    const bert = catalog.provider.getChildren()[0];
    const model = catalog.provider.getChildren(bert)[0];
    await vscode.env.clipboard.writeText('');
    await vscode.commands.executeCommand('modelGarden.catalog.copyCheckpointUrl', model);
    assert.equal(
      await vscode.env.clipboard.readText(),
      'https://storage.googleapis.com/tf_model_garden/nlp/bert/v3/uncased_L-12_H-768_A-12.tar.gz',
    );
    await vscode.commands.executeCommand('modelGarden.catalog.copyHubHandle', 'albert_en_base');
    assert.equal(await vscode.env.clipboard.readText(), 'https://tfhub.dev/tensorflow/albert_en_base/3');
  });
});
