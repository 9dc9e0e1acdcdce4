import { parseArgs } from 'node:util';
import { findModel } from '../core/catalog';
import {
  DOWNLOAD_KINDS,
  ModelCache,
  checkModelId,
  defaultCacheDir,
  formatBytes,
  isDownloadKind,
  type CacheEntry,
  type DownloadKind,
} from '../core/download';
import { table, UsageError, type CliIo } from './io';

export const usage =
  'model-garden cache [list|rm ID [--what checkpoint|hub|tokenizer]|path] [--cache DIR] [--json]';

function entryJson(entry: CacheEntry) {
  return {
    modelId: entry.modelId,
    kind: entry.kind,
    state: entry.state,
    bytesOnDisk: entry.bytesOnDisk,
    // The extracted files only once complete; before that the entry's own folder (files/ does not exist yet).
    dir: entry.state === 'complete' ? entry.contentDir : entry.dir,
    url: entry.manifest?.url ?? null,
    sha256: entry.manifest?.sha256 ?? null,
    date: entry.manifest?.date ?? null,
    assets: entry.manifest?.assets ?? null,
    problem: entry.problem ?? null,
  };
}

export async function run(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      cache: { type: 'string' },
      json: { type: 'boolean', default: false },
      what: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  const [action = 'list', ...rest] = positionals;
  const cache = new ModelCache(values.cache ?? defaultCacheDir());
  if (values.what !== undefined && !isDownloadKind(values.what)) {
    throw new UsageError(`Unknown --what "${values.what}". Use one of: ${DOWNLOAD_KINDS.join(', ')}`);
  }
  switch (action) {
    case 'list': {
      if (rest.length > 0) throw new UsageError(`"cache list" takes no arguments.\nUsage: ${usage}`);
      const entries = await cache.list();
      if (values.json) {
        io.out(JSON.stringify({ root: cache.root, entries: entries.map(entryJson) }, null, 2));
        return 0;
      }
      if (entries.length === 0) {
        io.out(`The cache ${cache.root} is empty.`);
        return 0;
      }
      const total = entries.reduce((n, e) => n + e.bytesOnDisk, 0);
      io.out(
        table(
          ['MODEL', 'WHAT', 'STATE', 'SIZE', 'DATE'],
          entries.map((e) => [
            e.modelId,
            e.kind,
            e.state + (e.problem ? ` (${e.problem})` : ''),
            formatBytes(e.bytesOnDisk),
            e.manifest?.date.slice(0, 10) ?? '',
          ]),
        ),
      );
      io.out(`\n${formatBytes(total)} in ${cache.root}`);
      return 0;
    }
    case 'rm': {
      if (rest.length !== 1) throw new UsageError(`Give one model id to remove.\nUsage: ${usage}`);
      const id = rest[0];
      try {
        checkModelId(id);
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
      const kind = values.what as DownloadKind | undefined;
      const before = (await cache.entries(id)).filter(
        (e) => e.state !== 'absent' && (!kind || e.kind === kind),
      );
      if (before.length === 0) {
        io.err(`model-garden cache: nothing cached for "${id}"${kind ? ` (${kind})` : ''} in ${cache.root}.`);
        return 1;
      }
      const freed = await cache.remove(id, kind);
      if (values.json) io.out(JSON.stringify({ removed: before.map(entryJson), freed }));
      else
        io.out(
          `Removed ${findModel(id)?.name ?? id} (${before.map((e) => e.kind).join(', ')}): ${formatBytes(freed)} freed.`,
        );
      return 0;
    }
    case 'path':
      io.out(values.json ? JSON.stringify({ root: cache.root }) : cache.root);
      return 0;
    default:
      throw new UsageError(`Unknown action "${action}". Use list, rm or path.\nUsage: ${usage}`);
  }
}
