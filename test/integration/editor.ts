// Editor setup shared by the integration tests.
import * as vscode from 'vscode';

/** Opens `text` in a new plain-text editor in the first column and selects all of it. */
export async function selectText(text: string): Promise<void> {
  const doc = await vscode.workspace.openTextDocument({ content: text, language: 'plaintext' });
  const editor = await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
  editor.selection = new vscode.Selection(0, 0, 0, text.length);
}
