import * as vscode from 'vscode';
import { CATALOG, findModel, type CatalogModel } from '../../core/catalog';
import { catalogUrl, type DownloadKind } from '../../core/download';
import { modelIdOf } from '../catalog/nodes';

interface ModelItem extends vscode.QuickPickItem {
  readonly model: CatalogModel;
}

/**
 * The catalog model a command targets: its argument (tree node, id, `{ id }`), else one picked
 * from the catalog (only models that have `kind`, when given). Undefined when the user cancels.
 */
export async function targetModel(
  target: unknown,
  placeholder: string,
  kind?: DownloadKind,
  only?: (model: CatalogModel) => boolean,
): Promise<CatalogModel | undefined> {
  const id = modelIdOf(target);
  if (id) {
    const model = findModel(id);
    if (!model) void vscode.window.showErrorMessage(`Unknown catalog model "${id}".`);
    return model;
  }
  const items: ModelItem[] = CATALOG.filter(
    (m) => (!kind || catalogUrl(m, kind) !== null) && (!only || only(m)),
  ).map((model) => ({ model, label: model.name, description: model.id }));
  if (items.length === 0) {
    void vscode.window.showInformationMessage('No catalog model applies.');
    return undefined;
  }
  return (await vscode.window.showQuickPick(items, { placeHolder: placeholder, matchOnDescription: true }))
    ?.model;
}
