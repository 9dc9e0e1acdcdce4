import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { findCheckpoints, latestCheckpoint } from '../../core/checkpoint';
import { trustedSetting } from '../settings/trusted';
import { loadCheckpoint, type LoadedCheckpoint } from './load';
import { checkpointLabel, treeItem, type CheckpointNode } from './nodes';

export const FOLDERS_SETTING = 'modelGarden.checkpoints.folders';

const EXCLUDE = '**/{node_modules,.git}/**';

/** Added folders: in Restricted Mode from the user settings only, so a workspace cannot point the reader anywhere. */
export function addedFolders(): string[] {
  const value = trustedSetting<string[]>(FOLDERS_SETTING);
  return Array.isArray(value) ? value.filter((v) => typeof v === 'string' && v.trim() !== '') : [];
}

export class CheckpointTreeProvider implements vscode.TreeDataProvider<CheckpointNode> {
  private readonly changed = new vscode.EventEmitter<CheckpointNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly cache = new Map<string, Promise<LoadedCheckpoint>>();
  private roots: Promise<CheckpointNode[]> | undefined;
  private readonly seen = new Set<string>();

  /** Forgets one checkpoint (or all) and redraws. */
  invalidate(prefix?: string): void {
    if (prefix) {
      this.cache.delete(prefix);
      // The watcher saw it: listed even when the workspace search has not indexed the new file yet.
      this.seen.add(prefix);
    } else this.cache.clear();
    this.roots = undefined;
    this.changed.fire(undefined);
  }

  load(prefix: string): Promise<LoadedCheckpoint> {
    let loaded = this.cache.get(prefix);
    if (!loaded) {
      loaded = loadCheckpoint(prefix);
      this.cache.set(prefix, loaded);
    }
    return loaded;
  }

  getTreeItem(node: CheckpointNode): vscode.TreeItem {
    return treeItem(node);
  }

  /** The checkpoint nodes (loaded) or the children of a node. */
  async getChildren(node?: CheckpointNode): Promise<CheckpointNode[]> {
    if (!vscode.workspace.isTrusted) return [];
    if (!node) {
      this.roots ??= this.scan();
      return this.roots;
    }
    if (node.type === 'checkpoint') {
      if (!node.loaded) return [];
      return [...node.loaded.scopes].map(([scope, tensors]) => ({
        type: 'scope',
        prefix: node.prefix,
        scope,
        tensors,
      }));
    }
    if (node.type === 'scope')
      return node.tensors.map((entry) => ({ type: 'variable', prefix: node.prefix, entry }));
    return [];
  }

  /** Parents for `TreeView.reveal`; nodes carry ids, so fresh objects resolve to the shown ones. */
  async getParent(node: CheckpointNode): Promise<CheckpointNode | undefined> {
    if (node.type === 'checkpoint') return undefined;
    const root = (await this.getChildren()).find((n) => n.type === 'checkpoint' && n.prefix === node.prefix);
    if (!root || node.type === 'scope' || root.type !== 'checkpoint' || !root.loaded) return root;
    for (const [scope, tensors] of root.loaded.scopes) {
      if (tensors.some((t) => t.key === node.entry.key))
        return { type: 'scope', prefix: node.prefix, scope, tensors };
    }
    return root;
  }

  private async scan(): Promise<CheckpointNode[]> {
    const found = new Map<string, string>(); // prefix → where it is, relative to its root
    const latest = new Set<string>();
    const where = (prefix: string, base: string, root: string) => {
      const relative = path.relative(base, checkpointLabel(prefix).where);
      return relative && !relative.startsWith('..') ? path.join(root, relative) : root;
    };
    const [indexes, states] = await Promise.all([
      vscode.workspace.findFiles('**/*.index', EXCLUDE, 2000),
      vscode.workspace.findFiles('**/checkpoint', EXCLUDE, 500),
    ]);
    for (const uri of indexes) {
      if (uri.scheme !== 'file' || uri.fsPath.includes('.tempstate')) continue;
      const prefix = uri.fsPath.slice(0, -'.index'.length);
      const folder = vscode.workspace.getWorkspaceFolder(uri);
      found.set(prefix, folder ? where(prefix, folder.uri.fsPath, '') : path.dirname(prefix));
    }
    for (const prefix of this.seen) {
      const uri = vscode.Uri.file(prefix + '.index');
      const folder = vscode.workspace.getWorkspaceFolder(uri);
      if (!found.has(prefix) && folder && fs.existsSync(uri.fsPath))
        found.set(prefix, where(prefix, folder.uri.fsPath, ''));
    }
    for (const uri of states) {
      const prefix = uri.scheme === 'file' ? await latestCheckpoint(path.dirname(uri.fsPath)) : undefined;
      if (prefix) latest.add(prefix);
    }
    for (const folder of addedFolders()) {
      const result = await findCheckpoints(folder);
      for (const c of result.checkpoints) found.set(c.prefix, where(c.prefix, folder, path.basename(folder)));
      for (const p of result.latest) latest.add(p);
    }
    const nodes = await Promise.all(
      [...found].map(async ([prefix, location]): Promise<CheckpointNode> => {
        const base = { type: 'checkpoint' as const, prefix, label: checkpointLabel(prefix).label, location };
        try {
          return { ...base, latest: latest.has(prefix), loaded: await this.load(prefix) };
        } catch (error) {
          return {
            ...base,
            latest: latest.has(prefix),
            error: error instanceof Error ? error.message : String(error),
          };
        }
      }),
    );
    const labelOf = (n: CheckpointNode) => (n.type === 'checkpoint' ? `${n.label}\u0000${n.location}` : '');
    return nodes.sort((a, b) => labelOf(a).localeCompare(labelOf(b), undefined, { numeric: true }));
  }

  dispose(): void {
    this.changed.dispose();
  }
}
