// "Resolve Configuration": a code lens above every train.py call in launch.json, tasks.json and
// shell scripts, and a command, that asks the user's Python to build the final experiment config
// as train.py does and shows it as read-only YAML beside the file. A Model Garden error becomes a
// diagnostic on the argument it concerns. Never runs in Restricted Mode.
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  argOfStage,
  findInvocations,
  PythonRunError,
  resolveExperimentConfig,
  resolveRequest,
  TF_MODELS_OFFICIAL_VERSION,
  type Invocation,
  type ResolveResult,
} from '../../core/launch';
import { documentKind } from './diagnostics';
import { chosenPython } from './python';

export const RESOLVE_COMMAND = 'modelGarden.launch.resolveConfiguration';
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

/** Where relative config paths resolve: the entry's cwd, else the workspace folder (a script's folder for shell). */
function invocationCwd(document: vscode.TextDocument, invocation: Invocation): string {
  const folder = vscode.workspace.getWorkspaceFolder(document.uri)?.uri.fsPath;
  const fallback =
    documentKind(document) === 'shell'
      ? path.dirname(document.uri.fsPath)
      : (folder ?? path.dirname(document.uri.fsPath));
  const cwd = invocation.cwd
    ?.replace(/\$\{workspaceFolder\}/g, folder ?? fallback)
    .replace(/\$\{fileDirname\}/g, path.dirname(document.uri.fsPath));
  if (!cwd || /\$\{/.test(cwd)) return fallback;
  return path.isAbsolute(cwd) ? cwd : path.join(folder ?? fallback, cwd);
}

export interface ResolveOutcome {
  readonly result?: ResolveResult;
  /** The virtual document with the YAML, when resolved. */
  readonly uri?: vscode.Uri;
}

export function registerResolve(context: vscode.ExtensionContext, selector: vscode.DocumentSelector): void {
  const documents = new ResolvedDocuments();
  const diagnostics = vscode.languages.createDiagnosticCollection('modelGarden.resolve');
  let counter = 0;

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
    let result: ResolveResult;
    try {
      result = await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Window,
          title: `Resolving ${request.experiment} with ${python.python}`,
        },
        () => resolveExperimentConfig(python.python, request, { cwd: invocationCwd(document, invocation) }),
      );
    } catch (error) {
      void vscode.window.showErrorMessage(
        `Model Garden: ${error instanceof PythonRunError || error instanceof Error ? error.message : String(error)}`,
      );
      return undefined;
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
      void vscode.window.showErrorMessage(`Model Garden: ${result.type}: ${result.message}`);
      return { result };
    }
    const name = `${request.experiment.replace(/\//g, '-')}-${++counter}.yaml`;
    const resolved = vscode.Uri.from({ scheme: RESOLVED_SCHEME, path: `/${name}` });
    documents.set(
      resolved,
      `# Final experiment config of ${path.basename(uri.fsPath)} (${request.experiment}), ` +
        `built by ${python.python} as train.py does.\n${result.yaml}`,
    );
    const shown = await vscode.workspace.openTextDocument(resolved);
    await vscode.languages.setTextDocumentLanguage(shown, 'yaml');
    await vscode.window.showTextDocument(shown, { viewColumn: vscode.ViewColumn.Beside, preview: true });
    return { result, uri: resolved };
  };

  context.subscriptions.push(
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
  );
}
