// `modelGarden.inference.checkpoint` as Run Model uses it: a team can put it in the workspace's
// .vscode/settings.json (relative to the workspace folder, `${workspaceFolder}` allowed); in Restricted
// Mode only the user's own value is read.
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { trustedSetting } from '../settings/trusted';

export const CHECKPOINT_SETTING = 'modelGarden.inference.checkpoint';

export function configuredCheckpoint(): string | undefined {
  const value = trustedSetting<string>(CHECKPOINT_SETTING)?.trim();
  if (!value) return undefined;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const base = folder?.scheme === 'file' ? folder.fsPath : undefined;
  let expanded = value.replace(/^~(?=$|[\\/])/, os.homedir());
  if (base) expanded = expanded.replace(/\$\{workspaceFolder\}/g, base);
  if (path.isAbsolute(expanded) || !base) return path.normalize(expanded);
  return path.join(base, expanded);
}
