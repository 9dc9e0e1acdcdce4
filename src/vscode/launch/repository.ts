// Where train.py is: `official/nlp/train.py` inside a workspace folder, else the
// `modelGarden.launch.modelsRepository` setting (run as `python3 -m official.nlp.train`).
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Repository } from '../../core/launch';

export const REPOSITORY_SETTING = 'modelGarden.launch.modelsRepository';

export interface FoundRepository {
  /** For launch.json / tasks.json (may use `${workspaceFolder}`). */
  readonly forConfig: Repository;
  /** With real paths, for terminals. */
  readonly forTerminal: Repository;
  readonly description: string;
}

/** The models repository for a workspace folder. */
export async function findRepository(folder: vscode.WorkspaceFolder | undefined): Promise<FoundRepository> {
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
      };
    }
  }
  // In a restricted workspace only the user's own (not the workspace's) setting is read.
  const inspected = vscode.workspace.getConfiguration().inspect<string>(REPOSITORY_SETTING);
  const configured = vscode.workspace.isTrusted
    ? vscode.workspace.getConfiguration().get<string>(REPOSITORY_SETTING)
    : inspected?.globalValue;
  const root = configured?.trim()
    ? configured.trim().replace(/^~(?=$|[\\/])/, process.env.HOME ?? '~')
    : undefined;
  return {
    forConfig: { layout: 'module', root },
    forTerminal: { layout: 'module', root },
    description: root
      ? `python3 -m official.nlp.train from ${root}`
      : 'python3 -m official.nlp.train (tf-models-official)',
  };
}
