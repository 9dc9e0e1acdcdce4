// The "Training Runs" view and the Curves panel: model_dirs kept current by file-system watchers
// (and a light poll while a job runs) that read only the new bytes of each event file.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { addFolderToSetting } from '../settings/addFolder';
import { CURVES_VIEW_TYPE, CurvesPanel } from './panel';
import type { RunsNode } from './nodes';
import { addedRunFolders, RunsTreeProvider, RUN_FOLDERS_SETTING } from './provider';

export interface RunsApi {
  readonly provider: RunsTreeProvider;
  readonly view: vscode.TreeView<RunsNode>;
  /** Finds the model_dirs again and reads them; resolves with their roots. */
  refresh(): Promise<string[]>;
  /** Opens the Curves panel on a model_dir (node or path) and resolves with the panel. */
  openCurves(target: unknown): Promise<CurvesPanel | undefined>;
  /** What the WebviewPanelSerializer does with a panel VS Code restores and its saved state. */
  reviveCurves(panel: vscode.WebviewPanel, state: unknown): Promise<CurvesPanel | undefined>;
  curvesPanel(): CurvesPanel | undefined;
}

const WATCH_GLOB = '**/{events.out.tfevents.*,ckpt-*.index,checkpoint,params.yaml}';
const LAUNCH_GLOB = '**/.vscode/{launch,tasks}.json';
const POLL_MS = 3000;

function rootOfTarget(provider: RunsTreeProvider, target: unknown): { root?: string; tag?: string } {
  if (typeof target === 'string')
    return { root: provider.rootOf(path.resolve(target)) ?? path.resolve(target) };
  if (target instanceof vscode.Uri) return { root: provider.rootOf(target.fsPath) ?? target.fsPath };
  if (target && typeof target === 'object' && 'root' in target && typeof target.root === 'string')
    return {
      root: target.root,
      tag: 'tag' in target && typeof target.tag === 'string' ? target.tag : undefined,
    };
  return {};
}

