// The "Local Checkpoints" view: checkpoints of the workspace (kept current by a file watcher) and
// of folders the user adds, their variables by scope, a report and a comparison with the catalog.
import * as vscode from 'vscode';
import { addFolderToSetting } from '../settings/addFolder';
import { CATALOG, findModel } from '../../core/catalog';
import {
  catalogEncoderConfig,
  checkpointReportMarkdown,
  compareWithConfig,
  comparisonMarkdown,
  parseJsonConfig,
  parseParamsYaml,
  type Comparison,
  type FoundConfig,
} from '../../core/checkpoint';
import { addedFolders, CheckpointTreeProvider, FOLDERS_SETTING } from './provider';
import { markdownUri, registerMarkdownDocuments, showMarkdown } from '../markdown/documents';
import { checkpointLabel, prefixOf, type CheckpointNode } from './nodes';

export interface CheckpointsApi {
  readonly provider: CheckpointTreeProvider;
  readonly view: vscode.TreeView<CheckpointNode>;
  /** Rescans the workspace and added folders; resolves when the root nodes are loaded. */
  refresh(): Promise<CheckpointNode[]>;
}

const WATCH_GLOB = '**/{*.index,checkpoint,saved_model.pb}';

/** Shows a report rendered and read-only (a Markdown preview of a virtual document). */
async function openMarkdown(kind: string, title: string, content: string): Promise<string> {
  await showMarkdown(markdownUri(kind, title), content);
  return content;
}

/** Checkpoints the Local Checkpoints view found last (for Choose Model for Inference). */
let discovered: () => Promise<
  readonly { prefix: string; label: string; location: string }[]
> = async () => [];
export function discoveredCheckpoints(): Promise<
  readonly { prefix: string; label: string; location: string }[]
> {
  return discovered();
}

async function readConfigFile(uri: vscode.Uri): Promise<FoundConfig> {
  const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  const name = uri.path.split('/').pop() ?? '';
  if (name.endsWith('.yaml') || name.endsWith('.yml')) return parseParamsYaml(text, uri.fsPath);
  return parseJsonConfig(
    text,
    uri.fsPath,
    name === 'albert_config.json' ? 'albert_config.json' : 'bert_config.json',
  );
}

