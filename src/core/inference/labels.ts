// Label names for a fine-tuned classifier or tagger, when the checkpoint's folder says them: a
// `labels.txt` (one per line), or a `label_list` / `labels` / `class_names` / `label_names` string
// list in params.yaml or a JSON metadata file (e.g. the fine-tuning data's input_meta_data). Searched
// in the checkpoint's folder and two parents; only lists of the right length are used.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';

const KEYS = ['label_list', 'labels', 'class_names', 'label_names'];

function findList(value: unknown, depth = 0): string[] | undefined {
  if (depth > 8 || value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = findList(item, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, v] of Object.entries(value)) {
    if (
      KEYS.includes(key) &&
      Array.isArray(v) &&
      v.length > 0 &&
      v.every((x) => typeof x === 'string' || typeof x === 'number')
    ) {
      return v.map(String);
    }
  }
  for (const v of Object.values(value)) {
    const found = findList(v, depth + 1);
    if (found) return found;
  }
  return undefined;
}

async function listsIn(dir: string): Promise<string[][]> {
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  const lists: string[][] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    try {
      if (name === 'labels.txt') {
        const lines = (await fs.readFile(file, 'utf8')).split(/\r?\n/).map((l) => l.trim());
        lists.push(lines.filter((l) => l.length > 0));
      } else if (name === 'params.yaml' || name.endsWith('.json')) {
        const stat = await fs.stat(file);
        if (stat.size > 1 << 20) continue;
        const text = await fs.readFile(file, 'utf8');
        const found = findList(name.endsWith('.json') ? JSON.parse(text) : parseYaml(text));
        if (found) lists.push(found);
      }
    } catch {
      // unreadable or not YAML/JSON: not a label source
    }
  }
  return lists;
}

/** The first label list of exactly `count` names near `prefix`. */
export async function findLabels(prefix: string, count: number): Promise<string[] | undefined> {
  let dir = path.dirname(prefix);
  for (let level = 0; level < 3; level++) {
    const match = (await listsIn(dir)).find((l) => l.length === count);
    if (match) return match;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}
