// Turns the wizard's answers into a launch.json / tasks.json entry (written with the
// comment-preserving writer), a copied command, a terminal run, a Vertex AI job or a TPU VM command.
import * as vscode from 'vscode';
import { requireModel } from '../../core/catalog';
import {
  buildSpec,
  cloudPathProblems,
  EntryExistsError,
  inspectWriteTarget,
  JsoncParseError,
  LaunchBuildError,
  specArgs,
  toLaunchConfiguration,
  toShellTask,
  toTerminalCommand,
  toTpuVmCommand,
  toVertexCustomJob,
  upsertEntry,
  validateArgs,
  type BuildResult,
  type Problem,
  type Repository,
  type Shell,
  type TrainSpec,
} from '../../core/launch';
import { refuseUntrusted } from '../trust';
import { knownRegistry } from './registry';
import { findOrAskRepository } from './repository';
import { sendCommand } from './terminal';
import type { LaunchAnswers } from './wizard';

export interface GenerateResult {
  readonly target: string;
  /** The file written (launch.json / tasks.json), if any. */
  readonly file?: string;
  readonly action?: 'created' | 'inserted' | 'updated';
  /** The command or YAML produced. */
  readonly text?: string;
  readonly problems: readonly Problem[];
}

function build(answers: LaunchAnswers, repository: Repository, python?: string): BuildResult {
  return buildSpec({
    model: requireModel(answers.model!),
    source: answers.source!,
    checkpoint: answers.checkpoint || undefined,
    hubHandle: answers.hub || undefined,
    experiment: answers.experiment!,
    mode: answers.mode!,
    modelDir: answers.modelDir!,
    trainData: answers.trainData,
    evalData: answers.evalData,
    vocabFile: answers.vocabFile,
    distribution: answers.distribution,
    numClasses: answers.numClasses,
    experimentConfig: answers.experimentConfig,
    configFiles: answers.configFiles,
    extraOverrides: answers.overrides,
    repository,
    python,
    registeredExperiments: knownRegistry(),
  });
}

/** The shell of the integrated terminal, as far as it can be told. */
export function terminalShell(): Shell {
  const shell = (vscode.env.shell || '').toLowerCase();
  if (/pwsh|powershell/.test(shell)) return 'powershell';
  if (/cmd\.exe$/.test(shell)) return 'cmd';
  if (!shell && process.platform === 'win32') return 'powershell';
  return 'bash';
}

async function chooseFolder(answers: LaunchAnswers): Promise<vscode.WorkspaceFolder | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (answers.folder) {
    const wanted = answers.folder;
    const found = folders.find(
      (f) => f.name === wanted || f.uri.fsPath === wanted || f.uri.toString() === wanted,
    );
    if (!found) throw new Error(`No workspace folder "${wanted}"`);
    return found;
  }
  if (folders.length <= 1) return folders[0];
  return vscode.window.showWorkspaceFolderPick({
    placeHolder: 'Workspace folder for .vscode/launch.json',
    ignoreFocusOut: true,
  });
}

function problemSummary(problems: readonly Problem[]): string {
  const errors = problems.filter((p) => p.severity === 'error');
  const warnings = problems.filter((p) => p.severity === 'warning');
  const first = errors[0] ?? warnings[0];
  return first ? ` ${errors.length} error(s), ${warnings.length} warning(s): ${first.message}` : '';
}

/** Opens the written file with the cursor on the entry's name. */
async function revealEntry(uri: vscode.Uri, name: string): Promise<void> {
  const document = await vscode.workspace.openTextDocument(uri);
  const offset = document.getText().lastIndexOf(JSON.stringify(name));
  const position = document.positionAt(Math.max(0, offset));
  await vscode.window.showTextDocument(document, {
    selection: new vscode.Range(position, position),
    preview: false,
  });
}

/** `debugpy` configurations need the Python Debugger extension; offer it when it is missing. */
function offerDebugger(): void {
  if (vscode.extensions.getExtension('ms-python.debugpy')) return;
  const install = 'Install Python Debugger';
  void vscode.window
    .showInformationMessage(
      'Model Garden: the configuration is of type "debugpy", which needs the Python Debugger extension (ms-python.debugpy).',
      install,
    )
    .then((choice) =>
      choice === install
        ? vscode.commands.executeCommand('workbench.extensions.installExtension', 'ms-python.debugpy')
        : undefined,
    );
}

