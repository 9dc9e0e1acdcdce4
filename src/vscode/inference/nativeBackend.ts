// "Model Garden: Install Native Backend": installs the pinned @tensorflow/tfjs-node into the extension's global
// storage with the user's npm (a cancellable notification, npm's output in an output channel, the log on
// failure) and the folders the inference worker searches for it. The backend status bar item is backendText.ts's.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { trustedSetting } from '../settings/trusted';
import {
  NATIVE_BACKEND_FOLDER,
  TFJS_NODE_PACKAGE,
  TFJS_NODE_VERSION,
} from '../../core/inference/nativeBackend';
import { installNative, NativeInstallError } from '../../core/inference/nativeInstall';
import { CancelledError } from '../../core/inference/types';

export const INSTALL_NATIVE_COMMAND = 'modelGarden.inference.installNativeBackend';
export const NATIVE_PATH_SETTING = 'modelGarden.inference.nativeBackendPath';

/** Where the worker looks for tfjs-node: the user's path first, then the folder the command installs into. */
export function nativeSearchPaths(context: vscode.ExtensionContext): string[] {
  const configured = (trustedSetting<string>(NATIVE_PATH_SETTING) ?? '').trim();
  return [
    ...(configured ? [configured] : []),
    path.join(context.globalStorageUri.fsPath, NATIVE_BACKEND_FOLDER),
  ];
}

/** What the command returns (for callers such as the integration tests): how it ended, and npm's log. */
export interface NativeInstallOutcome {
  readonly outcome: 'installed' | 'cancelled' | 'failed' | 'restricted';
  /** The error shown to the user, when it failed. */
  readonly message?: string;
  /** npm's output (what the output channel shows). */
  readonly log: string;
}

/** Registers the command; `installed` is called after a successful install (to restart the worker). */
export function registerNativeBackend(context: vscode.ExtensionContext, installed: () => void): void {
  let channel: vscode.OutputChannel | undefined;
  const install = async (): Promise<NativeInstallOutcome> => {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage(
        'Model Garden does not run npm in Restricted Mode. Trust the workspace first.',
      );
      return { outcome: 'restricted', log: '' };
    }
    channel ??= vscode.window.createOutputChannel('Model Garden: Native Backend');
    const log = channel;
    const prefix = path.join(context.globalStorageUri.fsPath, NATIVE_BACKEND_FOLDER);
    const spec = `${TFJS_NODE_PACKAGE}@${TFJS_NODE_VERSION}`;
    log.appendLine(`Installing ${spec} into ${prefix}`);
    let npmLog = '';
    try {
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Installing ${spec}`, cancellable: true },
        async (progress, token) => {
          const controller = new AbortController();
          token.onCancellationRequested(() => controller.abort());
          await installNative({
            prefix,
            signal: controller.signal,
            onOutput: (text) => {
              npmLog += text;
              log.append(text);
              const line = text.trim().split('\n').at(-1);
              if (line) progress.report({ message: line.slice(0, 120) });
            },
          });
        },
      );
    } catch (error) {
      if (error instanceof CancelledError) {
        log.appendLine('Cancelled.');
        void vscode.window.showInformationMessage(`Installing ${spec} was cancelled.`);
        return { outcome: 'cancelled', log: npmLog };
      }
      const message = error instanceof NativeInstallError ? error.message : String(error);
      log.appendLine(message);
      // Not awaited: the command ends while the notification waits for the user.
      void vscode.window
        .showErrorMessage(`Installing ${spec} failed: ${message}`, 'Show npm Log')
        .then((choice) => choice && log.show());
      return {
        outcome: 'failed',
        message,
        log: error instanceof NativeInstallError ? error.log : npmLog,
      };
    }
    log.appendLine('Installed.');
    installed();
    void vscode.window.showInformationMessage(
      `${spec} is installed; models now run on native TensorFlow (setting modelGarden.inference.backend: auto or tensorflow).`,
    );
    return { outcome: 'installed', log: npmLog };
  };
  context.subscriptions.push(
    vscode.commands.registerCommand('modelGarden.inference.installNativeBackend', install),
    {
      dispose: () => channel?.dispose(),
    },
  );
}
