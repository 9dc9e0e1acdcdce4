// The `checkpoint` state file (CheckpointState text proto) that Saver and CheckpointManager write.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';

export interface CheckpointState {
  /** As written: usually relative to the folder, sometimes absolute. */
  readonly modelCheckpointPath: string | undefined;
  readonly allModelCheckpointPaths: readonly string[];
}

function unescape(text: string): string {
  return text.replace(/\\(x[0-9a-fA-F]{2}|[0-7]{1,3}|.)/g, (_m, e: string) => {
    if (e[0] === 'x') return String.fromCharCode(parseInt(e.slice(1), 16));
    if (/^[0-7]/.test(e)) return String.fromCharCode(parseInt(e, 8));
    return ({ n: '\n', t: '\t', r: '\r' } as Record<string, string>)[e] ?? e;
  });
}

export function parseCheckpointState(text: string): CheckpointState {
  let modelCheckpointPath: string | undefined;
  const all: string[] = [];
  const line =
    /^\s*(model_checkpoint_path|all_model_checkpoint_paths)\s*:\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')/gm;
  for (const m of text.matchAll(line)) {
    const value = unescape(m[2] ?? m[3] ?? '');
    if (m[1] === 'model_checkpoint_path') modelCheckpointPath = value;
    else all.push(value);
  }
  return { modelCheckpointPath, allModelCheckpointPaths: all };
}

/** The latest checkpoint prefix named by `dir/checkpoint`, resolved against `dir`; undefined when absent. */
export async function latestCheckpoint(dir: string): Promise<string | undefined> {
  let text: string;
  try {
    const stat = await fs.stat(path.join(dir, 'checkpoint'));
    if (!stat.isFile() || stat.size > 1 << 20) return undefined;
    text = await fs.readFile(path.join(dir, 'checkpoint'), 'utf8');
  } catch {
    return undefined;
  }
  const state = parseCheckpointState(text);
  const latest = state.modelCheckpointPath ?? state.allModelCheckpointPaths.at(-1);
  if (!latest) return undefined;
  const candidates = [path.resolve(dir, latest), path.join(dir, path.basename(latest))];
  for (const prefix of candidates) {
    if (await exists(prefix + '.index')) return prefix;
  }
  return candidates[0];
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.access(p);
    return true;
  } catch {
    return false;
  }
}
