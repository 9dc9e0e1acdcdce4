import * as vscode from 'vscode';
import {
  FAMILIES,
  filterCatalog,
  isEmptyFilter,
  describeFilter,
  type CatalogFilter,
} from '../../core/catalog';
import { detailNodes, treeItem, type CatalogNode, type FamilyNode } from './nodes';

/** What another feature adds to a catalog model row. */
export interface ModelDecorator {
  /** Appended to the row's description. */
  description?(modelId: string): string | undefined;
  /** Words appended to the row's contextValue, for menu `when` clauses (`viewItem =~ /\\bdownloaded\\b/`). */
  contextTags?(modelId: string): readonly string[];
  /** One more detail row under the model. */
  detail?(modelId: string): { label: string; value: string; icon: string } | undefined;
}

/** The "Catalog" tree: families → models → detail rows, narrowed by the current filter. */
export class CatalogTreeProvider implements vscode.TreeDataProvider<CatalogNode> {
  private readonly changed = new vscode.EventEmitter<CatalogNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private currentFilter: CatalogFilter = {};
  /** What other features add to model rows (e.g. their download state). */
  private decorators: ModelDecorator[] = [];
  /** Ids of the rows the user expanded: rows hidden by a filter come back expanded when it is cleared. */
  private readonly expanded = new Set<string>();

  /** Follows the view's expand/collapse events. */
  trackExpansion(view: vscode.TreeView<CatalogNode>): vscode.Disposable {
    return vscode.Disposable.from(
      view.onDidExpandElement((e) => {
        const id = treeItem(e.element).id;
        if (id) this.expanded.add(id);
      }),
      view.onDidCollapseElement((e) => {
        const id = treeItem(e.element).id;
        if (id) this.expanded.delete(id);
      }),
    );
  }

  isExpanded(node: CatalogNode): boolean {
    const id = treeItem(node).id;
    return id !== undefined && this.expanded.has(id);
  }

  get filter(): CatalogFilter {
    return this.currentFilter;
  }

  setFilter(filter: CatalogFilter): void {
    this.currentFilter = isEmptyFilter(filter) ? {} : filter;
    this.refresh();
  }

  /** Adds a decorator for model rows; returns a disposable that removes it. */
  addModelDecorator(decorator: ModelDecorator): vscode.Disposable {
    this.decorators.push(decorator);
    this.refresh();
    return new vscode.Disposable(() => {
      this.decorators = this.decorators.filter((d) => d !== decorator);
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
    if (
      item.id &&
      this.expanded.has(item.id) &&
      item.collapsibleState !== vscode.TreeItemCollapsibleState.None
    )
      item.collapsibleState = vscode.TreeItemCollapsibleState.Expanded;
    if (node.kind === 'model') {
      const id = node.model.id;
      const suffixes = this.decorators.map((d) => d.description?.(id)).filter(Boolean);
      if (suffixes.length > 0) item.description = [item.description, ...suffixes].join(' · ');
      const tags = this.decorators.flatMap((d) => d.contextTags?.(id) ?? []);
      if (tags.length > 0) item.contextValue = [item.contextValue, ...tags].join(' ');
    }
    return item;
  }

  getChildren(node?: CatalogNode): CatalogNode[] {
    if (!node) return this.families();
    switch (node.kind) {
      case 'family':
        return node.models.map((model) => ({ kind: 'model' as const, model }));
      case 'model':
        return [
          ...detailNodes(node.model),
          ...this.decorators.flatMap((d) => {
            const row = d.detail?.(node.model.id);
            return row ? [{ kind: 'detail' as const, model: node.model, ...row }] : [];
          }),
        ];
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
