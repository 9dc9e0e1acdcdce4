import * as vscode from 'vscode';
import {
  FAMILIES,
  filterCatalog,
  isEmptyFilter,
  describeFilter,
  type CatalogFilter,
} from '../../core/catalog';
import { detailNodes, treeItem, type CatalogNode, type FamilyNode } from './nodes';

/** The "Catalog" tree: families → models → detail rows, narrowed by the current filter. */
export class CatalogTreeProvider implements vscode.TreeDataProvider<CatalogNode> {
  private readonly changed = new vscode.EventEmitter<CatalogNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private currentFilter: CatalogFilter = {};
  /** Extra description for a model row (e.g. its download state), supplied by other features. */
  private decorators: ((modelId: string) => string | undefined)[] = [];

  get filter(): CatalogFilter {
    return this.currentFilter;
  }

  setFilter(filter: CatalogFilter): void {
    this.currentFilter = isEmptyFilter(filter) ? {} : filter;
    this.refresh();
  }

  /** Adds a suffix provider for model descriptions; returns a disposable that removes it. */
  addDescriptionSuffix(suffix: (modelId: string) => string | undefined): vscode.Disposable {
    this.decorators.push(suffix);
    this.refresh();
    return new vscode.Disposable(() => {
      this.decorators = this.decorators.filter((d) => d !== suffix);
      this.refresh();
    });
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  /** The families shown for the current filter, each with its matching models. */
  families(): FamilyNode[] {
    const models = filterCatalog(this.currentFilter);
    return FAMILIES.map((family) => ({
      kind: 'family' as const,
      family,
      models: models.filter((m) => m.family === family),
    })).filter((node) => node.models.length > 0);
  }

  filterDescription(): string | undefined {
    return isEmptyFilter(this.currentFilter) ? undefined : `Filter: ${describeFilter(this.currentFilter)}`;
  }

  getTreeItem(node: CatalogNode): vscode.TreeItem {
    const item = treeItem(node);
    if (node.kind === 'model') {
      const suffixes = this.decorators.map((d) => d(node.model.id)).filter(Boolean);
      if (suffixes.length > 0) item.description = [item.description, ...suffixes].join(' · ');
    }
    return item;
  }

  getChildren(node?: CatalogNode): CatalogNode[] {
    if (!node) return this.families();
    switch (node.kind) {
      case 'family':
        return node.models.map((model) => ({ kind: 'model' as const, model }));
      case 'model':
        return detailNodes(node.model);
      case 'detail':
        return [];
    }
  }

  getParent(node: CatalogNode): CatalogNode | undefined {
    switch (node.kind) {
      case 'family':
        return undefined;
      case 'model':
        return this.families().find((f) => f.family === node.model.family);
      case 'detail':
        return { kind: 'model', model: node.model };
    }
  }
}
