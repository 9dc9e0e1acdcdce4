// Model discovery: from a tarball extraction folder, a folder, a prefix, an `.index` file or a
// SavedModel folder to the checkpoint(s), the encoder config and the vocab/SentencePiece file,
// searching nested folders (e.g. `tmp/temp_dir/raw/`).
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { parseJsonConfig, parseParamsYaml, type FoundConfig } from './config';
import { CheckpointError } from './errors';
import { resolvePrefix, stepOfPrefix } from './locate';
import { latestCheckpoint } from './state';

export interface FoundCheckpoint {
  readonly prefix: string;
  /** `savedmodel` when the prefix is `<dir>/variables/variables` beside a saved_model.pb. */
  readonly kind: 'bundle' | 'savedmodel';
  readonly step: number | undefined;
}

export interface DiscoveredModel {
  /** The folder searched. */
  readonly root: string;
  /** Every checkpoint found, oldest step first. */
  readonly checkpoints: readonly FoundCheckpoint[];
  /** The checkpoint to use: the one asked for, the `checkpoint` state's latest, or the highest step. */
  readonly checkpoint: FoundCheckpoint | undefined;
  readonly config: FoundConfig | undefined;
  /** Config files that could not be parsed, with the reason. */
  readonly configErrors: readonly string[];
  readonly vocab: string | undefined;
  readonly sentencePiece: string | undefined;
}

const MAX_DEPTH = 6;
const MAX_ENTRIES = 20000;
const SKIP = new Set(['node_modules', '.git', '__pycache__', '.venv']);

interface Walk {
  indexes: string[];
  stateDirs: string[];
  savedModels: string[];
  configs: string[];
  vocabs: string[];
  spms: string[];
}

async function walk(dir: string, depth: number, acc: Walk, budget: { left: number }): Promise<void> {
  if (depth > MAX_DEPTH || budget.left <= 0) return;
  let entries: import('node:fs').Dirent[];
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  budget.left -= entries.length;
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (!SKIP.has(e.name)) await walk(p, depth + 1, acc, budget);
    } else if (e.isFile() || (e.isSymbolicLink() && (await isLinkToFile(p)))) {
      const n = e.name;
      if (n.endsWith('.index') && !n.includes('.tempstate')) acc.indexes.push(p);
      else if (n === 'checkpoint') acc.stateDirs.push(dir);
      else if (n === 'saved_model.pb' || n === 'saved_model.pbtxt') acc.savedModels.push(dir);
      else if (n === 'bert_config.json' || n === 'albert_config.json' || n === 'params.yaml')
        acc.configs.push(p);
      else if (n === 'vocab.txt' || /^vocab.*\.txt$/.test(n)) acc.vocabs.push(p);
      else if (n.endsWith('.model') && !n.endsWith('.ckpt.model')) acc.spms.push(p);
    }
  }
}

/**
 * A symbolic link to a regular file (DVC and git-annex store checkpoints so): followed. Links to
 * folders are not (no loops); a dangling link or a loop is skipped.
 */
async function isLinkToFile(link: string): Promise<boolean> {
  return (await fs.stat(link).catch(() => undefined))?.isFile() ?? false;
}

/** How close `file` is to `anchor`: same folder 0, parent/child 1, ... unrelated large. */
function distance(file: string, anchor: string | undefined): number {
  if (!anchor) return 0;
  const a = path.dirname(file).split(path.sep);
  const b = anchor.split(path.sep);
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  return a.length - common + (b.length - common);
}

function nearest(
  files: readonly string[],
  anchor: string | undefined,
  rank: (f: string) => number = () => 0,
): string | undefined {
  return [...files].sort(
    (x, y) => distance(x, anchor) - distance(y, anchor) || rank(x) - rank(y) || x.localeCompare(y),
  )[0];
}

const CONFIG_RANK: Record<string, number> = {
  'params.yaml': 0,
  'albert_config.json': 1,
  'bert_config.json': 2,
};

async function loadConfig(file: string): Promise<FoundConfig> {
  const st = await fs.stat(file);
  if (st.size > 1 << 20) throw new Error(`${file}: config file too large (${st.size} bytes)`);
  const text = await fs.readFile(file, 'utf8');
  const name = path.basename(file);
  return name === 'params.yaml'
    ? parseParamsYaml(text, file)
    : parseJsonConfig(text, file, name as 'bert_config.json' | 'albert_config.json');
}

function checkpointsOf(acc: Walk): FoundCheckpoint[] {
  const savedModelDirs = new Set(acc.savedModels);
  return acc.indexes
    .map((file) => {
      const prefix = file.slice(0, -'.index'.length);
      const parent = path.dirname(path.dirname(prefix));
      const savedModel =
        path.basename(prefix) === 'variables' &&
        path.basename(path.dirname(prefix)) === 'variables' &&
        savedModelDirs.has(parent);
      return {
        prefix,
        kind: savedModel ? ('savedmodel' as const) : ('bundle' as const),
        step: stepOfPrefix(prefix),
      };
    })
    .sort((a, b) => (a.step ?? -1) - (b.step ?? -1) || a.prefix.localeCompare(b.prefix));
}

