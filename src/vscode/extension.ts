import * as vscode from 'vscode';

export interface ModelGardenApi {
  readonly activationMs: number;
}

export function activate(_context: vscode.ExtensionContext): ModelGardenApi {
  const started = performance.now();
  return { activationMs: performance.now() - started };
}

export function deactivate(): void {}
