// "Model Garden: Run Model on Selection": the inference worker owned by the extension, the model
// picker (a checkpoint folder/prefix/.index, or a catalog model downloaded into the cache), the
// panel and its serializer, and the API the integration tests read.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CATALOG } from '../../core/catalog';
import { ModelCache } from '../../core/download';
import { InferenceClient } from '../../core/inference/client';
import { isBackendPreference, type BackendPreference } from '../../core/inference/preferences';
import type { PanelState } from '../../webview/inference/protocol';
import { cacheRoot } from '../downloads/settings';
import { backendErrorText, backendStatusText, type BackendStatusText } from './backendText';
import { configuredCheckpoint } from './configuredCheckpoint';
import { modelChoices } from './modelChoices';
import { modelPicks, rememberModel } from './modelPicks';
import { NATIVE_PATH_SETTING, nativeSearchPaths, registerNativeBackend } from './nativeBackend';
import { InferencePanel, PANEL_VIEW_TYPE, type InferenceHost } from './panel';

export const RUN_COMMAND = 'modelGarden.inference.runOnSelection';
export const PICK_COMMAND = 'modelGarden.inference.pickModel';
const BACKEND_SETTING = 'modelGarden.inference.backend';
const LAST_MODEL_KEY = 'modelGarden.inference.lastModel';

export interface InferenceApi {
  /** What the panel shows now (tokens, fill-mask, …); undefined before the first run. */
  lastState(): PanelState | undefined;
  /** The backend the worker chose, e.g. "wasm (SIMD, 2 threads)"; starts the worker. */
  backend(): Promise<string>;
  /** The inference backend's status bar entry (text, tooltip), once the worker has started. */
  backendStatus(): BackendStatusText | undefined;
  /** Compares the panel's text with `text` (cosine of pooled and mean vectors); the new panel state. */
  compareWith(text: string): Promise<PanelState | undefined>;
  /** Forgets the model last chosen, so the next run starts as a first run (the setting still applies). */
  forgetModel(): Promise<void>;
  /** Where the worker looks for an installed tfjs-node (the user's path, then Install Native Backend's folder). */
  nativeBackendPaths(): string[];
  /**
   * `modelGarden.inference.checkpoint` resolved as Run Model uses it (relative to the workspace folder;
   * in Restricted Mode only the user's own value); undefined when not set.
   */
  configuredModel(): string | undefined;
  /** The items Choose Model for Inference offered last (recorded only when the extension runs in Test mode). */
  modelPicksOffered(): readonly vscode.QuickPickItem[] | undefined;
  /** The open panel's webview and the HTML it was given (undefined when no panel is open). */
  panelWebview(): { readonly html: string; readonly cspSource: string } | undefined;
}

