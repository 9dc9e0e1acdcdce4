import * as vscode from 'vscode';
import {
  FAMILY_LABELS,
  describe,
  modelCard,
  shapeLabel,
  type CatalogModel,
  type Family,
} from '../../core/catalog';

export interface FamilyNode {
  readonly kind: 'family';
  readonly family: Family;
  readonly models: readonly CatalogModel[];
}

export interface ModelNode {
  readonly kind: 'model';
  readonly model: CatalogModel;
}

export interface DetailNode {
  readonly kind: 'detail';
  readonly model: CatalogModel;
  readonly label: string;
  readonly value: string;
  readonly icon: string;
  /** Opened in the browser on click (a web page, never a tarball). */
  readonly url?: string;
  /** What Copy puts on the clipboard (default: the value); also the click action without a url. */
  readonly copy?: string;
}

export type CatalogNode = FamilyNode | ModelNode | DetailNode;

/** The catalog id a command was invoked on: a tree node, a model id string, or an `{ id }` object. */
export function modelIdOf(target: unknown): string | undefined {
  if (typeof target === 'string') return target;
  if (target && typeof target === 'object') {
    const node = target as { model?: { id?: unknown }; id?: unknown };
    if (node.model && typeof node.model.id === 'string') return node.model.id;
    if (typeof node.id === 'string') return node.id;
  }
  return undefined;
}

export function detailNodes(model: CatalogModel): DetailNode[] {
  const unknown = 'unknown';
  const rows: DetailNode[] = [
    {
      kind: 'detail',
      model,
      label: 'Configuration',
      value:
        shapeLabel(model) +
        (model.config ? ` (${model.config})` : '') +
        (model.sizesVerified ? '' : ' — from the paper'),
      icon: 'symbol-ruler',
      copy: model.config ?? shapeLabel(model),
    },
    {
      kind: 'detail',
      model,
      label: 'Vocabulary',
      value: `${model.vocabSize} ${model.tokenizer === 'wordpiece' ? 'WordPiece' : 'SentencePiece'} · ${model.casing}`,
      icon: 'symbol-text',
    },
    { kind: 'detail', model, label: 'Training data', value: model.trainingData, icon: 'database' },
    {
      kind: 'detail',
      model,
      label: 'Checkpoint',
      value: model.checkpointUrl ?? 'none (TF-Hub only)',
      // Click copies: opening a multi-gigabyte tarball URL would start a browser download.
      icon: 'package',
      ...(model.checkpointUrl ? { copy: model.checkpointUrl } : {}),
    },
    {
      kind: 'detail',
      model,
      label: 'TF-Hub',
      value: model.hubUrl ?? 'none',
      icon: 'cloud',
      url: model.hubUrl ?? undefined,
    },
    {
      kind: 'detail',
      model,
      label: 'Preprocessing',
      value: model.preprocessUrl ?? unknown,
      icon: 'symbol-namespace',
      url: model.preprocessUrl ?? undefined,
    },
  ];
  return rows;
}

/** The text Copy puts on the clipboard for a detail row, or undefined when there is nothing to copy. */
export function detailCopyText(node: DetailNode): string | undefined {
  if (node.copy) return node.copy;
  if (node.url) return node.url;
  return /^(none|unknown)\b/.test(node.value) ? undefined : node.value;
}

export function treeItem(node: CatalogNode): vscode.TreeItem {
  switch (node.kind) {
    case 'family': {
      const item = new vscode.TreeItem(FAMILY_LABELS[node.family], vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `family:${node.family}`;
      item.description = `${node.models.length} ${node.models.length === 1 ? 'model' : 'models'}`;
      item.contextValue = 'family';
      item.iconPath = new vscode.ThemeIcon('folder-library');
      return item;
    }
    case 'model': {
      const { model } = node;
      const item = new vscode.TreeItem(model.name, vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `model:${model.id}`;
      item.description = describe(model);
      const open = `command:modelGarden.catalog.openModelCard?${encodeURIComponent(JSON.stringify([model.id]))}`;
      const tooltip = new vscode.MarkdownString(`${modelCard(model)} · [Open Model Card](${open})`);
      tooltip.supportHtml = false;
      tooltip.isTrusted = { enabledCommands: ['modelGarden.catalog.openModelCard'] };
      item.tooltip = tooltip;
      item.contextValue = ['model', model.checkpointUrl ? 'hasCheckpoint' : '', model.hubUrl ? 'hasHub' : '']
        .filter(Boolean)
        .join(' ');
      item.iconPath = new vscode.ThemeIcon(
        model.tokenizer === 'sentencepiece' ? 'symbol-event' : 'symbol-class',
      );
      return item;
    }
    case 'detail': {
      const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
      item.id = `detail:${node.model.id}:${node.label}`;
      item.description = node.value;
      const copyable = detailCopyText(node);
      item.tooltip =
        `${node.label}: ${node.value}\n${node.url ? 'Click to open in the browser' : copyable ? 'Click to copy' : ''}`.trim();
      item.iconPath = new vscode.ThemeIcon(node.icon);
      // Menu `when` clauses: Copy on rows with a value to copy, Open on rows with a web page.
      item.contextValue = ['detail', copyable ? 'detailCopy' : '', node.url ? 'detailUrl' : '']
        .filter(Boolean)
        .join(' ');
      if (node.url) {
        item.command = {
          command: 'modelGarden.catalog.openDetail',
          title: 'Open in Browser',
          arguments: [node],
        };
      } else if (copyable) {
        item.command = { command: 'modelGarden.catalog.copyDetail', title: 'Copy', arguments: [node] };
      }
      return item;
    }
  }
}
