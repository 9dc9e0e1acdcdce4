import * as path from 'node:path';
import * as vscode from 'vscode';
import { formatBytes, numElements, type TensorEntry } from '../../core/checkpoint';
import type { LoadedCheckpoint } from './load';

export type CheckpointNode =
  | {
      readonly type: 'checkpoint';
      readonly prefix: string;
      /** Label: the checkpoint's own folder and name (`run1/ckpt-100`, `my_model (SavedModel)`). */
      readonly label: string;
      /** Where it is: the folder holding it, relative to its workspace or added folder. */
      readonly location: string;
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

/**
 * A label that tells checkpoints apart at any width: the checkpoint's own folder and name, a
 * SavedModel by its folder (not `variables/variables`); `where` is the folder holding that.
 */
export function checkpointLabel(prefix: string): { label: string; where: string } {
  const name = path.basename(prefix);
  const dir = path.dirname(prefix);
  if (name === 'variables' && path.basename(dir) === 'variables') {
    const model = path.dirname(dir);
    return { label: `${path.basename(model)} (SavedModel)`, where: path.dirname(model) };
  }
  return { label: `${path.basename(dir)}/${name}`, where: path.dirname(dir) };
}

/** "N parameters (M model, K optimizer)": the same numbers the scope rows add up to. */
export function parameterSummary(loaded: LoadedCheckpoint): string {
  const r = loaded.report;
  const n = (x: number) => x.toLocaleString('en-US');
  const parts = [
    r.modelParameters > 0 ? `${n(r.modelParameters)} model` : undefined,
    r.optimizerParameters > 0 ? `${n(r.optimizerParameters)} optimizer` : undefined,
  ].filter(Boolean);
  const rest = r.totalParameters - r.modelParameters - r.optimizerParameters;
  if (parts.length > 0 && rest > 0) parts.push(`${n(rest)} other`);
  return `${n(r.totalParameters)} parameters${parts.length ? ` (${parts.join(', ')})` : ' (not recognised as an encoder)'}`;
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
        item.description = ['unreadable', node.location].filter(Boolean).join(' · ');
        item.iconPath = new vscode.ThemeIcon('error');
        item.tooltip = `${node.prefix}\n${node.error ?? ''}`;
        item.contextValue = 'checkpointError';
        item.collapsibleState = vscode.TreeItemCollapsibleState.None;
        return item;
      }
      const d = node.loaded.description;
      const missing = node.loaded.missingShards;
      item.description = [
        missing.length > 0
          ? `data missing (${missing.length} of ${node.loaded.numShards} shards)`
          : undefined,
        checkpointDescription(node.loaded),
        node.latest ? 'latest' : undefined,
        node.location || undefined,
      ]
        .filter(Boolean)
        .join(' · ');
      item.iconPath =
        missing.length > 0
          ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'))
          : new vscode.ThemeIcon(node.latest ? 'database' : 'archive');
      item.contextValue = missing.length > 0 ? 'checkpoint checkpointIncomplete' : 'checkpoint';
      item.tooltip = new vscode.MarkdownString(
        [
          `**${node.label}**`,
          '',
          `\`${node.prefix}\``,
          '',
          ...(missing.length > 0
            ? [
                `$(warning) The index names ${node.loaded.numShards} data shard${node.loaded.numShards === 1 ? '' : 's'}, ${missing.length} missing: ${missing.map((f) => `\`${path.basename(f)}\``).join(', ')}. The sizes and shapes come from the index; the weights cannot be read.`,
                '',
              ]
            : []),
          `${d.family}, naming \`${d.scheme}\`, ${node.loaded.tensors.length} tensors, ${parameterSummary(node.loaded)}`,
          '',
          `Heads: ${d.headsPresent.join(', ') || 'none'} · Optimizer: ${d.optimizerSlots.join(', ') || 'none'}`,
        ].join('\n'),
        true,
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
