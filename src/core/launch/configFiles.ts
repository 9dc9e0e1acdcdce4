// The Model Garden's YAML files (official/nlp/configs/**/*.yaml) for a pip user: the
// tf-models-official package ships none, so the documented commands (`--config_file=configs/...`,
// run from official/nlp) fail on their first --config_file without a tensorflow/models checkout.
// They are downloaded for the installed version from the tensorflow/models tag `v<version>` (or a
// mirror) into a store folder laid out like the repository, `<store>/v<version>/official/nlp/configs/…`,
// with the resumable, atomically completed download of src/core/download; relative config paths that
// do not exist are then looked up there.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { downloadFile, DownloadError, type FetchLike } from '../download';
import { acquireLock } from '../download/lock';
import { SHIPPED_CONFIG_FILES } from './experiments';
import { resolveExperimentConfig, type ResolveRequest, type ResolveResult } from './resolve';

/** Raw files of the tensorflow/models repository; `<base>/v<version>/official/nlp/<file>`. */
export const MODELS_RAW_BASE_URL = 'https://raw.githubusercontent.com/tensorflow/models';

/**
 * The file under official/nlp a relative `--config_file` names when it is one of the Model Garden's
 * YAML files (`configs/…` as train.md writes it, or `official/nlp/configs/…`); undefined otherwise.
 */
export function shippedConfigPath(value: string): string | undefined {
  const normal = value.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
  const match = /^(?:official\/nlp\/)?(configs\/(?:[\w.-]+\/)*[\w.-]+\.ya?ml)$/.exec(normal);
  if (!match || match[1].split('/').includes('..')) return undefined;
  return match[1];
}

/** The folder holding one version's files (`official/nlp/configs/…` below it). */
export function configVersionDir(store: string, version: string): string {
  return path.join(store, `v${version}`);
}

/** Where a downloaded shipped file lives (whether or not it is there). */
export function storedConfigPath(store: string, version: string, shipped: string): string {
  return path.join(configVersionDir(store, version), 'official', 'nlp', ...shipped.split('/'));
}

/** The downloaded copy of the file a relative `--config_file` names, if it is there. */
export function findStoredConfig(store: string, version: string, value: string): string | undefined {
  const shipped = shippedConfigPath(value);
  if (!shipped) return undefined;
  const file = storedConfigPath(store, version, shipped);
  return fs.existsSync(file) ? file : undefined;
}

/** The URL of a shipped file for a tf-models-official version (its tensorflow/models tag `v<version>`). */
export function configFileUrl(baseUrl: string, version: string, shipped: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/v${encodeURIComponent(version)}/official/nlp/${shipped}`;
}

export interface ConfigDownloadOptions {
  /** The store folder (the extension's storage). */
  readonly store: string;
  /** The installed tf-models-official version. */
  readonly version: string;
  /** Relative `--config_file` values the command needs: a missing one is an error. */
  readonly needed: readonly string[];
  /** Replaces {@link MODELS_RAW_BASE_URL} (a mirror, or a test server). */
  readonly baseUrl?: string;
  readonly fetch?: FetchLike;
  readonly signal?: AbortSignal;
  /** Retry settings of downloadFile (tests shorten them). */
  readonly retries?: number;
  readonly backoffMs?: number;
  readonly onFile?: (shipped: string, index: number, total: number) => void;
}

export interface ConfigDownloadResult {
  /** The version folder. */
  readonly dir: string;
  /** Shipped paths now present (downloaded or there before). */
  readonly present: readonly string[];
  /** Files of the usual set this version does not have (HTTP 404); never a needed one. */
  readonly absent: readonly string[];
}

/**
 * Downloads the version's YAML files the command needs, and the other files the Model Garden
 * usually ships (SHIPPED_CONFIG_FILES, so other commands resolve too; one a version lacks is
 * skipped). Files already there are kept. Throws a DownloadError naming the file and URL when a
 * needed one cannot be downloaded; nothing partial is ever left at a file's final path.
 */
export async function downloadConfigFiles(options: ConfigDownloadOptions): Promise<ConfigDownloadResult> {
  const needed = options.needed.map((value) => {
    const shipped = shippedConfigPath(value);
    if (!shipped) {
      throw new DownloadError(
        `${value} is not a file of the Model Garden's official/nlp/configs.`,
        'unavailable',
      );
    }
    return shipped;
  });
  const wanted = [...new Set([...needed, ...SHIPPED_CONFIG_FILES])];
  const dir = configVersionDir(options.store, options.version);
  await fs.promises.mkdir(dir, { recursive: true });
  const release = await acquireLock(
    path.join(dir, '.lock'),
    `The Model Garden's config files for ${options.version}`,
  );
  const present: string[] = [];
  const absent: string[] = [];
  try {
    for (const [index, shipped] of wanted.entries()) {
      const file = storedConfigPath(options.store, options.version, shipped);
      options.onFile?.(shipped, index, wanted.length);
      if (fs.existsSync(file)) {
        present.push(shipped);
        continue;
      }
      await fs.promises.mkdir(path.dirname(file), { recursive: true });
      const url = configFileUrl(options.baseUrl ?? MODELS_RAW_BASE_URL, options.version, shipped);
      try {
        await downloadFile(url, file, {
          signal: options.signal,
          fetch: options.fetch,
          retries: options.retries,
          backoffMs: options.backoffMs,
          // A few kilobytes each: no free-space margin needed beyond the default check.
        });
        present.push(shipped);
      } catch (error) {
        const missing = error instanceof DownloadError && error.details.status === 404;
        if (missing && !needed.includes(shipped)) {
          absent.push(shipped);
          continue;
        }
        if (missing) {
          throw new DownloadError(
            `tensorflow/models v${options.version} has no official/nlp/${shipped} (${url} answered 404).`,
            'http',
            { url, file, status: 404 },
          );
        }
        throw error;
      }
    }
  } finally {
    await release();
  }
  return { dir, present, absent };
}

