// Launch configurations in VS Code: "Generate Launch Configuration…", "Copy Train Command…",
// "Run Train Command in Terminal…" (palette and catalog model items), and diagnostics, quick fixes
// and hovers for train.py invocations in launch.json, tasks.json and shell scripts.
import * as vscode from 'vscode';
import { modelIdOf } from '../catalog/nodes';
import { refuseUntrusted } from '../trust';
import { LaunchCodeActions, LaunchDiagnostics, LaunchHover } from './diagnostics';
import { generate, type GenerateResult } from './generate';
import { PYTHON_SETTING } from './python';
import { forgetRegistry, knownRegistry, readRegistry } from './registry';
import { configStore, registerResolve } from './resolve';
import { recordTerminalCommands } from './terminal';
import {
  ANSWERS_KEY,
  askMissing,
  normalizeSkips,
  rememberedAnswers,
  type LaunchAnswers,
  type LaunchTarget,
} from './wizard';

const ANSWER_KEYS = new Set([
  'source',
  'checkpoint',
  'hub',
  'experiment',
  'mode',
  'distribution',
  'target',
  'modelDir',
  'trainData',
  'evalData',
  'vocabFile',
  'numClasses',
  'experimentConfig',
  'configFiles',
  'overrides',
  'name',
  'folder',
  'replace',
]);

/** Answers from the command arguments: an answers object, or a tree item / model id (plus answers). */
function answersFrom(first: unknown, second: unknown): LaunchAnswers {
  if (first && typeof first === 'object' && Object.keys(first).some((k) => ANSWER_KEYS.has(k)))
    return { ...(first as LaunchAnswers) };
  const given = second && typeof second === 'object' ? { ...(second as LaunchAnswers) } : {};
  const model = modelIdOf(first);
  return model ? { ...given, model } : given;
}

export const SELECTOR: vscode.DocumentSelector = [
  { pattern: '**/.vscode/launch.json' },
  { pattern: '**/.vscode/tasks.json' },
  { language: 'shellscript' },
  { pattern: '**/*.{sh,bash,zsh}' },
];

/** What launch generation needs from other features. */
export interface LaunchDependencies {
  /** The prefix of a catalog model's checkpoint in the download cache, when it is there. */
  readonly downloadedCheckpoint?: (modelId: string) => Promise<string | undefined>;
}

export function registerLaunch(context: vscode.ExtensionContext, deps: LaunchDependencies = {}): void {
  recordTerminalCommands(context.extensionMode === vscode.ExtensionMode.Test);
  const run = async (
    first: unknown,
    second: unknown,
    forced?: LaunchTarget,
  ): Promise<GenerateResult | undefined> => {
    const given = answersFrom(first, second);
    if (forced) given.target = forced;
    // The experiment list comes from the user's Model Garden (read in a child process while the
    // first questions are answered); the built-in list until then, and without one.
    const answers = await askMissing(
      given,
      rememberedAnswers(context.workspaceState),
      deps.downloadedCheckpoint,
      given.experiment
        ? {}
        : { now: knownRegistry(), later: readRegistry(vscode.workspace.workspaceFolders?.[0]) },
    );
    if (!answers) return undefined;
    const normalized = normalizeSkips(answers);
    const result = await generate(normalized);
    if (result) {
      const remember: LaunchAnswers = { ...answers };
      delete remember.name;
      delete remember.folder;
      delete remember.replace;
      await context.workspaceState.update(ANSWERS_KEY, remember);
    }
    return result;
  };
  const diagnostics = new LaunchDiagnostics(configStore(context));
  context.subscriptions.push(
    diagnostics,
    vscode.commands.registerCommand('modelGarden.launch.generate', (first?: unknown, second?: unknown) =>
      run(first, second),
    ),
    vscode.commands.registerCommand('modelGarden.launch.copyCommand', (first?: unknown, second?: unknown) =>
      run(first, second, 'copy'),
    ),
    vscode.commands.registerCommand(
      'modelGarden.launch.runInTerminal',
      (first?: unknown, second?: unknown) => {
        if (!vscode.workspace.isTrusted) {
          return refuseUntrusted(
            'launch.terminal',
            'Model Garden: running commands is disabled in Restricted Mode; trust the workspace to run them.',
          );
        }
        return run(first, second, 'terminal');
      },
    ),
    vscode.languages.registerCodeActionsProvider(SELECTOR, new LaunchCodeActions(diagnostics), {
      providedCodeActionKinds: LaunchCodeActions.kinds,
    }),
    vscode.languages.registerHoverProvider(SELECTOR, new LaunchHover()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration(PYTHON_SETTING)) return;
      forgetRegistry();
      diagnostics.forgetRegistry();
    }),
  );
  registerResolve(context, SELECTOR, () => diagnostics.refresh());
}
