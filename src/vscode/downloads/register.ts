// Downloads in VS Code: commands to fetch a catalog model's checkpoint, TF-Hub SavedModel or
// tokenizer assets into the model cache (with a cancellable progress notification), cancel, reveal,
// delete and manage the cache; the download state shown on catalog rows; an API for other features.
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { ModelDecorator } from '../catalog/provider';
import { findModel, type CatalogModel } from '../../core/catalog';
import {
  describeProgress,
  DownloadError,
  formatBytes,
  isCancelled,
  isDownloadKind,
  KIND_LABELS,
  ModelCache,
  type CacheChange,
  type CacheEntry,
  type DownloadKind,
} from '../../core/download';
import { refuseUntrusted } from '../trust';
import { manageCache } from './manageCache';
import { SET_MIRROR_COMMAND, setCacheLocation, setMirror } from './settingCommands';
import { targetModel } from './pickModel';
import { cacheOptions, cacheRoot, WATCHED_SETTINGS } from './settings';
import { DownloadStateStore, type ModelDownloadState } from './state';

export type { ModelDownloadState } from './state';

/** The part of the catalog tree provider the downloads use. */
export interface CatalogDecorations {
  addModelDecorator(decorator: ModelDecorator): vscode.Disposable;
  refresh(): void;
}

export interface DownloadsApi {
  /** The current cache (rebuilt when its settings change). */
  cache(): ModelCache;
  /** Synchronous download state of a model, for tree items and status. */
  stateOf(modelId: string): ModelDownloadState;
  /** Fires when a download starts, progresses by a percent, finishes, fails or is deleted. */
  readonly onDidChangeCache: vscode.Event<CacheChange | undefined>;
  /** Downloads with the progress notification, as the commands do; undefined when refused, cancelled or failed. */
  download(modelId: string, kind: DownloadKind): Promise<CacheEntry | undefined>;
  /** Deletes without asking; resolves to the bytes freed. */
  remove(modelId: string, kind?: DownloadKind): Promise<number>;
  /** vocab.txt or SentencePiece model of a downloaded model (tokenizer assets, else checkpoint, else hub). */
  tokenizerFile(modelId: string): ReturnType<ModelCache['tokenizerFile']>;
  /** `task.init_checkpoint` of a downloaded checkpoint. */
  checkpointPrefix(modelId: string): Promise<string | undefined>;
  /** Re-reads the cache folder. */
  refresh(): Promise<void>;
  /** Shows download state on the catalog rows (called once by the extension's activate). */
  attachToCatalog(catalog: CatalogDecorations): void;
}

const UNTRUSTED = 'Downloads are disabled in Restricted Mode. Trust the workspace to download models.';

const COMMAND_OF: Record<DownloadKind, string> = {
  checkpoint: 'modelGarden.downloads.downloadCheckpoint',
  hub: 'modelGarden.downloads.downloadHub',
  tokenizer: 'modelGarden.downloads.downloadTokenizer',
};