export function registerCheckpoints(context: vscode.ExtensionContext): CheckpointsApi {
  const provider = new CheckpointTreeProvider();
  const view = vscode.window.createTreeView('modelGarden.checkpoints', {
    treeDataProvider: provider,
    showCollapseAll: true,
  });
  const updateMessage = () => {
    view.message = vscode.workspace.isTrusted
      ? undefined
      : 'Checkpoints are not read in Restricted Mode. Trust the workspace to list them.';
  };
  updateMessage();

  let timer: NodeJS.Timeout | undefined;
  const schedule = (uri?: vscode.Uri) => {
    if (uri?.fsPath.endsWith('.index')) provider.invalidate(uri.fsPath.slice(0, -'.index'.length));
    clearTimeout(timer);
    timer = setTimeout(() => provider.invalidate(), 300);
  };
  const watchers: vscode.Disposable[] = [];
  const watch = () => {
    for (const w of watchers.splice(0)) w.dispose();
    if (!vscode.workspace.isTrusted) return;
    const patterns: vscode.GlobPattern[] = [
      WATCH_GLOB,
      ...addedFolders().map((f) => new vscode.RelativePattern(vscode.Uri.file(f), WATCH_GLOB)),
    ];
    for (const pattern of patterns) {
      const w = vscode.workspace.createFileSystemWatcher(pattern);
      w.onDidCreate(schedule);
      w.onDidChange(schedule);
      w.onDidDelete(schedule);
      watchers.push(w);
    }
  };
  watch();

  registerMarkdownDocuments(context);
  discovered = async () => {
    if (!vscode.workspace.isTrusted) return [];
    return (await provider.getChildren()).flatMap((n) =>
      n.type === 'checkpoint' && n.loaded ? [{ prefix: n.prefix, label: n.label, location: n.location }] : [],
    );
  };

  const refresh = async () => {
    provider.invalidate();
    return provider.getChildren();
  };

  const loadedFor = async (target: unknown) => {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage('Checkpoints are not read in Restricted Mode.');
      return undefined;
    }
    const prefix = prefixOf(target) ?? prefixOf(view.selection[0]);
    if (!prefix) {
      void vscode.window.showErrorMessage('Select a checkpoint in the Local Checkpoints view first.');
      return undefined;
    }
    try {
      return await provider.load(prefix);
    } catch (error) {
      void vscode.window.showErrorMessage(error instanceof Error ? error.message : String(error));
      return undefined;
    }
  };

  context.subscriptions.push(
    view,
    provider,
    { dispose: () => watchers.forEach((w) => w.dispose()) },
    { dispose: () => clearTimeout(timer) },
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      updateMessage();
      watch();
      provider.invalidate();
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(FOLDERS_SETTING)) {
        watch();
        provider.invalidate();
      }
    }),
    vscode.commands.registerCommand('modelGarden.checkpoints.refresh', async () => (await refresh()).length),
    vscode.commands.registerCommand('modelGarden.checkpoints.addFolder', (target?: unknown) =>
      addFolderToSetting(FOLDERS_SETTING, target, {
        what: 'Checkpoint folders',
        openLabel: 'Add Checkpoint Folder',
      }),
    ),
    vscode.commands.registerCommand('modelGarden.checkpoints.openReport', async (target?: unknown) => {
      const loaded = await loadedFor(target);
      if (!loaded) return undefined;
      return openMarkdown(
        'checkpoint-report',
        `Report ${checkpointLabel(loaded.prefix).label}`,
        checkpointReportMarkdown(loaded.description, loaded.report, loaded.tensors, {
          numShards: loaded.numShards,
          ...(loaded.config ? { config: loaded.config.file } : {}),
          ...(loaded.vocab ? { vocab: loaded.vocab } : {}),
        }),
      );
    }),
    vscode.commands.registerCommand('modelGarden.checkpoints.runModel', async (target?: unknown) => {
      const prefix = prefixOf(target) ?? prefixOf(view.selection[0]);
      if (!prefix) {
        void vscode.window.showErrorMessage('Select a checkpoint in the Local Checkpoints view first.');
        return undefined;
      }
      // The selection of the last text editor, else a sentence to fill in.
      const editor = vscode.window.activeTextEditor ?? vscode.window.visibleTextEditors[0];
      let text = editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection) : undefined;
      if (!text?.trim()) {
        text = await vscode.window.showInputBox({
          title: `Run ${checkpointLabel(prefix).label}`,
          prompt: 'Text to run the model on (type [MASK] where it should fill in a word)',
          value: 'The capital of France is [MASK].',
        });
        if (!text?.trim()) return undefined;
      }
      return vscode.commands.executeCommand('modelGarden.inference.runOnSelection', {
        checkpoint: prefix,
        text,
      });
    }),
    vscode.commands.registerCommand(
      'modelGarden.checkpoints.compare',
      async (target?: unknown, against?: string): Promise<Comparison | undefined> => {
        const loaded = await loadedFor(target);
        if (!loaded) return undefined;
        let config: FoundConfig['encoder'] & { hiddenSize: number };
        let label: string;
        let id = against;
        if (!id) {
          const items: (vscode.QuickPickItem & { id: string })[] = [
            ...CATALOG.map((m) => ({
              label: m.name,
              description: `L-${m.layers} H-${m.hidden}`,
              detail: m.id,
              id: m.id,
            })),
            {
              label: '$(file) Config file…',
              description: 'params.yaml, bert_config.json or albert_config.json',
              id: '',
            },
          ];
          const pick = await vscode.window.showQuickPick(items, {
            placeHolder: 'Compare the checkpoint with…',
            matchOnDetail: true,
          });
          if (!pick) return undefined;
          if (pick.id === '') {
            const file = await vscode.window.showOpenDialog({
              canSelectMany: false,
              filters: { Config: ['yaml', 'yml', 'json'] },
            });
            if (!file?.[0]) return undefined;
            id = file[0].fsPath;
          } else id = pick.id;
        }
        const model = findModel(id);
        if (model) {
          config = catalogEncoderConfig(model);
          label = `${model.name} (${model.id})`;
        } else {
          try {
            const found = await readConfigFile(vscode.Uri.file(id));
            if (found.encoder.hiddenSize === undefined)
              throw new Error(`${id}: the config has no hidden_size`);
            config = { ...found.encoder, hiddenSize: found.encoder.hiddenSize };
            label = '`' + id + '`';
          } catch (error) {
            void vscode.window.showErrorMessage(error instanceof Error ? error.message : String(error));
            return undefined;
          }
        }
        const comparison = compareWithConfig(loaded.tensors, loaded.description, config);
        await openMarkdown(
          'checkpoint-comparison',
          `Compare ${checkpointLabel(loaded.prefix).label} with ${model?.name ?? id.split(/[\\/]/).pop()}`,
          comparisonMarkdown(loaded.prefix, label, comparison),
        );
        return comparison;
      },
    ),
  );
  return { provider, view, refresh };
}
