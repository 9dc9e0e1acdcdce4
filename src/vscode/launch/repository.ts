// Where the Model Garden is: `official/nlp/train.py` inside a workspace folder (a checkout), the
// `modelGarden.launch.modelsRepository` setting (a checkout, run as `python -m official.nlp.train`),
// or the `official` package installed in the user's Python (tf-models-official: no YAML files).
// With none found the user is asked for a checkout folder or to install the package.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  probeModelGarden,
  PythonRunError,
  TF_MODELS_OFFICIAL_VERSION,
  type Repository,
} from '../../core/launch';
import { chosenPython, type ChosenPython } from './python';

export const REPOSITORY_SETTING = 'modelGarden.launch.modelsRepository';

export interface FoundRepository {
  /** For launch.json / tasks.json (may use `${workspaceFolder}`). */
  readonly forConfig: Repository;
  /** With real paths, for terminals. */
  readonly forTerminal: Repository;
  readonly description: string;
  /** The Python to run the trainer with, when it is not the default `python3`. */
  readonly python?: string;
}

function expandHome(value: string): string {
  return value.replace(/^~(?=$|[\\/])/, process.env.HOME ?? '~');
}

function checkout(root: string, description: string, python?: string): FoundRepository {
  return {
    forConfig: { layout: 'module', root },
    forTerminal: { layout: 'module', root },
    description,
    python,
  };
}

/** The models repository for a workspace folder, without asking; undefined when none is found. */
export async function findRepository(
  folder: vscode.WorkspaceFolder | undefined,
  python?: ChosenPython,
): Promise<FoundRepository | undefined> {
  const chosen = python ?? (await chosenPython(folder));
  const pythonForSpec = chosen.source === 'default' ? undefined : chosen.python;
  if (folder) {
    const found = await vscode.workspace.findFiles(
      new vscode.RelativePattern(folder, '**/official/nlp/train.py'),
      '**/node_modules/**',
      1,
    );
    if (found.length > 0) {
      const root = path.dirname(path.dirname(path.dirname(found[0].fsPath)));
      const relative = path.relative(folder.uri.fsPath, root).split(path.sep).join('/');
      const variable = relative ? `\${workspaceFolder}/${relative}` : '${workspaceFolder}';
      return {
        forConfig: { layout: 'program', root: variable },
        forTerminal: { layout: 'program', root },
        description: `${found[0].fsPath}`,
        python: pythonForSpec,
      };
    }
  }
  // In a restricted workspace only the user's own (not the workspace's) setting is read.
  const inspected = vscode.workspace.getConfiguration().inspect<string>(REPOSITORY_SETTING);
  const configured = vscode.workspace.isTrusted
    ? vscode.workspace.getConfiguration().get<string>(REPOSITORY_SETTING)
    : inspected?.globalValue;
  if (configured?.trim()) {
    const root = expandHome(configured.trim());
    return checkout(root, `python -m official.nlp.train from ${root}`, pythonForSpec);
  }
  if (!vscode.workspace.isTrusted) return undefined;
  try {
    const probe = await probeModelGarden(chosen.python, { cwd: folder?.uri.fsPath });
    return {
      forConfig: { layout: 'module' },
      forTerminal: { layout: 'module' },
      description: `tf-models-official ${probe.version ?? ''} installed in ${chosen.python}`.replace(
        '  ',
        ' ',
      ),
      python: pythonForSpec,
    };
  } catch (error) {
    if (error instanceof PythonRunError) return undefined;
    throw error;
  }
}

/**
 * The models repository, asking when none is found: a checkout folder (remembered in
 * modelGarden.launch.modelsRepository) or `pip install tf-models-official` in a terminal.
 * Undefined when the user cancels or is installing.
 */
export async function findOrAskRepository(
  folder: vscode.WorkspaceFolder | undefined,
): Promise<FoundRepository | undefined> {
  const python = await chosenPython(folder);
  const found = await findRepository(folder, python);
  if (found) return found;
  const choose = 'Choose Checkout Folder…';
  const install = 'Install tf-models-official';
  const answer = await vscode.window.showWarningMessage(
    `Model Garden: no Model Garden found (no official/nlp/train.py in the workspace, no ${REPOSITORY_SETTING}, ` +
      `and ${python.python} cannot import \`official\`). Point at a tensorflow/models checkout or install the package.`,
    { modal: true },
    choose,
    install,
  );
  if (answer === install) {
    const terminal = vscode.window.createTerminal({ name: 'pip install tf-models-official' });
    terminal.show();
    terminal.sendText(
      `"${python.python}" -m pip install tf-models-official==${TF_MODELS_OFFICIAL_VERSION}`,
      true,
    );
    void vscode.window.showInformationMessage(
      'Model Garden: run Generate Launch Configuration again when the installation has finished.',
    );
    return undefined;
  }
  if (answer !== choose) return undefined;
  const picked = await vscode.window.showOpenDialog({
    title: 'tensorflow/models checkout (the folder holding official/)',
    canSelectFolders: true,
    canSelectFiles: false,
    canSelectMany: false,
  });
  const root = picked?.[0]?.fsPath;
  if (!root) return undefined;
  if (!fs.existsSync(path.join(root, 'official', 'nlp', 'train.py'))) {
    void vscode.window.showErrorMessage(`Model Garden: ${root} has no official/nlp/train.py.`);
    return undefined;
  }
  await vscode.workspace
    .getConfiguration()
    .update(
      REPOSITORY_SETTING,
      root,
      folder ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global,
    );
  return checkout(
    root,
    `python -m official.nlp.train from ${root}`,
    python.source === 'default' ? undefined : python.python,
  );
}
