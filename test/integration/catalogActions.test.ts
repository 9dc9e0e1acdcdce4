// Catalog actions a user reaches from the rows: the model card opened rendered and read-only, Copy and
// Open on detail rows, a family's menu, and expansion surviving a filter.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { CatalogNode, DetailNode, FamilyNode } from '../../src/vscode/catalog/nodes';
import { activateExtension } from './extension';

const MODEL = 'bert_en_uncased_L-12_H-768_A-12';

function tabsOf(uri: vscode.Uri): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter(
      (t) =>
        (t.input instanceof vscode.TabInputWebview && /markdown\.preview/.test(t.input.viewType)) ||
        (t.input instanceof vscode.TabInputText && t.input.uri.toString() === uri.toString()),
    );
}

describe('catalog row actions', () => {
  before(async () => {
    await activateExtension();
  });
  afterEach(async () => {
    await vscode.commands.executeCommand('modelGarden.catalog.clearFilter');
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Open Model Card shows the card rendered in a Markdown preview, read-only and user-facing', async () => {
    const uri = await vscode.commands.executeCommand<vscode.Uri>('modelGarden.catalog.openModelCard', MODEL);
    assert.ok(uri, 'the command returned the document');
    assert.equal(uri.scheme, 'model-garden');
    const doc = await vscode.workspace.openTextDocument(uri);
    assert.match(doc.getText(), /^# BERT-base uncased English/);
    assert.doesNotMatch(doc.getText(), /INFERRED|UNVERIFIED|Tarball layout/);
    assert.equal(doc.isDirty, false);
    // Virtual documents cannot be edited: an edit is refused rather than leaving an unsaved buffer.
    const edit = new vscode.WorkspaceEdit();
    edit.insert(uri, new vscode.Position(0, 0), 'x');
    await vscode.workspace.applyEdit(edit).then(
      () => undefined,
      () => undefined,
    );
    assert.equal(doc.isDirty, false, 'the card became an editable, unsaved document');
    for (let i = 0; i < 40 && tabsOf(uri).length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    const tabs = tabsOf(uri);
    assert.ok(tabs.length > 0, 'no Markdown preview tab was opened');
    assert.ok(
      tabs.some((t) => t.input instanceof vscode.TabInputWebview),
      `the card is not rendered: ${tabs.map((t) => t.label).join(', ')}`,
    );
  });

  it('detail rows copy on click (checkpoint) and open in the browser (TF-Hub), with menus', async () => {
    const { catalog } = await activateExtension();
    const family = catalog.provider.getChildren().find((n) => n.kind === 'family' && n.family === 'bert')!;
    const model = catalog.provider
      .getChildren(family)
      .find((n) => n.kind === 'model' && n.model.id === MODEL)!;
    const details = catalog.provider.getChildren(model) as DetailNode[];
    const checkpoint = details.find((d) => d.label === 'Checkpoint')!;
    const hub = details.find((d) => d.label === 'TF-Hub')!;
    const checkpointItem = catalog.provider.getTreeItem(checkpoint);
    assert.equal(checkpointItem.command?.command, 'modelGarden.catalog.copyDetail');
    assert.match(String(checkpointItem.contextValue), /\bdetailCopy\b/);
    assert.doesNotMatch(String(checkpointItem.contextValue), /\bdetailUrl\b/, 'a tarball is not opened');
    const hubItem = catalog.provider.getTreeItem(hub);
    assert.equal(hubItem.command?.command, 'modelGarden.catalog.openDetail');
    assert.match(String(hubItem.contextValue), /\bdetailUrl\b/);
    // Run the click's command as VS Code would, with its arguments.
    await vscode.env.clipboard.writeText('');
    await vscode.commands.executeCommand(
      checkpointItem.command!.command,
      ...(checkpointItem.command!.arguments ?? []),
    );
    assert.equal(await vscode.env.clipboard.readText(), checkpoint.model.checkpointUrl);
    await vscode.commands.executeCommand('modelGarden.catalog.copyDetail', hub);
    assert.equal(await vscode.env.clipboard.readText(), hub.model.hubUrl);
  });

  it('a family row has a menu: Show Only This Family', async () => {
    const { catalog } = await activateExtension();
    const albert = catalog.provider.getChildren().find((n) => n.kind === 'family' && n.family === 'albert')!;
    assert.equal(catalog.provider.getTreeItem(albert).contextValue, 'family');
    const count = await vscode.commands.executeCommand<number>('modelGarden.catalog.filterFamily', albert);
    assert.equal(count, 4);
    assert.deepEqual(
      catalog.provider.getChildren().map((n) => (n as FamilyNode).family),
      ['albert'],
    );
  });

  it('clearing a filter keeps the families the user had open', async () => {
    const { catalog } = await activateExtension();
    await vscode.commands.executeCommand('modelGarden.catalog.focus');
    const electra = (): CatalogNode =>
      catalog.provider.getChildren().find((n) => n.kind === 'family' && n.family === 'electra')!;
    await catalog.view.reveal(electra(), { expand: true, select: false, focus: false });
    for (let i = 0; i < 40 && !catalog.provider.isExpanded(electra()); i++)
      await new Promise((r) => setTimeout(r, 50));
    assert.ok(catalog.provider.isExpanded(electra()), 'the expansion was seen');
    // A filter that hides ELECTRA, then cleared.
    await vscode.commands.executeCommand('modelGarden.catalog.filter', { family: 'albert' });
    assert.equal(
      catalog.provider.getChildren().some((n) => n.kind === 'family' && n.family === 'electra'),
      false,
    );
    await vscode.commands.executeCommand('modelGarden.catalog.clearFilter');
    assert.equal(
      catalog.provider.getTreeItem(electra()).collapsibleState,
      vscode.TreeItemCollapsibleState.Expanded,
    );
  });
});
