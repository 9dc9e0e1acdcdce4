// The "Training Runs" tree: every model_dir the extension knows (launch configurations, added
// folders, workspace folders holding event files), read incrementally: `poll(root)` reads only the
// bytes appended since the last poll.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ModelDir, modelDirOfRun, modelDirsInLaunchFile } from '../../core/events';
import {
  checkpointItem,
  checkpointNodes,
  modelDirItem,
  runItem,
  scalarItem,
  type RunsNode,
  type RunsSource,
} from './nodes';

export const RUN_FOLDERS_SETTING = 'modelGarden.runs.folders';
const EXCLUDE = '**/{node_modules,.git}/**';

/** User-added run folders, from the user (global) settings only: workspace settings cannot point the reader anywhere. */
export function addedRunFolders(): string[] {
  const value = vscode.workspace.getConfiguration().inspect<string[]>(RUN_FOLDERS_SETTING)?.globalValue;
  return Array.isArray(value) ? value.filter((v) => typeof v === 'string' && v.trim() !== '') : [];
}

export class RunsTreeProvider implements vscode.TreeDataProvider<RunsNode> {
  private readonly changed = new vscode.EventEmitter<RunsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly dirs = new Map<string, ModelDir>();
  private sources = new Map<string, Set<RunsSource>>();
  private polling = new Map<string, Promise<{ events: number; bytesRead: number }>>();
  /** After each read of a model_dir: new events and the bytes read for them. */
  private readonly polled = new vscode.EventEmitter<{ root: string; events: number; bytesRead: number }>();
  /** Fires after a model_dir was read; `events` is how many new events it had. */
  readonly onDidPoll = this.polled.event;

  get roots(): string[] {
    return [...this.sources.keys()].sort();
  }

  modelDir(root: string): ModelDir | undefined {
    return this.dirs.get(root);
  }

  label(root: string): string {
    const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(root));
    return (folder && path.relative(folder.uri.fsPath, root)) || path.basename(root);
  }

  /** The model_dir containing `file`, if any is known. */
  rootOf(file: string): string | undefined {
    let best: string | undefined;
    for (const root of this.sources.keys())
      if ((file === root || file.startsWith(root + path.sep)) && (!best || root.length > best.length))
        best = root;
    return best;
  }

  /** Finds the model_dirs again (launch files, settings, workspace event files) and reads each. */
  async scan(): Promise<string[]> {
    const sources = new Map<string, Set<RunsSource>>();
    const add = (root: string, source: RunsSource) => {
      const set = sources.get(root) ?? new Set<RunsSource>();
      set.add(source);
      sources.set(root, set);
    };
    if (vscode.workspace.isTrusted) {
      for (const folder of vscode.workspace.workspaceFolders ?? []) {
        if (folder.uri.scheme !== 'file') continue;
        for (const [file, kind] of [
          ['launch.json', 'launch'],
          ['tasks.json', 'tasks'],
        ] as const) {
          try {
            const bytes = await vscode.workspace.fs.readFile(
              vscode.Uri.joinPath(folder.uri, '.vscode', file),
            );
            for (const dir of modelDirsInLaunchFile(new TextDecoder().decode(bytes), kind, folder.uri.fsPath))
              add(dir, 'launch');
          } catch {
            // no such file
          }
        }
      }
      for (const folder of addedRunFolders()) add(path.resolve(folder), 'folder');
      for (const uri of await vscode.workspace.findFiles('**/events.out.tfevents.*', EXCLUDE, 2000)) {
        if (uri.scheme === 'file') add(modelDirOfRun(path.dirname(uri.fsPath)), 'workspace');
      }
    }
    this.sources = sources;
    for (const root of [...this.dirs.keys()]) if (!sources.has(root)) this.dirs.delete(root);
    await Promise.all(this.roots.map((root) => this.poll(root)));
    this.changed.fire(undefined);
    return this.roots;
  }

  /** Reads what is new in one model_dir; concurrent calls share one read. */
  poll(root: string): Promise<number> {
    const running = this.polling.get(root);
    if (running) return running.then(() => this.poll(root));
    let dir = this.dirs.get(root);
    if (!dir) {
      dir = new ModelDir(root);
      this.dirs.set(root, dir);
    }
    const d = dir;
    const promise = d
      .poll()
      .then(({ events, bytesRead }) => ({ events, bytesRead }))
      .finally(() => this.polling.delete(root));
    this.polling.set(root, promise);
    return promise.then(({ events, bytesRead }) => {
      this.polled.fire({ root, events, bytesRead });
      this.changed.fire(undefined);
      return events;
    });
  }

  getTreeItem(node: RunsNode): vscode.TreeItem {
    const dir = this.dirs.get(node.root);
    switch (node.type) {
      case 'modelDir':
        return modelDirItem(node, dir);
      case 'run':
        return runItem(node, dir!, dir!.runs.get(node.runDir)!);
      case 'scalar':
        return scalarItem(node, dir!.runs.get(node.runDir)!);
      case 'checkpoints': {
        const item = new vscode.TreeItem(
          `Checkpoints (${dir?.checkpoints.length ?? 0})`,
          vscode.TreeItemCollapsibleState.Collapsed,
        );
        item.id = `runs:${node.root}:checkpoints`;
        item.iconPath = new vscode.ThemeIcon('database');
        item.contextValue = 'runCheckpoints';
        return item;
      }
      case 'checkpoint':
        return checkpointItem(node);
    }
  }

  async getChildren(node?: RunsNode): Promise<RunsNode[]> {
    if (!vscode.workspace.isTrusted) return [];
    if (!node)
      return this.roots.map((root) => ({
        type: 'modelDir',
        root,
        label: this.label(root),
        sources: this.sources.get(root) ?? new Set(),
      }));
    const dir = this.dirs.get(node.root);
    if (!dir) return [];
    switch (node.type) {
      case 'modelDir': {
        const runs: RunsNode[] = [...dir.runs.values()]
          .sort((a, b) => dir.runName(a).localeCompare(dir.runName(b)))
          .map((r) => ({ type: 'run', root: node.root, runDir: r.dir }));
        return dir.checkpoints.length ? [...runs, { type: 'checkpoints', root: node.root }] : runs;
      }
      case 'run': {
        const run = dir.runs.get(node.runDir);
        return run
          ? run.tags().map((tag) => ({ type: 'scalar', root: node.root, runDir: node.runDir, tag }))
          : [];
      }
      case 'checkpoints':
        return checkpointNodes(node.root, dir.checkpoints);
      default:
        return [];
    }
  }

  getParent(node: RunsNode): RunsNode | undefined {
    if (node.type === 'modelDir') return undefined;
    const modelDir: RunsNode = {
      type: 'modelDir',
      root: node.root,
      label: this.label(node.root),
      sources: this.sources.get(node.root) ?? new Set(),
    };
    if (node.type === 'scalar') return { type: 'run', root: node.root, runDir: node.runDir };
    if (node.type === 'checkpoint') return { type: 'checkpoints', root: node.root };
    return modelDir;
  }

  dispose(): void {
    this.changed.dispose();
    this.polled.dispose();
  }
}
