// A synchronous snapshot of what is in the cache, for tree items that cannot wait: refreshed from
// disk on start and on every cache change, updated in place by progress events.
import * as vscode from 'vscode';
import {
  DOWNLOAD_KINDS,
  formatBytes,
  KIND_LABELS,
  type CacheChange,
  type DownloadKind,
  type DownloadProgress,
  type EntryState,
  type ModelCache,
} from '../../core/download';

export interface KindState {
  readonly state: EntryState;
  readonly bytesOnDisk: number;
  readonly progress?: DownloadProgress;
}

/** What a model has on disk, as the catalog tree shows it. */
export interface ModelDownloadState {
  readonly modelId: string;
  readonly kinds: Readonly<Partial<Record<DownloadKind, KindState>>>;
  /** Kinds whose download is complete. */
  readonly downloaded: readonly DownloadKind[];
  readonly downloading: boolean;
  /** Percent of the running download(s), when the size is known. */
  readonly percent: number | null;
  readonly bytesOnDisk: number;
  /** Bytes of the complete kinds only (what "downloaded" counts). */
  readonly completeBytes: number;
  /** Kinds being downloaded now. */
  readonly running: readonly DownloadKind[];
  /** `not downloaded`, `downloading 45%`, `downloaded 1.3 GB (checkpoint, tokenizer)`. */
  readonly summary: string;
}

function percentOf(progress: DownloadProgress | undefined): number | null {
  if (!progress || progress.phase !== 'download' || !progress.total) return null;
  return Math.floor((100 * progress.bytes) / progress.total);
}

export class DownloadStateStore implements vscode.Disposable {
  private readonly states = new Map<string, Map<DownloadKind, KindState>>();
  private readonly changed = new vscode.EventEmitter<CacheChange | undefined>();
  readonly onDidChange = this.changed.event;
  private subscription: { dispose(): void } | undefined;
  private cache: ModelCache | undefined;

  /** Follows a (new) cache: subscribes to its changes and reloads everything from disk. */
  async attach(cache: ModelCache): Promise<void> {
    this.subscription?.dispose();
    this.cache = cache;
    this.subscription = cache.onDidChange((change) => void this.apply(cache, change));
    await this.reload();
  }

  async reload(): Promise<void> {
    const cache = this.cache;
    if (!cache) return;
    const entries = await cache.list();
    if (cache !== this.cache) return;
    this.states.clear();
    for (const entry of entries) this.set(entry.modelId, entry.kind, entry);
    this.changed.fire(undefined);
  }

  private set(modelId: string, kind: DownloadKind, state: KindState): void {
    let kinds = this.states.get(modelId);
    if (!kinds) this.states.set(modelId, (kinds = new Map()));
    if (state.state === 'absent') kinds.delete(kind);
    else kinds.set(kind, { state: state.state, bytesOnDisk: state.bytesOnDisk, progress: state.progress });
  }

  private async apply(cache: ModelCache, change: CacheChange): Promise<void> {
    if (change.state === 'downloading') {
      const previous = this.states.get(change.modelId)?.get(change.kind);
      const before = percentOf(previous?.progress);
      this.set(change.modelId, change.kind, {
        state: 'downloading',
        bytesOnDisk: change.progress?.bytes ?? previous?.bytesOnDisk ?? 0,
        progress: change.progress,
      });
      // Progress events are frequent: tell listeners only when the shown percentage moves.
      if (!change.progress || previous?.state !== 'downloading' || percentOf(change.progress) !== before) {
        this.changed.fire(change);
      }
      return;
    }
    const entry = await cache.entry(change.modelId, change.kind);
    if (cache !== this.cache) return;
    this.set(change.modelId, change.kind, entry);
    this.changed.fire({ modelId: change.modelId, kind: change.kind, state: entry.state });
  }

  stateOf(modelId: string): ModelDownloadState {
    const kinds = this.states.get(modelId) ?? new Map<DownloadKind, KindState>();
    const record: Partial<Record<DownloadKind, KindState>> = {};
    for (const kind of DOWNLOAD_KINDS) {
      const state = kinds.get(kind);
      if (state) record[kind] = state;
    }
    const downloaded = DOWNLOAD_KINDS.filter((k) => kinds.get(k)?.state === 'complete');
    const running = DOWNLOAD_KINDS.filter((k) => kinds.get(k)?.state === 'downloading');
    const bytesOnDisk = [...kinds.values()].reduce((n, s) => n + s.bytesOnDisk, 0);
    // "downloaded" counts only the finished kinds: a cancelled checkpoint's bytes are not the tokenizer's.
    const completeBytes = downloaded.reduce((n, k) => n + (kinds.get(k)?.bytesOnDisk ?? 0), 0);
    const partialKinds = DOWNLOAD_KINDS.filter((k) => {
      const state = kinds.get(k)?.state;
      return state === 'partial' || state === 'corrupt';
    });
    const partialBytes = partialKinds.reduce((n, k) => n + (kinds.get(k)?.bytesOnDisk ?? 0), 0);
    let percent: number | null = null;
    for (const kind of running) percent = percentOf(kinds.get(kind)?.progress) ?? percent;
    let summary: string;
    if (running.length > 0) {
      const what = running.map((k) => KIND_LABELS[k]).join(', ');
      const runningBytes = running.reduce((n, k) => n + (kinds.get(k)?.bytesOnDisk ?? 0), 0);
      summary = `downloading ${percent === null ? formatBytes(runningBytes) : `${percent}%`} (${what})`;
    } else if (downloaded.length > 0) {
      summary = `downloaded ${formatBytes(completeBytes)} (${downloaded.join(', ')})`;
      if (partialKinds.length > 0)
        summary += `; partial ${formatBytes(partialBytes)} (${partialKinds.join(', ')})`;
    } else if (kinds.size > 0) {
      summary = `partial download ${formatBytes(bytesOnDisk)}${partialKinds.length ? ` (${partialKinds.join(', ')})` : ''}`;
    } else summary = 'not downloaded';
    return {
      modelId,
      kinds: record,
      downloaded,
      downloading: running.length > 0,
      percent,
      bytesOnDisk,
      completeBytes,
      running,
      summary,
    };
  }

  /** The catalog row suffix: nothing when not downloaded, else a short state. */
  describe(modelId: string): string | undefined {
    const state = this.stateOf(modelId);
    if (state.downloading) return `↓ ${state.percent === null ? 'downloading' : `${state.percent}%`}`;
    if (state.downloaded.length > 0) return `✓ ${state.summary}`;
    if (state.bytesOnDisk > 0) return state.summary;
    return undefined;
  }

  dispose(): void {
    this.subscription?.dispose();
    this.changed.dispose();
  }
}
