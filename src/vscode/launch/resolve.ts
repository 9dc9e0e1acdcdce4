// "Resolve Configuration": a code lens above every train.py call in launch.json, tasks.json and
// shell scripts, and a command, that asks the user's Python to build the final experiment config
// as train.py does and shows it as read-only YAML beside the file. A Model Garden error becomes a
// diagnostic on the argument it concerns. Never runs in Restricted Mode.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DownloadError, isCancelled, proxyAwareFetch } from '../../core/download';
import {
  argOfStage,
  downloadConfigFiles,
  findInvocations,
  invocationCwd,
  MODELS_RAW_BASE_URL,
  parseFlags,
  probeModelGarden,
  PythonRunError,
  resolveRequest,
  resolveWithConfigStore,
  TF_MODELS_OFFICIAL_VERSION,
  withFlagValue,
  type ConfigDownloadResult,
  type Invocation,
  type ResolveResult,
  type StoreResolveOutcome,
} from '../../core/launch';
import { trustedSetting } from '../settings/trusted';
import { documentKind } from './diagnostics';
import { noteVersion } from './registry';
import { chosenPython } from './python';

export const RESOLVE_COMMAND = 'modelGarden.launch.resolveConfiguration';
/** Where the Model Garden's YAML files are downloaded from (a mirror of raw.githubusercontent.com/tensorflow/models). */
export const CONFIG_BASE_URL_SETTING = 'modelGarden.launch.configFilesBaseUrl';
export const GET_CONFIG_FILES = 'Get the Model Garden’s Config Files';
export const USE_DOWNLOADED_PATHS = 'Use the Downloaded Paths';
export const GET_CONFIG_FILES_COMMAND = 'modelGarden.launch.getConfigFiles';
export const RESOLVED_SCHEME = 'model-garden-resolved';

/** Read-only documents holding resolved configurations. */
class ResolvedDocuments implements vscode.TextDocumentContentProvider {
  private readonly contents = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  set(uri: vscode.Uri, text: string): void {
    this.contents.set(uri.toString(), text);
    this.changed.fire(uri);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '';
  }

  dispose(): void {
    this.changed.dispose();
  }
}

export class ResolveCodeLenses implements vscode.CodeLensProvider {
  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!vscode.workspace.isTrusted) return [];
    const kind = documentKind(document);
    if (!kind) return [];
    return findInvocations(document.getText(), kind).map((invocation, index) => {
      const position = document.positionAt(invocation.commandStart);
      return new vscode.CodeLens(new vscode.Range(position, position), {
        title: 'Resolve Configuration',
        tooltip: 'Build the final experiment config with your Model Garden, as train.py does',
        command: RESOLVE_COMMAND,
        arguments: [document.uri, index],
      });
    });
  }
}

/** Where relative config paths resolve (see core's invocationCwd). */
function cwdOf(document: vscode.TextDocument, invocation: Invocation): string {
  return invocationCwd(invocation, {
    kind: documentKind(document) ?? 'shell',
    path: document.uri.fsPath,
    workspaceFolder: vscode.workspace.getWorkspaceFolder(document.uri)?.uri.fsPath,
  });
}

export interface ResolveOutcome {
  readonly result?: ResolveResult;
  /** Config files read from the downloaded Model Garden files instead of the (missing) path given. */
  readonly replaced?: StoreResolveOutcome['replaced'];
  /** Relative `configs/…` files found neither where the command runs nor among the downloaded ones. */
  readonly missing?: readonly string[];
  /** The tf-models-official version of the Python. */
  readonly version?: string;
  /** The virtual document with the YAML, when resolved. */
  readonly uri?: vscode.Uri;
}

/** Where the Model Garden's config files are downloaded. */
export function configStore(context: vscode.ExtensionContext): string {
  return path.join(context.globalStorageUri.fsPath, 'model-garden-configs');
}

