import { parseArgs } from 'node:util';
import { findModel } from '../core/catalog';
import {
  DOWNLOAD_KINDS,
  DownloadError,
  ModelCache,
  defaultCacheDir,
  describeProgress,
  formatBytes,
  isDownloadKind,
  proxyAwareFetch,
  type DownloadKind,
  type DownloadProgress,
} from '../core/download';
import { UsageError, type CliIo } from './io';

export const usage =
  'model-garden download ID [--what checkpoint|hub|tokenizer] [--cache DIR] [--url URL] [--sha256 HEX] [--force]';

const BAR_WIDTH = 30;

function bar(progress: DownloadProgress): string {
  const fraction = progress.total ? Math.min(1, progress.bytes / progress.total) : 0;
  const filled = Math.round(fraction * BAR_WIDTH);
  const body = progress.total ? '#'.repeat(filled) + '-'.repeat(BAR_WIDTH - filled) : '?'.repeat(BAR_WIDTH);
  return `[${body}] ${describeProgress(progress)}`;
}

/** Progress as a bar redrawn in place on a terminal, or as one JSON line per update otherwise. */
function progressReporter(io: CliIo): { report(p: DownloadProgress): void; end(): void } {
  let last = 0;
  let drawn = false;
  if (io.isTty) {
    return {
      report(p) {
        const now = Date.now();
        if (now - last < 100 && !p.retrying) return;
        last = now;
        process.stderr.write(`\r${(p.retrying ? describeProgress(p) : bar(p)).padEnd(90)}`);
        drawn = true;
      },
      end() {
        if (drawn) process.stderr.write('\n');
      },
    };
  }
  let lastPhase = '';
  return {
    report(p) {
      const now = Date.now();
      if (now - last < 500 && p.phase === lastPhase && p.bytes !== p.total && !p.retrying) return;
      last = now;
      lastPhase = p.phase;
      io.out(
        JSON.stringify({
          event: 'progress',
          phase: p.phase,
          bytes: p.bytes,
          total: p.total,
          rate: Math.round(p.rate),
          etaSeconds: p.etaSeconds === null ? null : Math.round(p.etaSeconds),
          ...(p.retrying && { retrying: p.retrying }),
        }),
      );
    },
    end() {},
  };
}

export async function run(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      what: { type: 'string' },
      cache: { type: 'string' },
      url: { type: 'string' },
      sha256: { type: 'string' },
      force: { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) throw new UsageError(`Give exactly one model id.\nUsage: ${usage}`);
  const id = positionals[0];
  const model = findModel(id);
  if (!model) throw new UsageError(`Unknown catalog model "${id}". Run "model-garden catalog" for the ids.`);
  if (values.what !== undefined && !isDownloadKind(values.what)) {
    throw new UsageError(`Unknown --what "${values.what}". Use one of: ${DOWNLOAD_KINDS.join(', ')}`);
  }
  const kind: DownloadKind =
    (values.what as DownloadKind | undefined) ?? (model.checkpointUrl ? 'checkpoint' : 'hub');
  if (values.url !== undefined && !/^https?:\/\//i.test(values.url)) {
    throw new UsageError(`--url must be an http(s) URL, got "${values.url}"`);
  }
  if (values.sha256 !== undefined && !/^[0-9a-f]{64}$/i.test(values.sha256)) {
    throw new UsageError('--sha256 must be 64 hexadecimal digits');
  }
  const fetchImpl = proxyAwareFetch();
  const cache = new ModelCache(
    values.cache ?? defaultCacheDir(),
    fetchImpl ? { download: { fetch: fetchImpl } } : {},
  );

  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  const progress = progressReporter(io);
  try {
    const entry = await cache.download(id, kind, {
      url: values.url,
      sha256: values.sha256,
      force: values.force,
      signal: controller.signal,
      onProgress: (p) => progress.report(p),
    });
    progress.end();
    const assets = await cache.assetPaths(id, kind);
    if (io.isTty) {
      io.out(`${model.name}: ${kind} in ${entry.contentDir} (${formatBytes(entry.bytesOnDisk)})`);
      for (const [name, value] of Object.entries(assets ?? {})) if (value) io.out(`  ${name}: ${value}`);
    } else {
      io.out(
        JSON.stringify({
          event: 'done',
          modelId: id,
          kind,
          dir: entry.contentDir,
          bytesOnDisk: entry.bytesOnDisk,
          sha256: entry.manifest?.sha256,
          assets,
        }),
      );
    }
    return 0;
  } catch (error) {
    progress.end();
    if (error instanceof DownloadError) {
      const hint =
        error.code === 'cancelled'
          ? ' Run the same command again to resume.'
          : error.code === 'conflict'
            ? ' Add --force to download it again from the new URL.'
            : '';
      if (!io.isTty) io.out(JSON.stringify({ event: 'error', code: error.code, message: error.message }));
      io.err(`model-garden download: ${error.message}${hint}`);
      return error.code === 'cancelled' ? 130 : 1;
    }
    throw error;
  } finally {
    process.removeListener('SIGINT', onSignal);
  }
}
