import * as path from 'node:path';
import * as vscode from 'vscode';
import { formatBytes, numElements, type TensorEntry } from '../../core/checkpoint';
import type { LoadedCheckpoint } from './load';

export type CheckpointNode =
  | {
      readonly type: 'checkpoint';
      readonly prefix: string;
      /** Label: the prefix relative to its workspace or added folder. */
      readonly label: string;
      readonly latest: boolean;
      readonly loaded?: LoadedCheckpoint;
      readonly error?: string;
    }
  | {
      readonly type: 'scope';
      readonly prefix: string;
      readonly scope: string;
      readonly tensors: readonly TensorEntry[];
    }
  | { readonly type: 'variable'; readonly prefix: string; readonly entry: TensorEntry };

/** The prefix of a command target: a checkpoint node, any node of it, a prefix string or a Uri. */
export function prefixOf(target: unknown): string | undefined {
  if (typeof target === 'string') return target;
  if (target instanceof vscode.Uri) return target.fsPath.replace(/\.index$/, '');
  if (target && typeof target === 'object' && 'prefix' in target && typeof target.prefix === 'string')
    return target.prefix;
  return undefined;
}

export function checkpointDescription(loaded: LoadedCheckpoint): string {
  const d = loaded.description;
  const parts = [
    d.step !== undefined ? `step ${d.step}` : undefined,
    d.family !== 'unknown' ? `${d.family} L-${d.layers} H-${d.hidden ?? '?'}` : undefined,
    formatBytes(loaded.report.totalBytes),
  ];
  return parts.filter(Boolean).join(' · ');
}

export function treeItem(node: CheckpointNode): vscode.TreeItem {
  switch (node.type) {
    case 'checkpoint': {
      const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `ckpt:${node.prefix}`;
      item.resourceUri = vscode.Uri.file(node.prefix + '.index');
      if (node.error || !node.loaded) {
        item.description = 'unreadable';
        item.iconPath = new vscode.ThemeIcon('error');
        item.tooltip = node.error;
        item.contextValue = 'checkpointError';
        item.collapsibleState = vscode.TreeItemCollapsibleState.None;
        return item;
      }
      const d = node.loaded.description;
      item.description = checkpointDescription(node.loaded) + (node.latest ? ' · latest' : '');
      item.iconPath = new vscode.ThemeIcon(node.latest ? 'database' : 'archive');
      item.contextValue = 'checkpoint';
      item.tooltip = new vscode.MarkdownString(
        [
          `**${path.basename(node.prefix)}**`,
          '',
          `${node.prefix}`,
          '',
          `${d.family}, naming \`${d.scheme}\`, ${node.loaded.tensors.length} tensors, ${node.loaded.report.modelParameters.toLocaleString('en-US')} model parameters`,
          '',
          `Heads: ${d.headsPresent.join(', ') || 'none'} · Optimizer: ${d.optimizerSlots.join(', ') || 'none'}`,
        ].join('\n'),
      );
      return item;
    }
    case 'scope': {
      const item = new vscode.TreeItem(node.scope, vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `scope:${node.prefix}:${node.scope}`;
      const params = node.tensors
        .filter((t) => t.dtypeName !== 'string')
        .reduce((n, t) => n + numElements(t.shape), 0);
      item.description = `${node.tensors.length} tensors · ${params.toLocaleString('en-US')} params`;
      item.iconPath = new vscode.ThemeIcon(
        node.scope === 'optimizer' ? 'gear' : node.scope.startsWith('head') ? 'target' : 'layers',
      );
      item.contextValue = 'checkpointScope';
      return item;
    }
    case 'variable': {
      const e = node.entry;
      const item = new vscode.TreeItem(e.key, vscode.TreeItemCollapsibleState.None);
      item.id = `var:${node.prefix}:${e.key}`;
      item.description = `${e.dtypeName} [${e.shape.join(',')}] · ${formatBytes(e.size)}`;
      item.tooltip = `${e.key}\n${e.dtypeName} [${e.shape.join(', ')}]\nshard ${e.shard}, offset ${e.offset}, ${e.size} bytes${e.slices.length ? `\npartitioned into ${e.slices.length} slices` : ''}`;
      item.iconPath = new vscode.ThemeIcon('symbol-variable');
      item.contextValue = 'checkpointVariable';
      return item;
    }
  }
}
