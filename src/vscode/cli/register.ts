// "Model Garden: Add CLI to Terminal PATH": wrapper scripts in the extension's global storage and a
// PATH prepend in the environment variable collection, so new integrated terminals have `model-garden`.
// The choice is remembered; each activation rewrites the wrappers (an update moves the extension).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { writeWrappers } from './wrapper';

const ENABLED_KEY = 'modelGarden.cli.onTerminalPath';

export interface CliApi {
  /** The folder holding the wrappers (prepended to PATH when enabled). */
  readonly binDir: string;
  /** The PATH change this extension contributes to new terminals, if any. */
  pathMutator(): vscode.EnvironmentVariableMutator | undefined;
}

export function registerCli(context: vscode.ExtensionContext): CliApi {
  const binDir = path.join(context.globalStorageUri.fsPath, 'bin');
  const collection = context.environmentVariableCollection;
  collection.description = 'Adds the `model-garden` command-line tool bundled with Model Garden NLP to PATH.';

  const enable = (): string => {
    const files = writeWrappers(binDir, process.execPath, path.join(context.extensionPath, 'dist', 'cli.js'));
    collection.prepend('PATH', binDir + path.delimiter);
    return files.command;
  };

  if (context.globalState.get<boolean>(ENABLED_KEY) && vscode.workspace.isTrusted) {
    try {
      enable();
    } catch (error) {
      console.error('Model Garden: could not refresh the CLI wrappers', error);
    }
  }

  context.subscriptions.push(
    vscode.commands.registerCommand('modelGarden.cli.addToTerminalPath', async () => {
      if (!vscode.workspace.isTrusted) {
        void vscode.window.showWarningMessage(
          'Model Garden does not change terminals in Restricted Mode. Trust the workspace first.',
        );
        return undefined;
      }
      try {
        const command = enable();
        await context.globalState.update(ENABLED_KEY, true);
        void vscode.window.showInformationMessage(
          'New integrated terminals have `model-garden` (try `model-garden --help`); existing ones need a restart.',
        );
        return command;
      } catch (error) {
        void vscode.window.showErrorMessage(
          `Could not add model-garden to the terminal PATH: ${error instanceof Error ? error.message : String(error)}`,
        );
        return undefined;
      }
    }),
    vscode.commands.registerCommand('modelGarden.cli.removeFromTerminalPath', async () => {
      collection.delete('PATH');
      await context.globalState.update(ENABLED_KEY, false);
      void vscode.window.showInformationMessage('New integrated terminals no longer have `model-garden`.');
    }),
  );

  return { binDir, pathMutator: () => collection.get('PATH') };
}
