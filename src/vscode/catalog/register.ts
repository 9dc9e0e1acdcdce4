import * as vscode from 'vscode';
import { MODEL_GARDEN_DOCS_URL, findModel, type CatalogFilter, type CatalogModel } from '../../core/catalog';
import { pickFilter } from './filterPick';
import { modelIdOf, type CatalogNode } from './nodes';
import { CatalogTreeProvider } from './provider';

export interface CatalogApi {
  readonly provider: CatalogTreeProvider;
  readonly view: vscode.TreeView<CatalogNode>;
}

function modelFrom(target: unknown): CatalogModel | undefined {
  const id = modelIdOf(target);
  const model = id ? findModel(id) : undefined;
  if (!model)
    void vscode.window.showErrorMessage(
      id ? `Unknown catalog model "${id}".` : 'Select a catalog model first.',
    );
  return model;
}

async function copy(text: string, what: string): Promise<void> {
  await vscode.env.clipboard.writeText(text);
  void vscode.window.setStatusBarMessage(`Copied ${what}: ${text}`, 4000);
}

/** Normalises the filter command's argument: a filter object, a free-text string, or nothing (ask). */
function filterArgument(arg: unknown): CatalogFilter | undefined {
  if (typeof arg === 'string') return { text: arg };
  if (arg && typeof arg === 'object') return arg as CatalogFilter;
  return undefined;
}

export function registerCatalog(context: vscode.ExtensionContext): CatalogApi {
  const provider = new CatalogTreeProvider();
  const view = vscode.window.createTreeView('modelGarden.catalog', {
    treeDataProvider: provider,
    showCollapseAll: true,
  });

  const applyFilter = async (filter: CatalogFilter) => {
    provider.setFilter(filter);
    view.description = provider.filterDescription();
    const filtered = provider.filterDescription() !== undefined;
    await vscode.commands.executeCommand('setContext', 'modelGarden.catalogFiltered', filtered);
    view.message = undefined;
  };

  context.subscriptions.push(
    view,
    vscode.commands.registerCommand('modelGarden.catalog.filter', async (arg?: unknown) => {
      const filter = filterArgument(arg) ?? (await pickFilter(provider.filter));
      if (filter) await applyFilter(filter);
      return provider.families().reduce((n, f) => n + f.models.length, 0);
    }),
    vscode.commands.registerCommand('modelGarden.catalog.clearFilter', () => applyFilter({})),
    vscode.commands.registerCommand('modelGarden.catalog.copyCheckpointUrl', async (target?: unknown) => {
      const model = modelFrom(target);
      if (!model) return;
      if (!model.checkpointUrl) {
        void vscode.window.showWarningMessage(
          `${model.name} has no checkpoint tarball; use its TF-Hub handle.`,
        );
        return;
      }
      await copy(model.checkpointUrl, 'checkpoint URL');
    }),
    vscode.commands.registerCommand('modelGarden.catalog.copyHubHandle', async (target?: unknown) => {
      const model = modelFrom(target);
      if (!model) return;
      if (!model.hubUrl) {
        void vscode.window.showWarningMessage(`${model.name} has no TF-Hub SavedModel in the Model Garden.`);
        return;
      }
      await copy(model.hubUrl, 'TF-Hub handle');
    }),
    vscode.commands.registerCommand('modelGarden.catalog.openOnHub', async (target?: unknown) => {
      const model = modelFrom(target);
      if (!model?.hubUrl) return;
      await vscode.env.openExternal(vscode.Uri.parse(model.hubUrl));
    }),
    vscode.commands.registerCommand('modelGarden.catalog.openDocs', () =>
      vscode.env.openExternal(vscode.Uri.parse(MODEL_GARDEN_DOCS_URL)),
    ),
  );
  return { provider, view };
}
