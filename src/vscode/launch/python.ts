// The Python the Model Garden runs with: the `modelGarden.python` setting, else the interpreter
// chosen in the Python extension (when installed), else `python3`.
import * as vscode from 'vscode';

export const PYTHON_SETTING = 'modelGarden.python';

interface PythonExtensionApi {
  environments?: {
    getActiveEnvironmentPath(resource?: vscode.Uri): { path: string } | undefined;
  };
}

export interface ChosenPython {
  readonly python: string;
  readonly source: 'setting' | 'python-extension' | 'default';
}

/** The user's Python; in a restricted workspace only the user's own setting is read. */
export async function chosenPython(folder?: vscode.WorkspaceFolder): Promise<ChosenPython> {
  const config = vscode.workspace.getConfiguration(undefined, folder?.uri);
  const configured = vscode.workspace.isTrusted
    ? config.get<string>(PYTHON_SETTING)
    : config.inspect<string>(PYTHON_SETTING)?.globalValue;
  if (configured?.trim()) {
    return { python: configured.trim().replace(/^~(?=$|[\\/])/, process.env.HOME ?? '~'), source: 'setting' };
  }
  const extension = vscode.extensions.getExtension<PythonExtensionApi>('ms-python.python');
  if (extension && vscode.workspace.isTrusted) {
    try {
      const api = extension.isActive ? extension.exports : await extension.activate();
      const active = api?.environments?.getActiveEnvironmentPath(folder?.uri);
      if (active?.path) return { python: active.path, source: 'python-extension' };
    } catch {
      // An extension that fails to activate leaves the default.
    }
  }
  return { python: 'python3', source: 'default' };
}
