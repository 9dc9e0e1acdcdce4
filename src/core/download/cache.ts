// The model cache: `<root>/<modelId>/<kind>/` holding `files/` (the extracted download) and
// `manifest.json`, written last and atomically, so only a finished download looks complete. One
// in-flight download per model and kind: later requests join it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findModel } from '../catalog';
import { checkContent } from './checkContent';
import { discardPart, downloadFile, type DownloadOptions } from './downloadFile';
import { DownloadError } from './errors';
import { extractArchive } from './extract';
import { locateAssets, type LocatedAssets } from './locate';
import { acquireLock } from './lock';
import type { DownloadProgress } from './progress';
import { DOWNLOAD_KINDS, resolveUrl, type DownloadKind, type UrlOverride } from './sources';

export const MANIFEST_FILE = 'manifest.json';
export const CONTENT_DIR = 'files';
const ARCHIVE_FILE = 'download.tar.gz';
/** `<root>/.partial`: extractions in progress (not a model id, so never listed). */
const PARTIAL_DIR = '.partial';
const LOCK_FILE = 'download.lock';

export interface CacheManifest {
  readonly version: 1;
  readonly modelId: string;
  readonly kind: DownloadKind;
  readonly url: string;
  /** URL after redirects. */
  readonly finalUrl: string;
  /** Bytes of the downloaded archive. */
  readonly size: number;
  /** sha256 of the downloaded archive. */
  readonly sha256: string;
  /** ISO date of completion. */
  readonly date: string;
  readonly state: 'complete';
  /** Paths relative to the entry's `files/` folder. */
  readonly assets: LocatedAssets;
}

/** absent: nothing on disk; partial: bytes of an unfinished download; corrupt: unreadable manifest. */
export type EntryState = 'absent' | 'partial' | 'downloading' | 'complete' | 'corrupt';

export interface CacheEntry {
  readonly modelId: string;
  readonly kind: DownloadKind;
  readonly state: EntryState;
  /** `<root>/<modelId>/<kind>`. */
  readonly dir: string;
  /** The extracted tree, `<dir>/files`. */
  readonly contentDir: string;
  /** Bytes under `dir`. */
  readonly bytesOnDisk: number;
  readonly manifest?: CacheManifest;
  /** Latest progress while downloading. */
  readonly progress?: DownloadProgress;
  /** Why the entry is corrupt. */
  readonly problem?: string;
}

export interface CacheChange {
  readonly modelId: string;
  readonly kind: DownloadKind;
  readonly state: EntryState;
  readonly progress?: DownloadProgress;
}

export interface CacheOptions {
  /** Replaces catalog URLs (tests, mirrors). */
  readonly urlOverride?: UrlOverride;
  /** Passed to every download (fetch, retries, disk threshold, …). */
  readonly download?: Omit<DownloadOptions, 'signal' | 'onProgress' | 'sha256' | 'expectedSize'>;
  /** Keep the archive after extraction (default false: checkpoints are large). */
  readonly keepArchive?: boolean;
}

export interface FetchRequest {
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: DownloadProgress) => void;
  /** Download from this URL instead of the catalog's (or the override's). */
  readonly url?: string;
  readonly sha256?: string;
  /** Download again even when a complete entry exists. */
  readonly force?: boolean;
}

interface InFlight {
  readonly promise: Promise<CacheEntry>;
  readonly controller: AbortController;
  readonly listeners: Set<(progress: DownloadProgress) => void>;
  waiting: number;
  progress?: DownloadProgress;
}

/** Model ids become folder names: only plain names are accepted. */
export function checkModelId(modelId: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(modelId) || modelId.length > 200) {
    throw new DownloadError(`"${modelId}" is not a valid model id.`, 'unavailable');
  }
  return modelId;
}

async function du(target: string): Promise<number> {
  let total = 0;
  const visit = async (p: string, depth: number): Promise<void> => {
    let stat: fs.Stats;
    try {
      stat = await fs.promises.lstat(p);
    } catch {
      return;
    }
    if (stat.isDirectory() && depth < 32) {
      const names = await fs.promises.readdir(p).catch(() => [] as string[]);
      for (const name of names) await visit(path.join(p, name), depth + 1);
    } else if (stat.isFile()) total += stat.size;
  };
  await visit(target, 0);
  return total;
}

