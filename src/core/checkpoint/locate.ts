// From whatever path the user gives (prefix, `.index`, data shard, checkpoint folder, SavedModel
// folder) to the bundle prefix.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { CheckpointError } from './errors';
import { endsWithMagic } from './sstable';
import { latestCheckpoint } from './state';

const DATA_SUFFIX = /\.data-\d{5}-of-\d{5}$/;

export function shardFileName(prefix: string, shard: number, numShards: number): string {
  return `${prefix}.data-${String(shard).padStart(5, '0')}-of-${String(numShards).padStart(5, '0')}`;
}

async function stat(p: string) {
  try {
    return await fs.stat(p);
  } catch {
    return undefined;
  }
}

/** The step in a prefix such as `ckpt-40` or `model.ckpt-20`, if any. */
export function stepOfPrefix(prefix: string): number | undefined {
  const m = /-(\d+)$/.exec(path.basename(prefix));
  return m ? Number(m[1]) : undefined;
}

/** `.index` prefixes directly inside `dir`, newest step last. */
export async function prefixesIn(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.endsWith('.index') && !n.includes('.tempstate'))
    .map((n) => path.join(dir, n.slice(0, -'.index'.length)))
    .sort((a, b) => (stepOfPrefix(a) ?? -1) - (stepOfPrefix(b) ?? -1) || a.localeCompare(b));
}

/** Resolves `input` to a bundle prefix (`P` such that `P.index` exists). */
export async function resolvePrefix(input: string): Promise<string> {
  const p = path.resolve(input);
  const st = await stat(p);
  if (st?.isDirectory()) {
    if ((await stat(path.join(p, 'variables', 'variables.index')))?.isFile())
      return path.join(p, 'variables', 'variables');
    if (path.basename(p) === 'variables' && (await stat(path.join(p, 'variables.index')))?.isFile()) {
      return path.join(p, 'variables');
    }
    const latest = await latestCheckpoint(p);
    if (latest && (await stat(latest + '.index'))?.isFile()) return latest;
    const found = await prefixesIn(p);
    if (found.length > 0) return found[found.length - 1];
    if ((await stat(path.join(p, 'saved_model.pb'))) || (await stat(path.join(p, 'saved_model.pbtxt')))) {
      throw new CheckpointError('not-found', p, 'SavedModel folder has no variables/variables.index');
    }
    throw new CheckpointError(
      'not-found',
      p,
      'no checkpoint (.index file or checkpoint state) in this folder',
    );
  }
  if (p.endsWith('.index') && st?.isFile()) return p.slice(0, -'.index'.length);
  if (DATA_SUFFIX.test(p)) return p.replace(DATA_SUFFIX, '');
  if ((await stat(p + '.index'))?.isFile()) return p;
  if (st?.isFile()) {
    const handle = await fs.open(p, 'r');
    try {
      const tail = new Uint8Array(8);
      if (st.size >= 48) await handle.read(tail, 0, 8, st.size - 8);
      if (st.size >= 48 && endsWithMagic(tail)) {
        throw new CheckpointError(
          'v1-checkpoint',
          p,
          'V1 checkpoint (single SSTable file without .index) is not supported',
        );
      }
    } finally {
      await handle.close();
    }
    throw new CheckpointError('bad-magic', p, 'not a TensorFlow checkpoint (no .index file)');
  }
  throw new CheckpointError('not-found', p, 'no such checkpoint (neither the path nor its .index exists)');
}
