// What the inference panel offers when no model is chosen yet: catalog models downloaded into the
// model cache and TensorFlow checkpoints in the workspace (at most 20, found by their .index files).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CATALOG } from '../../core/catalog';
import { ModelCache } from '../../core/download';
import type { ModelChoice } from '../../webview/inference/protocol';

const LIMIT = 20;

export async function modelChoices(cacheRoot: string): Promise<ModelChoice[]> {
  const cache = new ModelCache(cacheRoot);
  const downloaded = (
    await Promise.all(
      CATALOG.map(async (m) => {
        const prefix = await cache.checkpointPrefix(m.id).catch(() => undefined);
        return prefix ? { label: m.name, description: 'downloaded catalog model', path: prefix } : undefined;
      }),
    )
  ).filter((c): c is ModelChoice => c !== undefined);
  const indexes = vscode.workspace.isTrusted
    ? await vscode.workspace.findFiles('**/*.index', '**/{node_modules,.git}/**', LIMIT)
    : [];
  const local = indexes
    .map((uri) => uri.fsPath.slice(0, -'.index'.length))
    .sort()
    .map((prefix) => {
      // SavedModels end in variables/variables: name them by the SavedModel's folder.
      const parts = prefix.split(path.sep);
      const name =
        parts.at(-1) === 'variables' && parts.at(-2) === 'variables'
          ? `${parts.at(-3) ?? 'SavedModel'} (SavedModel)`
          : `${parts.at(-2) ?? ''}/${parts.at(-1) ?? ''}`;
      const relative = vscode.workspace.asRelativePath(prefix);
      return {
        label: name,
        description: relative === name ? 'in the workspace' : `in the workspace: ${relative}`,
        path: prefix,
      };
    });
  return [...downloaded, ...local].slice(0, LIMIT);
}
