// Problems of train.py invocations in launch.json, tasks.json and shell scripts as diagnostics at
// exact ranges, their quick fixes as code actions, and the catalog model card on hover over a
// checkpoint path or TF-Hub handle.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { modelCard } from '../../core/catalog';
import {
  checkText,
  detectKind,
  findInvocations,
  findStoredConfig,
  identifyModel,
  nodeProbe,
  parseFlags,
  parseOverrides,
  type FileKind,
  type FileProblem,
} from '../../core/launch';
import { knownRegistry, knownVersion, onDidReadRegistry, readRegistry } from './registry';

export const DIAGNOSTIC_SOURCE = 'Model Garden';

export function documentKind(document: vscode.TextDocument): FileKind | undefined {
  const kind = detectKind(document.fileName);
  if (kind) return kind;
  return document.languageId === 'shellscript' ? 'shell' : undefined;
}

const SEVERITY: Record<FileProblem['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

export class LaunchDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('modelGarden.launch');
  private readonly problems = new Map<string, FileProblem[]>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly disposables: vscode.Disposable[] = [];
  /** Experiment names registered by the user's Model Garden, once read (else the built-in list). */
  private experiments: readonly string[] | undefined = knownRegistry();
  private registryAsked = false;

  /** `store`: where the Model Garden's config files are downloaded (relative configs/… are looked up there). */
  constructor(private readonly store?: string) {
    this.disposables.push(
      this.collection,
      onDidReadRegistry((experiments) => {
        this.experiments = experiments;
        vscode.workspace.textDocuments.forEach((d) => this.update(d));
      }),
      vscode.workspace.onDidOpenTextDocument((d) => this.update(d)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document)),
      vscode.workspace.onDidCloseTextDocument((d) => this.clear(d.uri)),
      vscode.workspace.onDidGrantWorkspaceTrust(() =>
        vscode.workspace.textDocuments.forEach((d) => this.update(d)),
      ),
    );
    vscode.workspace.textDocuments.forEach((d) => this.update(d));
  }

  /** Problems (with fixes) last computed for a document. */
  problemsOf(uri: vscode.Uri): readonly FileProblem[] {
    return this.problems.get(uri.toString()) ?? [];
  }

  private schedule(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        this.update(document);
      }, 250),
    );
  }

  update(document: vscode.TextDocument): void {
    const kind = documentKind(document);
    // Generated or huge files are not launch scripts worth checking on every keystroke.
    if (!kind || document.isClosed || document.getText().length > 512_000) return;
    const folder = vscode.workspace.getWorkspaceFolder(document.uri);
    const local = document.uri.scheme === 'file';
    this.readRegistry(folder);
    const problems = checkText(document.getText(), kind, {
      workspaceFolder: folder?.uri.scheme === 'file' ? folder.uri.fsPath : undefined,
      fileDir: local ? path.dirname(document.uri.fsPath) : undefined,
      // Paths are only looked up on disk in a trusted workspace.
      probe: local && vscode.workspace.isTrusted ? nodeProbe : null,
      // VS Code reports JSON syntax itself, and a launch.json being typed is often briefly invalid.
      structure: false,
      experiments: this.experiments,
      storedConfig: (value) => {
        const version = knownVersion();
        return this.store && version ? findStoredConfig(this.store, version, value) : undefined;
      },
    });
    this.problems.set(document.uri.toString(), problems);
    this.collection.set(
      document.uri,
      problems.map((p) => {
        const diagnostic = new vscode.Diagnostic(
          new vscode.Range(document.positionAt(p.start), document.positionAt(p.end)),
          p.message,
          SEVERITY[p.severity],
        );
        diagnostic.source = DIAGNOSTIC_SOURCE;
        diagnostic.code = p.code;
        return diagnostic;
      }),
    );
  }

  /**
   * Reads the experiment registry of the user's Model Garden once, in a child process (it imports
   * TensorFlow), then checks the open files again; the built-in list is used until then, and when
   * no Model Garden is found. Never in a restricted workspace.
   */
  private readRegistry(folder: vscode.WorkspaceFolder | undefined): void {
    if (this.registryAsked || !vscode.workspace.isTrusted) return;
    this.registryAsked = true;
    // On success onDidReadRegistry sets the list and checks the open files again.
    void readRegistry(folder);
  }

  /** Checks the open files again (the Model Garden's config files were downloaded). */
  refresh(): void {
    vscode.workspace.textDocuments.forEach((d) => this.update(d));
  }

  /** Another Python was chosen: its registry is read again (the built-in list meanwhile). */
  forgetRegistry(): void {
    this.experiments = undefined;
    this.registryAsked = false;
    vscode.workspace.textDocuments.forEach((d) => this.update(d));
  }

  private clear(uri: vscode.Uri): void {
    this.problems.delete(uri.toString());
    this.collection.delete(uri);
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.disposables.forEach((d) => d.dispose());
  }
}

export class LaunchCodeActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];
  constructor(private readonly diagnostics: LaunchDiagnostics) {}

  provideCodeActions(
    document: vscode.TextDocument,
    range: vscode.Range | vscode.Selection,
  ): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    for (const problem of this.diagnostics.problemsOf(document.uri)) {
      const problemRange = new vscode.Range(
        document.positionAt(problem.start),
        document.positionAt(problem.end),
      );
      if (!problemRange.intersection(range) && !problemRange.contains(range)) continue;
      const diagnostic = this.diagnostics.collection
        .get(document.uri)
        ?.find((d) => d.code === problem.code && d.range.isEqual(problemRange));
      problem.fixes.forEach((fix, index) => {
        const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        action.edit = new vscode.WorkspaceEdit();
        for (const edit of fix.edits) {
          action.edit.replace(
            document.uri,
            new vscode.Range(document.positionAt(edit.start), document.positionAt(edit.end)),
            edit.text,
          );
        }
        if (diagnostic) action.diagnostics = [diagnostic];
        action.isPreferred = index === 0;
        actions.push(action);
      });
    }
    return actions;
  }
}

/** The model card of the catalog model a checkpoint path or TF-Hub handle under the cursor names. */
export class LaunchHover implements vscode.HoverProvider {
  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const kind = documentKind(document);
    if (!kind) return undefined;
    const offset = document.offsetAt(position);
    for (const invocation of findInvocations(document.getText(), kind)) {
      const args = invocation.args.map((t) => t.value);
      for (const flag of parseFlags(args)) {
        if (flag.name !== 'params_override' || flag.value === undefined) continue;
        const token = invocation.args[flag.valueArg];
        for (const pair of parseOverrides(flag.value).pairs) {
          if (pair.key !== 'task.init_checkpoint' && pair.key !== 'task.hub_module_url') continue;
          const start = token.offsets[flag.valueOffset + pair.valueStart];
          const last = flag.valueOffset + pair.end - 1;
          const end = token.ends[last] ?? token.end;
          if (start === undefined || offset < start || offset > end) continue;
          const model =
            typeof pair.value === 'string' ? identifyModel({ [pair.key]: pair.value }) : undefined;
          if (!model) return undefined;
          const markdown = new vscode.MarkdownString(modelCard(model));
          return new vscode.Hover(
            markdown,
            new vscode.Range(document.positionAt(start), document.positionAt(end)),
          );
        }
      }
    }
    return undefined;
  }
}
