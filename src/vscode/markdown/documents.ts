// Read-only Markdown documents (model cards, checkpoint reports, comparisons) shown rendered in
// VS Code's Markdown preview: a virtual document per view, never an unsaved editor asking to be saved.
import * as vscode from 'vscode';

export const MARKDOWN_SCHEME = 'model-garden';

class MarkdownDocuments implements vscode.TextDocumentContentProvider {
  private readonly contents = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? `# Not available\n\nReopen it from Model Garden.`;
  }

  set(uri: vscode.Uri, markdown: string): void {
    this.contents.set(uri.toString(), markdown);
    this.changed.fire(uri);
  }
}

let documents: MarkdownDocuments | undefined;

/** Registers the provider once per extension host (called by every feature that shows documents). */
export function registerMarkdownDocuments(context: vscode.ExtensionContext): void {
  if (documents) return;
  const created = new MarkdownDocuments();
  documents = created;
  context.subscriptions.push(vscode.workspace.registerTextDocumentContentProvider(MARKDOWN_SCHEME, created), {
    dispose: () => {
      if (documents === created) documents = undefined;
    },
  });
}

/** A URI for a document: its title becomes the preview's tab label (`Preview <title>.md`). */
export function markdownUri(kind: string, title: string): vscode.Uri {
  const safe = title.replace(/[\\/:*?"<>|#%]+/g, '_').slice(0, 120);
  return vscode.Uri.from({ scheme: MARKDOWN_SCHEME, path: `/${kind}/${safe}.md` });
}

/**
 * Shows Markdown rendered (the built-in Markdown preview) beside or in the active group; falls back to
 * the read-only source when the preview is unavailable. Returns the document's URI.
 */
export async function showMarkdown(uri: vscode.Uri, markdown: string): Promise<vscode.Uri> {
  if (!documents) throw new Error('Model Garden documents are not registered');
  documents.set(uri, markdown);
  try {
    await vscode.commands.executeCommand('markdown.showPreview', uri);
  } catch {
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: false });
  }
  return uri;
}