async function exists(p: string): Promise<boolean> {
  return fs.promises.access(p).then(
    () => true,
    () => false,
  );
}

export class ModelCache {
  private readonly inFlight = new Map<string, InFlight>();
  private readonly listeners = new Set<(change: CacheChange) => void>();

  constructor(
    readonly root: string,
    private readonly options: CacheOptions = {},
  ) {}

  kindDir(modelId: string, kind: DownloadKind): string {
    return path.join(this.root, checkModelId(modelId), kind);
  }

  contentDir(modelId: string, kind: DownloadKind): string {
    return path.join(this.kindDir(modelId, kind), CONTENT_DIR);
  }

  /** Subscribes to state changes and progress; returns a disposable. */
  onDidChange(listener: (change: CacheChange) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  private fire(change: CacheChange): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(change);
      } catch {
        // A listener's failure must not break the download.
      }
    }
  }

  /** The URL a download of this kind would use. */
  urlFor(modelId: string, kind: DownloadKind): string {
    const model = findModel(modelId);
    if (!model) {
      const override = this.options.urlOverride?.(modelId, kind);
      if (override) return override;
      throw new DownloadError(`Unknown catalog model "${modelId}".`, 'unavailable');
    }
    return resolveUrl(model, kind, this.options.urlOverride);
  }

  /** Reads the manifest; throws `manifest` when it exists but is unreadable. */
  async manifest(modelId: string, kind: DownloadKind): Promise<CacheManifest | undefined> {
    const file = path.join(this.kindDir(modelId, kind), MANIFEST_FILE);
    let text: string;
    try {
      text = await fs.promises.readFile(file, 'utf8');
    } catch {
      return undefined;
    }
    let parsed: Partial<CacheManifest>;
    try {
      parsed = JSON.parse(text) as Partial<CacheManifest>;
    } catch (error) {
      throw new DownloadError(`${file} is not valid JSON: ${(error as Error).message}`, 'manifest', { file });
    }
    if (parsed.state !== 'complete' || parsed.modelId !== modelId || parsed.kind !== kind || !parsed.assets) {
      throw new DownloadError(`${file} is not a complete manifest for ${modelId}/${kind}.`, 'manifest', {
        file,
      });
    }
    return parsed as CacheManifest;
  }

  async entry(modelId: string, kind: DownloadKind): Promise<CacheEntry> {
    const dir = this.kindDir(modelId, kind);
    const base = { modelId, kind, dir, contentDir: path.join(dir, CONTENT_DIR) };
    const flight = this.inFlight.get(`${modelId}/${kind}`);
    if (flight)
      return { ...base, state: 'downloading', bytesOnDisk: await du(dir), progress: flight.progress };
    if (!(await exists(dir))) return { ...base, state: 'absent', bytesOnDisk: 0 };
    const bytesOnDisk = await du(dir);
    try {
      const manifest = await this.manifest(modelId, kind);
      if (manifest && (await exists(base.contentDir)))
        return { ...base, state: 'complete', bytesOnDisk, manifest };
      if (manifest)
        return { ...base, state: 'corrupt', bytesOnDisk, problem: `${base.contentDir} is missing` };
    } catch (error) {
      return { ...base, state: 'corrupt', bytesOnDisk, problem: (error as Error).message };
    }
    return { ...base, state: bytesOnDisk > 0 ? 'partial' : 'absent', bytesOnDisk };
  }

  /** The three kinds of one model. */
  async entries(modelId: string): Promise<CacheEntry[]> {
    return Promise.all(DOWNLOAD_KINDS.map((kind) => this.entry(modelId, kind)));
  }

  /** Everything on disk or downloading, by model id then kind. */
  async list(): Promise<CacheEntry[]> {
    const names = await fs.promises
      .readdir(this.root, { withFileTypes: true })
      .catch(() => [] as fs.Dirent[]);
    const ids = new Set(
      names.filter((n) => n.isDirectory() && /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(n.name)).map((n) => n.name),
    );
    for (const key of this.inFlight.keys()) ids.add(key.split('/')[0]);
    const result: CacheEntry[] = [];
    for (const id of [...ids].sort()) {
      for (const entry of await this.entries(id)) if (entry.state !== 'absent') result.push(entry);
    }
    return result;
  }

  /** Downloads in progress, with their latest progress. */
  active(): { modelId: string; kind: DownloadKind; progress?: DownloadProgress }[] {
    return [...this.inFlight.entries()].map(([key, flight]) => {
      const [modelId, kind] = key.split('/') as [string, DownloadKind];
      return { modelId, kind, progress: flight.progress };
    });
  }

  isDownloading(modelId: string, kind?: DownloadKind): boolean {
    return kind
      ? this.inFlight.has(`${modelId}/${kind}`)
      : DOWNLOAD_KINDS.some((k) => this.inFlight.has(`${modelId}/${k}`));
  }

  /**
   * Downloads and extracts one kind of a model, resolving to the complete entry. Resolves at once
   * when it is already complete (unless `force`). A request for a download in flight joins it;
   * the shared download stops only when every joined request is aborted (or on `cancel`).
   */
  async download(modelId: string, kind: DownloadKind, request: FetchRequest = {}): Promise<CacheEntry> {
    checkModelId(modelId);
    const key = `${modelId}/${kind}`;
    let flight = this.inFlight.get(key);
    if (!flight) {
      // Registered synchronously, so a request made a moment later always joins this one.
      const url = request.url ?? this.urlFor(modelId, kind);
      const controller = new AbortController();
      const listeners = new Set<(progress: DownloadProgress) => void>();
      const onProgress = (progress: DownloadProgress) => {
        created.progress = progress;
        for (const listener of [...listeners]) listener(progress);
        this.fire({ modelId, kind, state: 'downloading', progress });
      };
      const promise = this.run(modelId, kind, url, request, controller.signal, onProgress).finally(() => {
        this.inFlight.delete(key);
      });
      const created: InFlight = { promise, controller, listeners, waiting: 0 };
      this.inFlight.set(key, created);
      flight = created;
      this.fire({ modelId, kind, state: 'downloading' });
      promise.then(
        (entry) => this.fire({ modelId, kind, state: entry.state }),
        () => void this.entry(modelId, kind).then((e) => this.fire({ modelId, kind, state: e.state })),
      );
    }
    return this.join(flight, request);
  }

  private join(flight: InFlight, request: FetchRequest): Promise<CacheEntry> {
    const { signal, onProgress } = request;
    if (onProgress) flight.listeners.add(onProgress);
    flight.waiting++;
    let left = false;
    const leave = () => {
      if (left) return;
      left = true;
      if (onProgress) flight.listeners.delete(onProgress);
      flight.waiting--;
    };
    if (!signal) return flight.promise.finally(leave);
    return new Promise<CacheEntry>((resolve, reject) => {
      const onAbort = () => {
        leave();
        const cancelled = new DownloadError('Download cancelled', 'cancelled');
        if (flight.waiting > 0) return reject(cancelled); // others still want it: it goes on
        flight.controller.abort();
        // The last requester waits for the download to wind down, so it finds a settled cache.
        flight.promise.then(
          () => reject(cancelled),
          () => reject(cancelled),
        );
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      flight.promise.then(
        (entry) => {
          signal.removeEventListener('abort', onAbort);
          leave();
          resolve(entry);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          leave();
          reject(error);
        },
      );
    });
  }

  private async run(
    modelId: string,
    kind: DownloadKind,
    url: string,
    request: FetchRequest,
    signal: AbortSignal,
    onProgress: (progress: DownloadProgress) => void,
  ): Promise<CacheEntry> {
    const dir = this.kindDir(modelId, kind);
    const contentDir = path.join(dir, CONTENT_DIR);
    if (!request.force) {
      const manifest = await this.manifest(modelId, kind).catch(() => undefined);
      if (manifest && (await exists(contentDir))) {
        if (request.url !== undefined && request.url !== manifest.url) {
          throw new DownloadError(
            `${modelId}/${kind} is already downloaded from ${manifest.url}; replacing it with ${request.url} needs force.`,
            'conflict',
            { url: request.url, file: path.join(dir, MANIFEST_FILE) },
          );
        }
        return { modelId, kind, dir, contentDir, state: 'complete', bytesOnDisk: await du(dir), manifest };
      }
    }
    await fs.promises.mkdir(dir, { recursive: true });
    const release = await acquireLock(path.join(dir, LOCK_FILE), `${modelId}/${kind}`);
    try {
      return await this.fetchAndExtract(modelId, kind, url, request, signal, onProgress);
    } finally {
      await release();
    }
  }

  private async fetchAndExtract(
    modelId: string,
    kind: DownloadKind,
    url: string,
    request: FetchRequest,
    signal: AbortSignal,
    onProgress: (progress: DownloadProgress) => void,
  ): Promise<CacheEntry> {
    const dir = this.kindDir(modelId, kind);
    const contentDir = path.join(dir, CONTENT_DIR);
    // A complete entry stays complete (its manifest and files untouched) until the replacement is
    // downloaded and extracted; the manifest goes just before the new files replace the old ones.
    const archive = path.join(dir, ARCHIVE_FILE);
    // A complete archive from an earlier run whose extraction was interrupted is reused.
    const downloaded = await this.reusableArchive(archive, url, request.sha256);
    const result =
      downloaded ??
      (await downloadFile(url, archive, {
        ...this.options.download,
        signal,
        onProgress,
        sha256: request.sha256,
      }));
    if (!downloaded) {
      const record = { url, finalUrl: result.finalUrl, bytes: result.bytes, sha256: result.sha256 };
      await fs.promises.writeFile(archive + '.json', JSON.stringify(record));
    }
    try {
      await extractArchive(archive, contentDir, {
        signal,
        onProgress,
        minFreeBytes: this.options.download?.minFreeBytes,
        freeSpace: this.options.download?.freeSpace,
        // Outside the model's folder, so nothing that searches it finds half-extracted files.
        tempParent: path.join(this.root, PARTIAL_DIR),
        beforeReplace: () => fs.promises.rm(path.join(dir, MANIFEST_FILE), { force: true }),
      });
    } catch (error) {
      // A corrupt or unsafe archive is not worth keeping; one whose extraction was cancelled or
      // lacked disk space is reused next time.
      if (error instanceof DownloadError && error.code !== 'cancelled' && error.code !== 'disk') {
        await this.dropArchive(archive);
      }
      throw error;
    }
    const assets = await locateAssets(contentDir);
    try {
      await checkContent(kind, contentDir, assets, url);
    } catch (error) {
      // Not what the kind promises: nothing of it is kept (no files, no archive, no manifest).
      await fs.promises.rm(contentDir, { recursive: true, force: true });
      await this.dropArchive(archive);
      throw error;
    }
    if (!this.options.keepArchive) await this.dropArchive(archive);
    const manifest: CacheManifest = {
      version: 1,
      modelId,
      kind,
      url,
      finalUrl: result.finalUrl,
      size: result.bytes,
      sha256: result.sha256,
      date: new Date().toISOString(),
      state: 'complete',
      assets,
    };
    const file = path.join(dir, MANIFEST_FILE);
    await fs.promises.writeFile(file + '.tmp', JSON.stringify(manifest, null, 2) + '\n');
    await fs.promises.rename(file + '.tmp', file);
    return { modelId, kind, dir, contentDir, state: 'complete', bytesOnDisk: await du(dir), manifest };
  }

  private async reusableArchive(
    archive: string,
    url: string,
    sha256: string | undefined,
  ): Promise<{ finalUrl: string; bytes: number; sha256: string } | undefined> {
    try {
      const record = JSON.parse(await fs.promises.readFile(archive + '.json', 'utf8')) as {
        url?: string;
        finalUrl?: string;
        bytes?: number;
        sha256?: string;
      };
      const size = (await fs.promises.stat(archive)).size;
      if (record.url !== url || record.bytes !== size || typeof record.sha256 !== 'string') return undefined;
      if (sha256 && sha256.toLowerCase() !== record.sha256) return undefined;
      return { finalUrl: record.finalUrl ?? url, bytes: size, sha256: record.sha256 };
    } catch {
      return undefined;
    }
  }

  private async dropArchive(archive: string): Promise<void> {
    await fs.promises.rm(archive, { force: true });
    await fs.promises.rm(archive + '.json', { force: true });
  }

  /** Stops a download (all joined requests reject with `cancelled`). */
  cancel(modelId: string, kind?: DownloadKind): boolean {
    let any = false;
    for (const k of kind ? [kind] : DOWNLOAD_KINDS) {
      const flight = this.inFlight.get(`${modelId}/${k}`);
      if (flight) {
        flight.controller.abort();
        any = true;
      }
    }
    return any;
  }

  /** Deletes a model's downloads (one kind, or all), cancelling any in flight first. */
  async remove(modelId: string, kind?: DownloadKind): Promise<number> {
    checkModelId(modelId);
    const kinds = kind ? [kind] : DOWNLOAD_KINDS;
    for (const k of kinds) {
      const flight = this.inFlight.get(`${modelId}/${k}`);
      if (flight) {
        flight.controller.abort();
        await flight.promise.catch(() => undefined);
      }
    }
    let freed = 0;
    for (const k of kinds) {
      const dir = this.kindDir(modelId, k);
      freed += await du(dir);
      // The manifest goes first, so an interrupted delete never leaves a complete-looking entry.
      await fs.promises.rm(path.join(dir, MANIFEST_FILE), { force: true });
      await discardPart(path.join(dir, ARCHIVE_FILE));
      await fs.promises.rm(dir, { recursive: true, force: true });
      this.fire({ modelId, kind: k, state: 'absent' });
    }
    const modelDir = path.join(this.root, modelId);
    const rest = await fs.promises.readdir(modelDir).catch(() => null);
    if (rest && rest.length === 0) await fs.promises.rmdir(modelDir).catch(() => undefined);
    return freed;
  }

  /** Absolute paths of a complete entry's located assets. */
  async assetPaths(
    modelId: string,
    kind: DownloadKind,
  ): Promise<Partial<Record<keyof Omit<LocatedAssets, 'configs'>, string>> | undefined> {
    const manifest = await this.manifest(modelId, kind).catch(() => undefined);
    if (!manifest) return undefined;
    const content = this.contentDir(modelId, kind);
    const abs = (p: string | null) => (p === null ? undefined : path.join(content, ...p.split('/')));
    return {
      vocab: abs(manifest.assets.vocab),
      sentencepiece: abs(manifest.assets.sentencepiece),
      checkpointPrefix: abs(manifest.assets.checkpointPrefix),
      savedModel: abs(manifest.assets.savedModel),
    };
  }

  /**
   * The vocabulary or SentencePiece model of a model, from whichever complete download has one
   * (tokenizer assets first, then the checkpoint, then the TF-Hub SavedModel).
   */
  async tokenizerFile(
    modelId: string,
  ): Promise<
    | { readonly kind: 'wordpiece' | 'sentencepiece'; readonly path: string; readonly from: DownloadKind }
    | undefined
  > {
    for (const from of ['tokenizer', 'checkpoint', 'hub'] as const) {
      const paths = await this.assetPaths(modelId, from);
      if (paths?.vocab) return { kind: 'wordpiece', path: paths.vocab, from };
      if (paths?.sentencepiece) return { kind: 'sentencepiece', path: paths.sentencepiece, from };
    }
    return undefined;
  }

  /** The checkpoint prefix (`task.init_checkpoint`) of a complete checkpoint download. */
  async checkpointPrefix(modelId: string): Promise<string | undefined> {
    return (await this.assetPaths(modelId, 'checkpoint'))?.checkpointPrefix;
  }
}
