import * as vscode from 'vscode';
import {
  CATALOG,
  MODEL_GARDEN_DOCS_URL,
  findModel,
  modelCard,
  type CatalogFilter,
  type CatalogModel,
  type Family,
} from '../../core/catalog';
import { markdownUri, registerMarkdownDocuments, showMarkdown } from '../markdown/documents';
import { pickFilter } from './filterPick';
import { detailCopyText, modelIdOf, type CatalogNode, type DetailNode } from './nodes';
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

  registerMarkdownDocuments(context);

  const applyFilter = async (filter: CatalogFilter) => {
    provider.setFilter(filter);
    view.description = provider.filterDescription();
    const filtered = provider.filterDescription() !== undefined;
    await vscode.commands.executeCommand('setContext', 'modelGarden.catalogFiltered', filtered);
    view.message = undefined;
    // A filter shows its matches: the families holding them open (clearing keeps what is open).
    if (filtered && view.visible) {
      for (const family of provider.families())
        await Promise.resolve(view.reveal(family, { expand: true, select: false, focus: false })).catch(
          () => undefined,
        );
    }
  };

  const detailOf = (target: unknown): DetailNode | undefined =>
    target && typeof target === 'object' && (target as { kind?: unknown }).kind === 'detail'
      ? (target as DetailNode)
      : undefined;

  /** Opens a model's card rendered and read-only; resolves to the document's URI. */
  const openModelCard = async (target?: unknown): Promise<vscode.Uri | undefined> => {
    let model = modelIdOf(target) !== undefined ? modelFrom(target) : undefined;
    if (!model && target === undefined) {
      const pick = await vscode.window.showQuickPick(
        CATALOG.map((m) => ({ label: m.name, description: m.id, model: m })),
        { title: 'Open Model Card', matchOnDescription: true },
      );
      model = pick?.model;
    }
    if (!model) return undefined;
    return showMarkdown(markdownUri('model-card', model.name), modelCard(model, { full: true }));
  };

  context.subscriptions.push(
    view,
    provider.trackExpansion(view),
    vscode.commands.registerCommand('modelGarden.catalog.openModelCard', openModelCard),
    vscode.commands.registerCommand('modelGarden.catalog.copyDetail', async (target?: unknown) => {
      const node = detailOf(target);
      const text = node ? detailCopyText(node) : undefined;
      if (!node || !text) return undefined;
      await copy(text, node.label);
      return text;
    }),
    vscode.commands.registerCommand('modelGarden.catalog.openDetail', async (target?: unknown) => {
      const node = detailOf(target);
      if (!node?.url) return false;
      return vscode.env.openExternal(vscode.Uri.parse(node.url));
    }),
    vscode.commands.registerCommand('modelGarden.catalog.filterFamily', async (target?: unknown) => {
      const family =
        typeof target === 'string'
          ? target
          : target && typeof target === 'object'
            ? (target as { family?: unknown }).family
            : undefined;
      if (typeof family !== 'string') return undefined;
      await applyFilter({ ...provider.filter, family: family as Family });
      return provider.families().reduce((n, f) => n + f.models.length, 0);
    }),
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