/** Runs the chosen target with complete answers. */
export async function generate(answers: LaunchAnswers): Promise<GenerateResult | undefined> {
  const target = answers.target!;
  const writes = target === 'launch' || target === 'task';
  if ((writes || target === 'terminal') && !vscode.workspace.isTrusted) {
    return refuseUntrusted(
      writes ? 'launch.write' : 'launch.terminal',
      'Model Garden: writing configurations and running commands is disabled in Restricted Mode; trust the workspace to use them.',
    );
  }
  const folder = writes ? await chooseFolder(answers) : vscode.workspace.workspaceFolders?.[0];
  if (writes && !folder) {
    if ((vscode.workspace.workspaceFolders ?? []).length === 0)
      void vscode.window.showErrorMessage('Model Garden: open a folder to write .vscode/launch.json.');
    return undefined;
  }
  // A Vertex AI container has the pip package only (no checkout, no shipped YAML).
  const repository =
    target === 'vertex' || target === 'tpu'
      ? {
          forConfig: { layout: 'module' as const },
          forTerminal: { layout: 'module' as const },
          description: 'Vertex AI',
        }
      : await findOrAskRepository(folder);
  if (!repository) return undefined;
  let built: BuildResult;
  try {
    built = build(
      answers,
      writes ? repository.forConfig : repository.forTerminal,
      'python' in repository ? repository.python : undefined,
    );
  } catch (error) {
    if (error instanceof LaunchBuildError) {
      void vscode.window.showErrorMessage(`Model Garden: ${error.message}`);
      return undefined;
    }
    throw error;
  }
  const spec: TrainSpec = built.spec;
  const problems: Problem[] = [
    ...built.problems,
    ...validateArgs(specArgs(spec), { probe: null, modelId: spec.modelId, experiments: knownRegistry() }),
  ];

  if (writes) {
    const kind = target === 'launch' ? 'launch' : 'tasks';
    const uri = vscode.Uri.joinPath(folder!.uri, '.vscode', kind === 'launch' ? 'launch.json' : 'tasks.json');
    const entry =
      kind === 'launch' ? toLaunchConfiguration(spec, answers.name!) : toShellTask(spec, answers.name!);
    let text = '';
    try {
      text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    } catch {
      text = '';
    }
    let result;
    try {
      try {
        result = upsertEntry(text, kind, entry, { replace: answers.replace === true, file: uri.fsPath });
      } catch (error) {
        if (!(error instanceof EntryExistsError)) throw error;
        const choice = await vscode.window.showWarningMessage(
          `${vscode.workspace.asRelativePath(uri)} already has "${answers.name}". Update it?`,
          { modal: true },
          'Update',
        );
        if (choice !== 'Update') return undefined;
        result = upsertEntry(text, kind, entry, { replace: true, file: uri.fsPath });
      }
    } catch (error) {
      if (error instanceof JsoncParseError) {
        void vscode.window.showErrorMessage(`Model Garden: ${error.message}`);
        return undefined;
      }
      throw error;
    }
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (document && document.isDirty) {
      // Edit the open buffer (its unsaved text is what the user sees) rather than the file under it.
      const fresh = upsertEntry(document.getText(), kind, entry, { replace: true, file: uri.fsPath });
      const edit = new vscode.WorkspaceEdit();
      edit.replace(
        uri,
        new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)),
        fresh.text,
      );
      await vscode.workspace.applyEdit(edit);
    } else {
      if (uri.scheme === 'file' && !(await mayWrite(folder!.uri.fsPath, kind, answers.name!)))
        return undefined;
      await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(folder!.uri, '.vscode'));
      await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(result.text));
    }
    void vscode.window.showInformationMessage(
      `Model Garden: ${result.action === 'updated' ? 'updated' : 'added'} "${answers.name}" in ${vscode.workspace.asRelativePath(uri)} (${repository.description}).${problemSummary(problems)}`,
    );
    await revealEntry(uri, answers.name!);
    if (kind === 'launch') offerDebugger();
    return { target, file: uri.fsPath, action: result.action, problems };
  }

  if (target === 'vertex' || target === 'tpu') {
    const cloud = [...problems, ...cloudPathProblems(spec, { configFiles: target === 'vertex' })];
    const text =
      target === 'vertex'
        ? toVertexCustomJob(spec, {
            displayName: `${spec.modelId ?? 'model'}-${spec.experiment.replace(/\//g, '-')}-${spec.mode}`,
            replicaCount:
              spec.overrides.find((o) => o.key === 'runtime.distribution_strategy')?.value ===
                'multi_worker_mirrored' && answers.distribution?.kind === 'multi-worker'
                ? answers.distribution.workers
                : 1,
          })
        : toTpuVmCommand(spec, { tpuName: spec.tpu ?? 'TPU_NAME', zone: 'ZONE' });
    if (target === 'vertex') {
      const document = await vscode.workspace.openTextDocument({ language: 'yaml', content: text });
      await vscode.window.showTextDocument(document, { preview: false });
    } else {
      await vscode.env.clipboard.writeText(text);
      void vscode.window.showInformationMessage(
        `Model Garden: Cloud TPU VM command copied.${problemSummary(cloud)}`,
      );
    }
    return { target, text, problems: cloud };
  }

  const shell = terminalShell();
  const text = toTerminalCommand(spec, shell);
  if (target === 'copy') {
    await vscode.env.clipboard.writeText(text);
    void vscode.window.showInformationMessage(
      `Model Garden: train.py command copied for ${shell}.${problemSummary(problems)}`,
    );
    return { target, text, problems };
  }
  // Run in terminal: cwd and env go to the terminal itself; the line holds just the command.
  const terminal = vscode.window.createTerminal({
    name: `train.py ${spec.experiment}`,
    cwd: spec.cwd,
    env: { ...spec.env },
  });
  const line = toTerminalCommand({ ...spec, cwd: undefined, env: {} }, shell);
  terminal.show();
  sendCommand(terminal, line);
  return { target, text: line, problems };
}

/**
 * False (after telling the user) when the file is read-only or not a file, or is reached through a
 * symbolic link the user does not want to write through (asked in a modal dialog).
 */
async function mayWrite(folder: string, kind: 'launch' | 'tasks', name: string): Promise<boolean> {
  let target;
  try {
    target = await inspectWriteTarget(folder, kind);
  } catch (error) {
    void vscode.window.showErrorMessage(`Model Garden: ${(error as Error).message}`);
    return false;
  }
  if (target.readOnly) {
    void vscode.window.showErrorMessage(`Model Garden: ${target.file} is read-only; nothing was written.`);
    return false;
  }
  for (const link of target.links) {
    const choice = await vscode.window.showWarningMessage(
      `${link.path} is a symbolic link to ${link.target}. Write "${name}" through it?`,
      { modal: true },
      WRITE_THROUGH_LINK,
    );
    if (choice !== WRITE_THROUGH_LINK) return false;
  }
  return true;
}

const WRITE_THROUGH_LINK = 'Write Through Link';
