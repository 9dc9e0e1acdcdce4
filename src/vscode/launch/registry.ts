// The experiments the user's Model Garden registers (what official/nlp/train.py accepts), read once
// per Python in a child process (it imports TensorFlow, seconds), shared by the diagnostics and the
// wizard. Undefined when no Model Garden is found: callers fall back to the built-in list. Never
// read in a restricted workspace.
import * as vscode from 'vscode';
import { probeModelGarden } from '../../core/launch';
import { chosenPython } from './python';

const reads = new Map<string, Promise<readonly string[] | undefined>>();
let latest: readonly string[] | undefined;
let version: string | undefined;
const changed = new vscode.EventEmitter<readonly string[]>();

/** Fires when a registry has been read (with its experiment names). */
export const onDidReadRegistry = changed.event;

/** The experiments of the last registry read, if any (synchronous; for diagnostics). */
export function knownRegistry(): readonly string[] | undefined {
  return latest;
}

/** The tf-models-official version of the chosen Python, once a probe or a resolve has told it. */
export function knownVersion(): string | undefined {
  return version;
}

/** A run of the chosen Python reported its tf-models-official version. */
export function noteVersion(value: string): void {
  version = value;
}

/** The registered experiments of the folder's Python; undefined without a Model Garden or trust. */
export async function readRegistry(
  folder: vscode.WorkspaceFolder | undefined,
): Promise<readonly string[] | undefined> {
  if (!vscode.workspace.isTrusted) return undefined;
  const { python } = await chosenPython(folder);
  const key = `${python}\0${folder?.uri.fsPath ?? ''}`;
  let read = reads.get(key);
  if (!read) {
    read = probeModelGarden(python, { experiments: true, cwd: folder?.uri.fsPath }).then(
      (probe) => {
        if (probe.version) version = probe.version;
        if (!probe.experiments?.length) return undefined;
        latest = probe.experiments;
        changed.fire(probe.experiments);
        return probe.experiments;
      },
      () => {
        // No Model Garden in that Python (or it failed): the built-in list stays; asked again next time.
        reads.delete(key);
        return undefined;
      },
    );
    reads.set(key, read);
  }
  return read;
}

/** Forgets what was read (the Python setting changed). */
export function forgetRegistry(): void {
  reads.clear();
  latest = undefined;
  version = undefined;
}
