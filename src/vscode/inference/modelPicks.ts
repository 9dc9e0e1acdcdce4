// What Choose Model for Inference offers besides Browse: the checkpoints the Local Checkpoints view
// found, the ones used recently, and catalog models downloaded into the cache.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { discoveredCheckpoints } from '../checkpoints/register';
import { checkpointLabel } from '../checkpoints/nodes';

const RECENT_KEY = 'modelGarden.inference.recentModels';
const RECENT_MAX = 8;

export interface ModelPick extends vscode.QuickPickItem {
  readonly path: string;
}

/** Records a model path as the most recently used (kept per machine, newest first). */
export async function rememberModel(context: vscode.ExtensionContext, modelPath: string): Promise<void> {
  const recent = context.globalState.get<string[]>(RECENT_KEY, []).filter((p) => p !== modelPath);
  await context.globalState.update(RECENT_KEY, [modelPath, ...recent].slice(0, RECENT_MAX));
}

export function recentModels(context: vscode.ExtensionContext): string[] {
  return context.globalState.get<string[]>(RECENT_KEY, []);
}

const exists = (p: string) => fs.existsSync(p) || fs.existsSync(p + '.index');

/** Recent, discovered and downloaded models, each once, in sections. */
export async function modelPicks(
  context: vscode.ExtensionContext,
  downloaded: readonly ModelPick[],
): Promise<(ModelPick | vscode.QuickPickItem)[]> {
  const seen = new Set<string>();
  const take = (items: ModelPick[]) =>
    items.filter((item) => {
      const key = path.normalize(item.path);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  const recent = take(
    recentModels(context)
      .filter(exists)
      .map((p) => ({
        label: `$(history) ${checkpointLabel(p.replace(/\.index$/, '')).label}`,
        description: 'recently used',
        detail: p,
        path: p,
      })),
  );
  const found = take(
    (await discoveredCheckpoints().catch(() => [])).map((c) => ({
      label: `$(archive) ${c.label}`,
      description: c.location ? `in ${c.location}` : 'workspace',
      detail: c.prefix,
      path: c.prefix,
    })),
  );
  const cached = take([...downloaded]);
  const section = (label: string, items: ModelPick[]): (ModelPick | vscode.QuickPickItem)[] =>
    items.length ? [{ label, kind: vscode.QuickPickItemKind.Separator }, ...items] : [];
  return [
    ...section('Recently used', recent),
    ...section('Local checkpoints', found),
    ...section('Downloaded catalog models', cached),
  ];
}