export function registerResolve(
  context: vscode.ExtensionContext,
  selector: vscode.DocumentSelector,
  /** Called after config files were downloaded (diagnostics look them up). */
  onConfigFiles: () => void = () => undefined,
): void {
  const documents = new ResolvedDocuments();
  const diagnostics = vscode.languages.createDiagnosticCollection('modelGarden.resolve');
  let counter = 0;
  const store = configStore(context);
  /** The tf-models-official version of each Python, once a run has told it. */
  const versions = new Map<string, string>();

  /** Downloads the version's YAML files (with progress; cancellable); undefined when it did not happen. */
  const getConfigFiles = async (
    version: string,
    needed: readonly string[],
  ): Promise<ConfigDownloadResult | undefined> => {
    const config = vscode.workspace.getConfiguration();
    const baseUrl = trustedSetting<string>(CONFIG_BASE_URL_SETTING)?.trim() || MODELS_RAW_BASE_URL;
    const proxy = config.get<string>('http.proxy')?.trim();
    try {
      const downloaded = await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: `Model Garden: config files of tensorflow/models v${version}`,
          cancellable: true,
        },
        (progress, token) => {
          const abort = new AbortController();
          token.onCancellationRequested(() => abort.abort());
          return downloadConfigFiles({
            store,
            version,
            needed,
            baseUrl,
            signal: abort.signal,
            fetch: proxyAwareFetch({
              explicit: proxy || undefined,
              strictSsl: config.get<boolean>('http.proxyStrictSSL', true),
            }),
            onFile: (file, _index, total) => progress.report({ message: file, increment: 100 / total }),
          });
        },
      );
      onConfigFiles();
      return downloaded;
    } catch (error) {
      if (!isCancelled(error)) {
        void vscode.window.showErrorMessage(
          `Model Garden: ${error instanceof DownloadError || error instanceof Error ? error.message : String(error)}`,
        );
      }
      return undefined;
    }
  };

  /** The palette command: the files for the version of the chosen Python. */
  const getConfigFilesCommand = async (): Promise<ConfigDownloadResult | undefined> => {
    if (!vscode.workspace.isTrusted) return undefined;
    const folder = vscode.workspace.workspaceFolders?.[0];
    const python = await chosenPython(folder);
    let version: string | null;
    try {
      version = (await probeModelGarden(python.python, { cwd: folder?.uri.fsPath })).version;
    } catch (error) {
      void vscode.window.showErrorMessage(`Model Garden: ${(error as Error).message}`);
      return undefined;
    }
    if (!version) {
      void vscode.window.showErrorMessage(
        `Model Garden: ${python.python} has \`official\` but not as the tf-models-official package (a checkout?): its configs/ folder has the YAML files.`,
      );
      return undefined;
    }
    versions.set(python.python, version);
    noteVersion(version);
    const result = await getConfigFiles(version, []);
    if (result) {
      void vscode.window.showInformationMessage(
        `Model Garden: ${result.present.length} config files of tf-models-official ${version} in ${result.dir}; ` +
          'Resolve Configuration and the checks read relative configs/… paths from there.',
      );
    }
    return result;
  };

  const resolve = async (target?: vscode.Uri, index = 0): Promise<ResolveOutcome | undefined> => {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage(
        'Model Garden: Resolve Configuration runs Python, which is disabled in a restricted workspace.',
      );
      return undefined;
    }
    const uri = target ?? vscode.window.activeTextEditor?.document.uri;
    if (!uri) return undefined;
    const document = await vscode.workspace.openTextDocument(uri);
    const kind = documentKind(document);
    const invocation = kind ? findInvocations(document.getText(), kind)[index] : undefined;
    if (!invocation) {
      void vscode.window.showErrorMessage('Model Garden: no train.py call found here to resolve.');
      return undefined;
    }
    const args = invocation.args.map((a) => a.value);
    const request = resolveRequest(args);
    if (!request) {
      void vscode.window.showErrorMessage('Model Garden: this train.py call has no --experiment to resolve.');
      return undefined;
    }
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    const python = await chosenPython(folder);
    let outcome: StoreResolveOutcome;
    try {
      outcome = await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Window,
          title: `Resolving ${request.experiment} with ${python.python}`,
        },
        () =>
          resolveWithConfigStore(python.python, request, {
            cwd: cwdOf(document, invocation),
            store,
            version: versions.get(python.python),
          }),
      );
    } catch (error) {
      void vscode.window.showErrorMessage(
        `Model Garden: ${error instanceof PythonRunError || error instanceof Error ? error.message : String(error)}`,
      );
      return undefined;
    }
    const result = outcome.result;
    if (outcome.version) {
      versions.set(python.python, outcome.version);
      noteVersion(outcome.version);
    }
    diagnostics.delete(uri);
    if (!result.ok) {
      if (result.stage === 'import') {
        const install = 'Install tf-models-official';
        void vscode.window
          .showErrorMessage(
            `Model Garden: ${python.python} cannot import the Model Garden (\`official\`): ${result.message}. ` +
              'Install tf-models-official, or set modelGarden.python to a Python that has it.',
            install,
          )
          .then((choice) => {
            if (choice !== install) return;
            const terminal = vscode.window.createTerminal({ name: 'pip install tf-models-official' });
            terminal.show();
            terminal.sendText(
              `"${python.python}" -m pip install tf-models-official==${TF_MODELS_OFFICIAL_VERSION}`,
              true,
            );
          });
        return { result };
      }
      const arg = argOfStage(args, result);
      const token = arg !== undefined ? invocation.args[arg] : undefined;
      const range = token
        ? new vscode.Range(document.positionAt(token.start), document.positionAt(token.end))
        : new vscode.Range(
            document.positionAt(invocation.commandStart),
            document.positionAt(invocation.commandEnd),
          );
      const diagnostic = new vscode.Diagnostic(
        range,
        `train.py would fail (${result.stage}): ${result.type}: ${result.message}`,
        vscode.DiagnosticSeverity.Error,
      );
      diagnostic.source = 'Model Garden (resolved)';
      diagnostics.set(uri, [diagnostic]);
      // The documented `configs/…` files are not there and the package has none: offer the ones of
      // the installed version, then resolve again with them.
      const version = outcome.version;
      if (result.stage === 'config_file' && outcome.missing.length > 0 && version) {
        const get = `${GET_CONFIG_FILES} (v${version})`;
        void vscode.window
          .showErrorMessage(
            `Model Garden: ${outcome.missing[0]} does not exist here, and tf-models-official ${version} ships no ` +
              `configs/*.yaml. Download the Model Garden's YAML files for ${version} (tensorflow/models v${version})?`,
            get,
          )
          .then(async (choice) => {
            if (choice === get && (await getConfigFiles(version, outcome.missing))) await resolve(uri, index);
          });
        return { result, missing: outcome.missing, version };
      }
      void vscode.window.showErrorMessage(`Model Garden: ${result.type}: ${result.message}`);
      return { result };
    }
    const name = `${request.experiment.replace(/\//g, '-')}-${++counter}.yaml`;
    const resolved = vscode.Uri.from({ scheme: RESOLVED_SCHEME, path: `/${name}` });
    const notes = outcome.replaced.map(
      (r) => `# ${r.from} read from the Model Garden's files for ${outcome.version}: ${r.to}\n`,
    );
    documents.set(
      resolved,
      `# Final experiment config of ${path.basename(uri.fsPath)} (${request.experiment}), ` +
        `built by ${python.python} as train.py does.\n${notes.join('')}${result.yaml}`,
    );
    const shown = await vscode.workspace.openTextDocument(resolved);
    await vscode.languages.setTextDocumentLanguage(shown, 'yaml');
    await vscode.window.showTextDocument(shown, { viewColumn: vscode.ViewColumn.Beside, preview: true });
    if (outcome.replaced.length > 0) {
      // train.py itself would still look for the relative path: offer to write the downloaded one.
      void vscode.window
        .showInformationMessage(
          `Model Garden: ${outcome.replaced.map((r) => r.from).join(', ')} read from the downloaded Model Garden ` +
            `files; train.py will not find ${outcome.replaced.length > 1 ? 'them' : 'it'} where the command runs.`,
          USE_DOWNLOADED_PATHS,
        )
        .then((choice) =>
          choice === USE_DOWNLOADED_PATHS ? useDownloadedPaths(document, index, outcome.replaced) : undefined,
        );
    }
    return { result, uri: resolved, replaced: outcome.replaced };
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('modelGarden.launch.getConfigFiles', getConfigFilesCommand),
    documents,
    diagnostics,
    vscode.workspace.registerTextDocumentContentProvider(RESOLVED_SCHEME, documents),
    vscode.languages.registerCodeLensProvider(selector, new ResolveCodeLenses()),
    vscode.commands.registerCommand(
      'modelGarden.launch.resolveConfiguration',
      (uri?: vscode.Uri, index?: number) =>
        resolve(uri instanceof vscode.Uri ? uri : undefined, typeof index === 'number' ? index : 0),
    ),
    vscode.workspace.onDidChangeTextDocument((e) => diagnostics.delete(e.document.uri)),
    // What the notification's Use the Downloaded Paths button does, for a resolve outcome's `replaced`.
    vscode.commands.registerCommand(
      'modelGarden.launch.useDownloadedPaths',
      async (uri?: unknown, index?: unknown, replaced?: StoreResolveOutcome['replaced']) =>
        uri instanceof vscode.Uri && typeof index === 'number' && Array.isArray(replaced)
          ? useDownloadedPaths(await vscode.workspace.openTextDocument(uri), index, replaced)
          : false,
    ),
  );
}

/** Rewrites the `--config_file` arguments that were read from the downloaded files to those files. */
async function useDownloadedPaths(
  document: vscode.TextDocument,
  index: number,
  replaced: StoreResolveOutcome['replaced'],
): Promise<boolean> {
  const kind = documentKind(document);
  const invocation = kind ? findInvocations(document.getText(), kind)[index] : undefined;
  if (!invocation) return false;
  const args = invocation.args.map((a) => a.value);
  const configFlags = parseFlags(args).filter((f) => f.name === 'config_file' && f.value);
  const edit = new vscode.WorkspaceEdit();
  for (const r of replaced) {
    const flag = configFlags[r.index];
    const token = flag ? invocation.args[flag.valueArg] : undefined;
    if (!flag || !token?.render || flag.value !== r.from) return false;
    edit.replace(
      document.uri,
      new vscode.Range(document.positionAt(token.start), document.positionAt(token.end)),
      token.render(withFlagValue(args, flag, r.to)),
    );
  }
  return vscode.workspace.applyEdit(edit);
}