export function registerDownloads(context: vscode.ExtensionContext): DownloadsApi {
  const store = new DownloadStateStore();
  let cache: ModelCache;
  const rebuild = () => {
    const { root, problem } = cacheRoot(context);
    if (problem) void vscode.window.showWarningMessage(problem);
    cache = new ModelCache(root, cacheOptions());
    void store
      .attach(cache)
      .catch((error: unknown) => console.error('[model-garden] cache scan failed', error));
  };
  rebuild();

  const updateContext = () =>
    void vscode.commands.executeCommand('setContext', 'modelGarden.downloading', cache.active().length > 0);

  async function download(model: CatalogModel, kind: DownloadKind): Promise<CacheEntry | undefined> {
    if (!vscode.workspace.isTrusted) return refuseUntrusted('downloads.download', UNTRUSTED);
    try {
      cache.urlFor(model.id, kind);
    } catch (error) {
      void vscode.window.showWarningMessage((error as Error).message);
      return undefined;
    }
    const title = `Downloading the ${KIND_LABELS[kind]} of ${model.name}`;
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title, cancellable: true },
      async (progress, token) => {
        const controller = new AbortController();
        const cancel = token.onCancellationRequested(() => controller.abort());
        let shown = 0;
        try {
          const entry = await cache.download(model.id, kind, {
            signal: controller.signal,
            onProgress: (p) => {
              const percent = p.phase === 'download' && p.total ? (100 * p.bytes) / p.total : shown;
              progress.report({
                message: describeProgress(p),
                increment: percent > shown ? percent - shown : undefined,
              });
              shown = Math.max(shown, percent);
            },
          });
          void vscode.window
            .showInformationMessage(
              `${model.name}: ${KIND_LABELS[kind]} downloaded (${formatBytes(entry.bytesOnDisk)}).`,
              'Reveal',
            )
            .then((choice) => choice && reveal(entry.contentDir));
          return entry;
        } catch (error) {
          if (isCancelled(error)) {
            void vscode.window.showInformationMessage(`${title}: cancelled. Download again to resume.`);
          } else if (error instanceof DownloadError && error.code === 'dns') {
            const mirror = 'Set Download Mirror…';
            const proxy = 'Proxy Settings';
            void vscode.window.showErrorMessage(error.message, mirror, proxy).then((choice) => {
              if (choice === mirror) void vscode.commands.executeCommand(SET_MIRROR_COMMAND);
              if (choice === proxy)
                void vscode.commands.executeCommand('workbench.action.openSettings', 'http.proxy');
            });
          } else {
            const retry =
              error instanceof DownloadError && ['network', 'http', 'size', 'checksum'].includes(error.code);
            const message = error instanceof Error ? error.message : String(error);
            void vscode.window
              .showErrorMessage(message, ...(retry ? ['Retry'] : []))
              .then((choice) => choice && vscode.commands.executeCommand(COMMAND_OF[kind], model.id));
          }
          return undefined;
        } finally {
          cancel.dispose();
          updateContext();
        }
      },
    );
  }

  async function reveal(dir: string): Promise<void> {
    await fs.promises.mkdir(dir, { recursive: true }).catch(() => undefined);
    if (vscode.env.remoteName) {
      // The folder is on the remote host: the OS file manager of this machine cannot show it.
      const choice = await vscode.window.showInformationMessage(
        `The download is on the remote host at ${dir}.`,
        'Copy Path',
        'Open Folder',
      );
      if (choice === 'Copy Path') await vscode.env.clipboard.writeText(dir);
      if (choice === 'Open Folder')
        await vscode.commands.executeCommand('vscode.openFolder', vscode.Uri.file(dir), {
          forceNewWindow: true,
        });
      return;
    }
    await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(dir));
  }

  async function confirmRemove(label: string, bytes: number): Promise<boolean> {
    if (!vscode.workspace.isTrusted) {
      refuseUntrusted(
        'downloads.delete',
        'Deleting downloads is disabled in Restricted Mode. Trust the workspace to manage the cache.',
      );
      return false;
    }
    const choice = await vscode.window.showWarningMessage(
      `Delete ${label} (${formatBytes(bytes)}) from the model cache?`,
      { modal: true },
      'Delete',
    );
    return choice === 'Delete';
  }

  const downloadCommand = (kind: DownloadKind) => async (target?: unknown) => {
    const model = await targetModel(target, `Model whose ${KIND_LABELS[kind]} to download`, kind);
    if (!model) return undefined;
    return download(model, kind);
  };

  let downloading = false;
  context.subscriptions.push(
    store,
    store.onDidChange(() => {
      const now = cache.active().length > 0;
      if (now !== downloading) {
        downloading = now;
        updateContext();
      }
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (WATCHED_SETTINGS.some((s) => e.affectsConfiguration(s))) rebuild();
    }),
    // Trust lets the workspace's own cache location and mirrors count.
    vscode.workspace.onDidGrantWorkspaceTrust(() => rebuild()),
    vscode.commands.registerCommand('modelGarden.downloads.setMirror', setMirror),
    vscode.commands.registerCommand('modelGarden.downloads.setCacheLocation', setCacheLocation),
    vscode.commands.registerCommand(
      'modelGarden.downloads.downloadCheckpoint',
      downloadCommand('checkpoint'),
    ),
    vscode.commands.registerCommand('modelGarden.downloads.downloadHub', downloadCommand('hub')),
    vscode.commands.registerCommand('modelGarden.downloads.downloadTokenizer', downloadCommand('tokenizer')),
    vscode.commands.registerCommand('modelGarden.downloads.cancel', async (target?: unknown) => {
      const active = cache.active();
      if (active.length === 0) {
        void vscode.window.showInformationMessage('No download is running.');
        return false;
      }
      const model = await targetModel(target, 'Download to cancel', undefined, (m) =>
        cache.isDownloading(m.id),
      );
      return model ? cache.cancel(model.id) : false;
    }),
    vscode.commands.registerCommand('modelGarden.downloads.reveal', async (target?: unknown) => {
      const model = await targetModel(
        target,
        'Model whose download to reveal',
        undefined,
        (m) => store.stateOf(m.id).bytesOnDisk > 0,
      );
      if (!model) return;
      const entries = await cache.entries(model.id);
      const entry = entries.find((e) => e.state === 'complete') ?? entries.find((e) => e.state !== 'absent');
      if (!entry) {
        void vscode.window.showInformationMessage(
          `${model.name} is not downloaded; showing the cache folder.`,
        );
        return reveal(cache.root);
      }
      return reveal(entry.state === 'complete' ? entry.contentDir : entry.dir);
    }),
    vscode.commands.registerCommand(
      'modelGarden.downloads.delete',
      async (target?: unknown, only?: unknown) => {
        const model = await targetModel(
          target,
          'Model to delete from the cache',
          undefined,
          (m) => store.stateOf(m.id).bytesOnDisk > 0,
        );
        if (!model) return 0;
        let present = (await cache.entries(model.id)).filter((e) => e.state !== 'absent');
        if (isDownloadKind(only)) present = present.filter((e) => e.kind === only);
        if (present.length === 0) {
          void vscode.window.showInformationMessage(`${model.name} has nothing in the cache.`);
          return 0;
        }
        if (present.length > 1) {
          // One kind or all of them: a checkpoint can go while the tokenizer stays.
          const all: vscode.QuickPickItem & { entry?: CacheEntry } = {
            label: 'Everything',
            description: formatBytes(present.reduce((n, e) => n + e.bytesOnDisk, 0)),
          };
          const items: (vscode.QuickPickItem & { entry?: CacheEntry })[] = [
            ...present.map((e) => ({
              label: KIND_LABELS[e.kind],
              description: `${e.state} · ${formatBytes(e.bytesOnDisk)}`,
              entry: e,
            })),
            all,
          ];
          const pick = await vscode.window.showQuickPick(items, {
            title: `Delete from the cache: ${model.name}`,
          });
          if (!pick) return 0;
          if (pick.entry) present = [pick.entry];
        }
        const bytes = present.reduce((n, e) => n + e.bytesOnDisk, 0);
        const label = `${model.name} (${present.map((e) => KIND_LABELS[e.kind]).join(', ')})`;
        if (!(await confirmRemove(label, bytes))) return 0;
        if (present.length === 1) return cache.remove(model.id, present[0].kind);
        return cache.remove(model.id);
      },
    ),
    vscode.commands.registerCommand('modelGarden.downloads.manageCache', () =>
      manageCache(cache, {
        reveal: (entry) => reveal(entry.state === 'complete' ? entry.contentDir : entry.dir),
        remove: async (entry) => {
          const name = findModel(entry.modelId)?.name ?? entry.modelId;
          if (!(await confirmRemove(`${name} (${KIND_LABELS[entry.kind]})`, entry.bytesOnDisk))) return false;
          await cache.remove(entry.modelId, entry.kind);
          return true;
        },
      }),
    ),
  );

  return {
    cache: () => cache,
    stateOf: (modelId) => store.stateOf(modelId),
    onDidChangeCache: store.onDidChange,
    download: async (modelId, kind) => {
      const model = findModel(modelId);
      if (!model) throw new Error(`Unknown catalog model "${modelId}".`);
      return download(model, kind);
    },
    remove: (modelId, kind) => cache.remove(modelId, kind),
    tokenizerFile: (modelId) => cache.tokenizerFile(modelId),
    checkpointPrefix: (modelId) => cache.checkpointPrefix(modelId),
    refresh: () => store.reload(),
    attachToCatalog(catalog) {
      let timer: NodeJS.Timeout | undefined;
      context.subscriptions.push(
        catalog.addModelDecorator({
          description: (modelId) => store.describe(modelId),
          // Menu `when` clauses show Cancel, Reveal and Delete only where they apply.
          contextTags: (modelId) => {
            const state = store.stateOf(modelId);
            return [
              ...(state.downloading ? ['downloading'] : []),
              // Per kind, so the menu hides the Download of a kind while it runs.
              ...state.running.map((kind) => `downloading-${kind}`),
              ...(state.downloaded.length > 0 ? ['downloaded'] : []),
              ...state.downloaded.map((kind) => `downloaded-${kind}`),
            ];
          },
          detail: (modelId) => {
            const state = store.stateOf(modelId);
            const icon = state.downloading
              ? 'sync'
              : state.downloaded.length > 0
                ? 'check'
                : 'cloud-download';
            return { label: 'Local copy', value: state.summary, icon };
          },
        }),
        store.onDidChange(() => {
          if (timer) return;
          timer = setTimeout(() => {
            timer = undefined;
            catalog.refresh();
          }, 200);
        }),
        { dispose: () => clearTimeout(timer) },
      );
    },
  };
}
