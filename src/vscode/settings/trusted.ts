// Reading settings under Workspace Trust. The settings that point at paths or URLs are listed in
// package.json's `capabilities.untrustedWorkspaces.restrictedConfigurations`: in a trusted workspace
// their effective value counts (folder > workspace > user/remote), in Restricted Mode only the
// user's (or remote's) own value does, never the workspace's.
import * as vscode from 'vscode';

/** Settings a workspace may set only once it is trusted (mirrors package.json). */
export const RESTRICTED_SETTINGS = [
  'modelGarden.cache.location',
  'modelGarden.download.urlOverrides',
  'modelGarden.checkpoints.folders',
  'modelGarden.inference.checkpoint',
  'modelGarden.launch.modelsRepository',
  'modelGarden.launch.configFilesBaseUrl',
  'modelGarden.inference.nativeBackendPath',
  'modelGarden.runs.folders',
] as const;

/** The value of `key` as this window may use it: workspace values only in a trusted workspace. */
export function trustedSetting<T>(key: string): T | undefined {
  const config = vscode.workspace.getConfiguration();
  if (vscode.workspace.isTrusted) return config.get<T>(key);
  const inspected = config.inspect<T>(key);
  return inspected?.globalValue ?? inspected?.defaultValue;
}

/** Where the effective value of `key` comes from, for messages after writing it. */
export function settingSource(key: string): 'workspaceFolder' | 'workspace' | 'user' | 'default' {
  const inspected = vscode.workspace.getConfiguration().inspect(key);
  if (vscode.workspace.isTrusted && inspected?.workspaceFolderValue !== undefined) return 'workspaceFolder';
  if (vscode.workspace.isTrusted && inspected?.workspaceValue !== undefined) return 'workspace';
  if (inspected?.globalValue !== undefined) return 'user';
  return 'default';
}
