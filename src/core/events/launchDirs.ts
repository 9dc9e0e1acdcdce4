// The model_dir of every train.py call in a launch.json, tasks.json or shell script (as generated
// by "Generate Launch Configuration…"), resolved against the call's cwd and the workspace folder.
import * as path from 'node:path';
import { findInvocations, type FileKind } from '../launch/scan';

function substitute(value: string, workspaceFolder: string): string {
  return value
    .replace(/\$\{workspaceFolder\}/g, workspaceFolder)
    .replace(/\$\{workspaceRoot\}/g, workspaceFolder);
}

/** Absolute model_dir paths named by `--model_dir` in `text`; values with unresolved variables are left out. */
export function modelDirsInLaunchFile(text: string, kind: FileKind, workspaceFolder: string): string[] {
  const found = new Set<string>();
  for (const call of findInvocations(text, kind)) {
    const args = call.args;
    for (let i = 0; i < args.length; i++) {
      const token = args[i];
      let value: string | undefined;
      if (token.value.startsWith('--model_dir=')) value = token.value.slice('--model_dir='.length);
      else if (token.value === '--model_dir' && i + 1 < args.length) value = args[i + 1].value;
      if (!value) continue;
      value = substitute(value, workspaceFolder);
      if (/\$\{|\$[A-Za-z_]|^gs:\/\//.test(value)) continue;
      const cwd = call.cwd
        ? path.resolve(workspaceFolder, substitute(call.cwd, workspaceFolder))
        : workspaceFolder;
      found.add(path.resolve(cwd, value));
    }
  }
  return [...found];
}

/** The model_dir a run folder belongs to: the parent of `train`/`validation`/`eval`, else the folder itself. */
export function modelDirOfRun(runDir: string): string {
  return /^(train|validation|eval|evaluation)$/.test(path.basename(runDir)) ? path.dirname(runDir) : runDir;
}
