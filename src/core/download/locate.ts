// Finds the files a feature needs inside an extracted download, wherever the tarball put them
// (`<cfg>/`, `tmp/temp_dir/raw/`, a SavedModel's `assets/`). A bounded recursive search; full
// checkpoint discovery lives in src/core/checkpoint.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Paths relative to the extracted folder, with `/` separators; null when absent. */
export interface LocatedAssets {
  /** WordPiece vocabulary (`vocab.txt`, else another `*vocab*.txt`). */
  readonly vocab: string | null;
  /** SentencePiece model (`*.model`). */
  readonly sentencepiece: string | null;
  /** Checkpoint prefix (`…/bert_model.ckpt`, `…/ckpt-1`), without `.index`. */
  readonly checkpointPrefix: string | null;
  /** Folder holding `saved_model.pb` (`.` for the root). */
  readonly savedModel: string | null;
  /** `bert_config.json`, `albert_config.json`, `params.yaml`, `config.json` found. */
  readonly configs: readonly string[];
}

const MAX_DEPTH = 12;
const MAX_ENTRIES = 50_000;

async function walk(root: string): Promise<string[]> {
  const files: string[] = [];
  let seen = 0;
  const visit = async (rel: string, depth: number): Promise<void> => {
    if (depth > MAX_DEPTH || seen > MAX_ENTRIES) return;
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(path.join(root, rel), { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      if (++seen > MAX_ENTRIES) return;
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await visit(child, depth + 1);
      else if (entry.isFile()) files.push(child);
    }
  };
  await visit('', 0);
  return files;
}

const depthOf = (p: string) => p.split('/').length;
const byDepth = (a: string, b: string) => depthOf(a) - depthOf(b) || a.localeCompare(b);
const base = (p: string) => p.slice(p.lastIndexOf('/') + 1);
const dir = (p: string) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '');

export async function locateAssets(root: string): Promise<LocatedAssets> {
  const files = (await walk(root)).sort(byDepth);
  const set = new Set(files);
  const vocab =
    files.find((f) => base(f) === 'vocab.txt') ?? files.find((f) => /vocab.*\.txt$/i.test(base(f))) ?? null;
  const sentencepiece = files.find((f) => /\.model$/i.test(base(f))) ?? null;

  // A `checkpoint` state file names the latest prefix (ELECTRA's tf.train.latest_checkpoint layout).
  let checkpointPrefix: string | null = null;
  for (const state of files.filter((f) => base(f) === 'checkpoint')) {
    const text = await fs.promises.readFile(path.join(root, state), 'utf8').catch(() => '');
    const match = /^model_checkpoint_path:\s*"([^"]+)"/m.exec(text);
    if (match && !path.isAbsolute(match[1]) && !match[1].split(/[\\/]/).includes('..')) {
      const prefix = (dir(state) ? dir(state) + '/' : '') + match[1];
      if (set.has(prefix + '.index')) {
        checkpointPrefix = prefix;
        break;
      }
    }
  }
  if (!checkpointPrefix) {
    const prefixes = files
      .filter((f) => f.endsWith('.index'))
      .map((f) => f.slice(0, -'.index'.length))
      .filter((p) => files.some((f) => f.startsWith(p + '.data-')));
    // A SavedModel's variables/variables is a checkpoint too, but a real one comes first.
    checkpointPrefix = prefixes.find((p) => base(p) !== 'variables') ?? prefixes[0] ?? null;
  }
  const savedModelPb = files.find((f) => base(f) === 'saved_model.pb');
  const savedModel = savedModelPb === undefined ? null : dir(savedModelPb) || '.';
  const configs = files.filter((f) =>
    ['bert_config.json', 'albert_config.json', 'params.yaml', 'config.json'].includes(base(f)),
  );
  return { vocab, sentencepiece, checkpointPrefix, savedModel, configs };
}