/** Every checkpoint under `root` (nested up to 6 levels), with the latest one of each `checkpoint` state file. */
export async function findCheckpoints(
  root: string,
): Promise<{ checkpoints: FoundCheckpoint[]; latest: string[] }> {
  const acc: Walk = { indexes: [], stateDirs: [], savedModels: [], configs: [], vocabs: [], spms: [] };
  await walk(path.resolve(root), 0, acc, { left: MAX_ENTRIES });
  const latest: string[] = [];
  for (const dir of acc.stateDirs) {
    const prefix = await latestCheckpoint(dir);
    if (prefix) latest.push(prefix);
  }
  return { checkpoints: checkpointsOf(acc), latest };
}

/** Finds checkpoints, config and vocabulary for `input`. Throws a CheckpointError when no checkpoint exists. */
export async function discoverModel(input: string): Promise<DiscoveredModel> {
  const abs = path.resolve(input);
  const st = await fs.stat(abs).catch(() => undefined);
  const root = st?.isDirectory() ? abs : path.dirname(abs);
  const acc: Walk = { indexes: [], stateDirs: [], savedModels: [], configs: [], vocabs: [], spms: [] };
  await walk(root, 0, acc, { left: MAX_ENTRIES });
  const savedModelDirs = new Set(acc.savedModels);
  const checkpoints = checkpointsOf(acc);

  let chosen: FoundCheckpoint | undefined;
  const byPrefix = (prefix: string) => checkpoints.find((c) => c.prefix === prefix);
  if (!st?.isDirectory() || savedModelDirs.has(abs)) {
    // A prefix, an .index file, a data shard or a SavedModel folder: that checkpoint.
    const prefix = await resolvePrefix(abs);
    chosen = byPrefix(prefix) ?? {
      prefix,
      kind: savedModelDirs.has(abs) ? 'savedmodel' : 'bundle',
      step: stepOfPrefix(prefix),
    };
  } else {
    for (const dir of [abs, ...acc.stateDirs]) {
      const latest = await latestCheckpoint(dir);
      if (latest && byPrefix(latest)) {
        chosen = byPrefix(latest);
        break;
      }
    }
    chosen ??= checkpoints.filter((c) => c.step !== undefined).at(-1) ?? checkpoints.at(-1);
  }
  if (!chosen)
    throw new CheckpointError('not-found', root, 'no checkpoint (.index file) in this folder or below it');

  const anchor = path.dirname(chosen.kind === 'savedmodel' ? path.dirname(chosen.prefix) : chosen.prefix);
  const configErrors: string[] = [];
  let config: FoundConfig | undefined;
  const ordered = [...acc.configs].sort(
    (x, y) =>
      distance(x, anchor) - distance(y, anchor) ||
      (CONFIG_RANK[path.basename(x)] ?? 9) - (CONFIG_RANK[path.basename(y)] ?? 9),
  );
  for (const file of ordered) {
    try {
      config = await loadConfig(file);
      break;
    } catch (error) {
      configErrors.push((error as Error).message);
    }
  }
  const assetsFirst = (f: string) => (f.includes(`${path.sep}assets${path.sep}`) ? 0 : 1);
  return {
    root,
    checkpoints,
    checkpoint: chosen,
    config,
    configErrors,
    vocab: nearest(acc.vocabs, anchor, assetsFirst),
    sentencePiece: nearest(acc.spms, anchor, assetsFirst),
  };
}

/** The config and vocabulary beside a checkpoint prefix: its folder, then the parent folders (up to two levels). */
export async function findFilesNear(
  prefix: string,
): Promise<{ config?: FoundConfig; vocab?: string; configErrors: string[] }> {
  let dir = path.dirname(prefix);
  if (path.basename(prefix) === 'variables' && path.basename(dir) === 'variables') dir = path.dirname(dir);
  const configErrors: string[] = [];
  let config: FoundConfig | undefined;
  let vocab: string | undefined;
  for (let level = 0; level < 3 && (!config || !vocab); level++) {
    for (const name of ['params.yaml', 'albert_config.json', 'bert_config.json']) {
      if (config) break;
      const file = path.join(dir, name);
      if (!(await fs.stat(file).catch(() => undefined))?.isFile()) continue;
      try {
        config = await loadConfig(file);
      } catch (error) {
        configErrors.push((error as Error).message);
      }
    }
    for (const name of [
      path.join('assets', 'vocab.txt'),
      'vocab.txt',
      path.join('assets', '30k-clean.model'),
      '30k-clean.model',
    ]) {
      if (vocab) break;
      const file = path.join(dir, name);
      if ((await fs.stat(file).catch(() => undefined))?.isFile()) vocab = file;
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return { ...(config ? { config } : {}), ...(vocab ? { vocab } : {}), configErrors };
}
