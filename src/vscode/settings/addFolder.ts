// "Add … Folder" for the views that list folders from a user setting (Local Checkpoints, Training Runs):
// refused in Restricted Mode; the folder comes from the command's argument (a Uri or a path) or a folder
// dialog, and is appended to the user's own list (a workspace's list is the workspace's to edit).
import * as vscode from 'vscode';

export async function addFolderToSetting(
  setting: string,
  target: unknown,
  labels: { readonly what: string; readonly openLabel: string },
): Promise<string | undefined> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage(`${labels.what} cannot be added in Restricted Mode.`);
    return undefined;
  }
  let folder = target instanceof vscode.Uri ? target.fsPath : typeof target === 'string' ? target : undefined;
  if (!folder) {
    const picked = await vscode.window.showOpenDialog({
      canSelectFolders: true,
      canSelectFiles: false,
      openLabel: labels.openLabel,
    });
    folder = picked?.[0]?.fsPath;
  }
  if (!folder) return undefined;
  const value = vscode.workspace.getConfiguration().inspect<string[]>(setting)?.globalValue;
  const folders = Array.isArray(value) ? value : [];
  if (!folders.includes(folder)) {
    await vscode.workspace
      .getConfiguration()
      .update(setting, [...folders, folder], vscode.ConfigurationTarget.Global);
  }
  return folder;
}