/**
 * The `--config_file` values with every relative shipped path that does not exist relative to
 * `cwd` (the process's when not given) replaced by its downloaded copy; `replaced` lists what was replaced (index, from, to), and
 * `missing` the shipped paths that are neither there nor downloaded.
 */
export function withStoredConfigs(
  configFiles: readonly string[],
  options: { cwd?: string; store: string; version: string },
): {
  configFiles: string[];
  replaced: { index: number; from: string; to: string }[];
  missing: string[];
} {
  const replaced: { index: number; from: string; to: string }[] = [];
  const missing: string[] = [];
  const out = configFiles.map((value, index) => {
    if (path.isAbsolute(value) || /^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return value;
    if (fs.existsSync(path.resolve(options.cwd ?? process.cwd(), value))) return value;
    const shipped = shippedConfigPath(value);
    if (!shipped) return value;
    const stored = findStoredConfig(options.store, options.version, value);
    if (!stored) {
      missing.push(value);
      return value;
    }
    replaced.push({ index, from: value, to: stored });
    return stored;
  });
  return { configFiles: out, replaced, missing };
}

export interface StoreResolveOutcome {
  readonly result: ResolveResult;
  /** Config files read from the store instead of the path given (train.py needs the new path too). */
  readonly replaced: readonly { index: number; from: string; to: string }[];
  /** Relative shipped config files found neither relative to cwd nor in the store for `version`. */
  readonly missing: readonly string[];
  /** The tf-models-official version of the Python (from the run). */
  readonly version?: string;
}

/**
 * Resolve Configuration for a pip user: a relative `configs/…` file that is not there is read from
 * the downloaded copy for the installed version. With `version` known beforehand the paths are
 * replaced before the (slow) run; otherwise a run that fails on such a file is repeated once with
 * the stored copies when they are there.
 */
export async function resolveWithConfigStore(
  python: string,
  request: ResolveRequest,
  options: { cwd?: string; store: string; version?: string; env?: NodeJS.ProcessEnv; signal?: AbortSignal },
): Promise<StoreResolveOutcome> {
  const run = (configFiles: readonly string[]) =>
    resolveExperimentConfig(python, { ...request, configFiles }, options);
  if (options.version) {
    const stored = withStoredConfigs(request.configFiles, { ...options, version: options.version });
    const result = await run(stored.configFiles);
    return {
      result,
      replaced: stored.replaced,
      missing: stored.missing,
      version: result.version ?? options.version,
    };
  }
  const first = await run(request.configFiles);
  const failedFile =
    !first.ok && first.stage === 'config_file' && first.index !== undefined
      ? request.configFiles[first.index]
      : undefined;
  if (!failedFile || !first.version || !shippedConfigPath(failedFile)) {
    return { result: first, replaced: [], missing: [], version: first.version };
  }
  const stored = withStoredConfigs(request.configFiles, { ...options, version: first.version });
  if (stored.replaced.length === 0) {
    return { result: first, replaced: [], missing: stored.missing, version: first.version };
  }
  const second = await run(stored.configFiles);
  return { result: second, replaced: stored.replaced, missing: stored.missing, version: first.version };
}