export function registerRuns(context: vscode.ExtensionContext): RunsApi {
  const provider = new RunsTreeProvider();
  const view = vscode.window.createTreeView('modelGarden.runs', {
    treeDataProvider: provider,
    showCollapseAll: true,
  });
  const updateMessage = () => {
    view.message = vscode.workspace.isTrusted
      ? undefined
      : 'Training runs are not read in Restricted Mode. Trust the workspace to list them.';
  };
  updateMessage();

  const host = {
    extensionUri: context.extensionUri,
    modelDir: (root: string) => provider.modelDir(root),
    label: (root: string) => provider.label(root),
  };

  let scanTimer: NodeJS.Timeout | undefined;
  const scheduleScan = () => {
    clearTimeout(scanTimer);
    scanTimer = setTimeout(() => void provider.scan(), 300);
  };
  const pollTimers = new Map<string, NodeJS.Timeout>();
  const schedulePoll = (root: string) => {
    if (pollTimers.has(root)) return;
    pollTimers.set(
      root,
      setTimeout(() => {
        pollTimers.delete(root);
        void provider.poll(root);
      }, 150),
    );
  };
  const onFile = (uri: vscode.Uri) => {
    if (uri.scheme !== 'file') return;
    const root = provider.rootOf(uri.fsPath);
    if (root) schedulePoll(root);
    else if (/^events\.out\.tfevents\./.test(path.basename(uri.fsPath))) scheduleScan();
  };

  const watchers: vscode.Disposable[] = [];
  const watch = () => {
    for (const w of watchers.splice(0)) w.dispose();
    if (!vscode.workspace.isTrusted) return;
    const add = (pattern: vscode.GlobPattern, handler: (uri: vscode.Uri) => void) => {
      const w = vscode.workspace.createFileSystemWatcher(pattern);
      w.onDidCreate(handler);
      w.onDidChange(handler);
      w.onDidDelete(handler);
      watchers.push(w);
    };
    add(WATCH_GLOB, onFile);
    add(LAUNCH_GLOB, scheduleScan);
    // model_dirs outside the workspace (added folders, launch configurations writing elsewhere).
    for (const root of provider.roots) {
      if (vscode.workspace.getWorkspaceFolder(vscode.Uri.file(root))) continue;
      add(new vscode.RelativePattern(vscode.Uri.file(root), WATCH_GLOB), onFile);
    }
  };

  provider.onDidPoll(({ root, events }) => {
    if (events > 0) CurvesPanel.active?.changed(root);
  });
  // Watchers can miss appends on some file systems: poll model_dirs that are running or waiting for a job.
  const ticker = setInterval(() => {
    if (!vscode.workspace.isTrusted || (!view.visible && !CurvesPanel.active)) return;
    for (const root of provider.roots) {
      const status = provider.modelDir(root)?.status();
      if (status === 'running' || status === 'empty') schedulePoll(root);
    }
  }, POLL_MS);

  const refresh = async () => {
    const roots = await provider.scan();
    watch();
    return roots;
  };
  void refresh();

  const openCurves = async (target?: unknown): Promise<CurvesPanel | undefined> => {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage('Training runs are not read in Restricted Mode.');
      return undefined;
    }
    const found = rootOfTarget(provider, target ?? view.selection[0]);
    let root = found.root;
    if (!root) {
      const roots = provider.roots.length ? provider.roots : await refresh();
      if (roots.length === 0) {
        void vscode.window.showInformationMessage('No training runs found: add a model_dir or launch a job.');
        return undefined;
      }
      const pick =
        roots.length === 1
          ? roots[0]
          : (await vscode.window.showQuickPick(roots.map((r) => ({ label: provider.label(r), detail: r }))))
              ?.detail;
      if (!pick) return undefined;
      root = pick;
    }
    await provider.poll(root);
    return CurvesPanel.show(host, [root], found.tag);
  };

  /** The model_dirs a restored panel's webview saved; nothing is read in Restricted Mode. */
  const revive = async (
    webviewPanel: vscode.WebviewPanel,
    state: unknown,
  ): Promise<CurvesPanel | undefined> => {
    if (!vscode.workspace.isTrusted) {
      webviewPanel.dispose();
      return undefined;
    }
    const saved = state && typeof state === 'object' && 'roots' in state ? state.roots : undefined;
    const roots = Array.isArray(saved)
      ? saved.filter((r): r is string => typeof r === 'string' && path.isAbsolute(r))
      : [];
    for (const root of roots) await provider.poll(root);
    return CurvesPanel.revive(webviewPanel, host, roots);
  };

  context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(CURVES_VIEW_TYPE, {
      async deserializeWebviewPanel(webviewPanel: vscode.WebviewPanel, state: unknown) {
        await revive(webviewPanel, state);
      },
    }),
    view,
    provider,
    { dispose: () => watchers.forEach((w) => w.dispose()) },
    { dispose: () => clearInterval(ticker) },
    { dispose: () => clearTimeout(scanTimer) },
    { dispose: () => pollTimers.forEach((t) => clearTimeout(t)) },
    { dispose: () => CurvesPanel.active?.dispose() },
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      updateMessage();
      void refresh();
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(RUN_FOLDERS_SETTING)) void refresh();
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(() => void refresh()),
    vscode.commands.registerCommand('modelGarden.runs.refresh', refresh),
    vscode.commands.registerCommand('modelGarden.runs.openCurves', openCurves),
    vscode.commands.registerCommand('modelGarden.runs.addFolder', async (target?: unknown) => {
      const folder = await addFolderToSetting(RUN_FOLDERS_SETTING, target, {
        what: 'Run folders',
        openLabel: 'Add model_dir',
      });
      if (folder) await refresh();
      return folder;
    }),
    vscode.commands.registerCommand('modelGarden.runs.removeFolder', async (target?: unknown) => {
      const { root } = rootOfTarget(provider, target);
      if (!root) return;
      await vscode.workspace.getConfiguration().update(
        RUN_FOLDERS_SETTING,
        addedRunFolders().filter((f) => path.resolve(f) !== root),
        vscode.ConfigurationTarget.Global,
      );
      await refresh();
    }),
    vscode.commands.registerCommand('modelGarden.runs.runModel', async (target?: unknown) => {
      const prefix =
        target && typeof target === 'object' && 'prefix' in target && typeof target.prefix === 'string'
          ? target.prefix
          : undefined;
      if (prefix)
        return vscode.commands.executeCommand('modelGarden.inference.runOnSelection', { checkpoint: prefix });
      return undefined;
    }),
    vscode.commands.registerCommand('modelGarden.runs.revealFolder', async (target?: unknown) => {
      const { root } = rootOfTarget(provider, target);
      if (root) await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(root));
    }),
  );
  return { provider, view, refresh, openCurves, reviveCurves: revive, curvesPanel: () => CurvesPanel.active };
}