export function registerInference(context: vscode.ExtensionContext): InferenceApi {
  let client: InferenceClient | undefined;
  let last: PanelState | undefined;
  let lastEditor = vscode.window.activeTextEditor;
  let status: BackendStatusText | undefined;
  const statusItem = vscode.window.createStatusBarItem(
    'modelGarden.inference.backend',
    vscode.StatusBarAlignment.Right,
    99,
  );
  statusItem.name = 'Model Garden Inference Backend';
  statusItem.command = {
    title: 'Backend setting',
    command: 'workbench.action.openSettings',
    arguments: [BACKEND_SETTING],
  };
  const showStatus = (shown: BackendStatusText | undefined) => {
    status = shown;
    if (!shown) return statusItem.hide();
    statusItem.text = shown.text;
    statusItem.tooltip = shown.tooltip;
    statusItem.backgroundColor = shown.warning
      ? new vscode.ThemeColor('statusBarItem.warningBackground')
      : undefined;
    statusItem.show();
  };

  const backendSetting = (): BackendPreference => {
    const value = vscode.workspace.getConfiguration().get<string>(BACKEND_SETTING, 'auto');
    return isBackendPreference(value) ? value : 'auto';
  };
  const getClient = (): InferenceClient => {
    if (!vscode.workspace.isTrusted) {
      throw new Error('Model inference is disabled in Restricted Mode: trust the workspace to run models.');
    }
    if (!client) {
      const created = new InferenceClient({
        backend: backendSetting(),
        workerPath: path.join(context.extensionPath, 'dist', 'inferenceWorker.js'),
        wasmDir: path.join(context.extensionPath, 'dist', 'wasm'),
        nativePaths: nativeSearchPaths(context),
      });
      client = created;
      created.backend().then(
        (choice) => client === created && showStatus(backendStatusText(choice)),
        (error: unknown) => client === created && showStatus(backendErrorText(error)),
      );
    }
    return client;
  };
  const restart = () => {
    if (!client) return;
    void client.dispose();
    client = undefined;
    showStatus(undefined);
    InferencePanel.active?.resetModel();
  };
  registerNativeBackend(context, restart);

  let offered: readonly vscode.QuickPickItem[] | undefined;
  const pickModel = async (): Promise<string | undefined> => {
    const cache = new ModelCache(cacheRoot(context).root);
    const cached = (
      await Promise.all(
        CATALOG.map(async (m) => {
          const prefix = await cache.checkpointPrefix(m.id).catch(() => undefined);
          return prefix
            ? { label: `$(database) ${m.name}`, description: 'downloaded', detail: prefix, path: prefix }
            : undefined;
        }),
      )
    ).filter((x): x is NonNullable<typeof x> => x !== undefined);
    const browse = {
      label: '$(folder-opened) Browse for a checkpoint…',
      description: 'folder, prefix or .index file',
      path: '',
    };
    const choices = await modelPicks(context, cached);
    if (context.extensionMode === vscode.ExtensionMode.Test)
      offered = [browse as vscode.QuickPickItem, ...choices].map(({ label, description, detail, kind }) => ({
        label,
        description,
        detail,
        kind,
      }));
    const choice = await vscode.window.showQuickPick([browse, ...choices], {
      title: 'Model for inference',
      placeHolder: choices.length
        ? 'A recent or local checkpoint, a downloaded catalog model, or Browse'
        : 'Choose a local checkpoint',
      matchOnDetail: true,
    });
    if (!choice || !('path' in choice)) return undefined;
    let chosen = choice.path;
    if (!chosen) {
      const uris = await vscode.window.showOpenDialog({
        canSelectFiles: true,
        canSelectFolders: true,
        canSelectMany: false,
        openLabel: 'Use Checkpoint',
        filters: { 'Checkpoint index or any file': ['index', '*'] },
      });
      if (!uris?.[0]) return undefined;
      chosen = uris[0].fsPath;
    }
    await context.globalState.update(LAST_MODEL_KEY, chosen);
    await rememberModel(context, chosen);
    InferencePanel.active?.resetModel();
    return chosen;
  };

  const host: InferenceHost = {
    extensionUri: context.extensionUri,
    client: getClient,
    modelPath: () => context.globalState.get<string>(LAST_MODEL_KEY) || configuredCheckpoint() || undefined,
    pickModel,
    useModel: async (chosen) => {
      await context.globalState.update(LAST_MODEL_KEY, chosen);
    },
    modelChoices: () => modelChoices(cacheRoot(context).root),
    downloadModel: async () => {
      await vscode.commands.executeCommand('modelGarden.downloads.downloadCheckpoint');
    },
    stateChanged: (state) => {
      last = state;
    },
    compareText: async () =>
      vscode.window.showInputBox({
        title: 'Compare with…',
        prompt: 'Text to compare with the selection (prefilled with the current selection)',
        value: lastEditor ? lastEditor.document.getText(lastEditor.selection) : '',
      }),
  };

  const run = async (args?: { checkpoint?: string; text?: string }): Promise<PanelState | undefined> => {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage(
        'Model Garden does not run models in Restricted Mode. Trust the workspace first.',
      );
      return undefined;
    }
    const editor = vscode.window.activeTextEditor ?? lastEditor;
    let text = args?.text;
    if (text === undefined && editor) {
      text = editor.document.getText(editor.selection);
      if (!text.trim()) text = editor.document.lineAt(editor.selection.active.line).text;
    }
    if (!text?.trim()) {
      void vscode.window.showInformationMessage('Select some text to run the model on.');
      return undefined;
    }
    if (args?.checkpoint) {
      await context.globalState.update(LAST_MODEL_KEY, args.checkpoint);
      await rememberModel(context, args.checkpoint);
      InferencePanel.active?.resetModel();
    }
    const panel = InferencePanel.show(host);
    await panel.run(text);
    return panel.currentState;
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('modelGarden.inference.runOnSelection', run),
    vscode.commands.registerCommand('modelGarden.inference.pickModel', async () => {
      const picked = await pickModel();
      const panel = InferencePanel.active;
      const text = panel?.currentState.text;
      if (picked && panel && text !== undefined) await panel.run(text);
      return picked;
    }),
    vscode.window.onDidChangeActiveTextEditor((editor) => {
      if (editor) lastEditor = editor;
    }),
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
        InferencePanel.revive(panel, host, (state ?? undefined) as PanelState | undefined);
      },
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (
        (e.affectsConfiguration(BACKEND_SETTING) || e.affectsConfiguration(NATIVE_PATH_SETTING)) &&
        client
      ) {
        restart();
      }
    }),
    statusItem,
    { dispose: () => void client?.dispose() },
  );

  return {
    lastState: () => last,
    backend: async () => (await getClient().backend()).label,
    backendStatus: () => status,
    compareWith: async (text) => {
      const panel = InferencePanel.active;
      if (!panel) return undefined;
      await panel.compare(text);
      return panel.currentState;
    },
    forgetModel: async () => {
      await context.globalState.update(LAST_MODEL_KEY, undefined);
      InferencePanel.active?.resetModel();
    },
    nativeBackendPaths: () => nativeSearchPaths(context),
    configuredModel: () => configuredCheckpoint(),
    modelPicksOffered: () => offered,
    panelWebview: () => InferencePanel.active?.panel.webview,
  };
}
