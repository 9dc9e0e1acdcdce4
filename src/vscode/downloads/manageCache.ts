// "Manage Cache": every download on disk with its size, to reveal or delete.
import * as vscode from 'vscode';
import { findModel } from '../../core/catalog';
import { formatBytes, KIND_LABELS, type CacheEntry, type ModelCache } from '../../core/download';

interface EntryItem extends vscode.QuickPickItem {
  readonly entry: CacheEntry;
}

const REVEAL: vscode.QuickInputButton = {
  iconPath: new vscode.ThemeIcon('folder-opened'),
  tooltip: 'Reveal',
};
const DELETE: vscode.QuickInputButton = {
  iconPath: new vscode.ThemeIcon('trash'),
  tooltip: 'Delete from Cache',
};

export interface ManageActions {
  reveal(entry: CacheEntry): Promise<void>;
  /** Deletes after confirmation; resolves true when deleted. */
  remove(entry: CacheEntry): Promise<boolean>;
}

function itemsOf(entries: readonly CacheEntry[]): EntryItem[] {
  return entries.map((entry) => ({
    entry,
    label: `$(${entry.state === 'complete' ? 'package' : entry.state === 'downloading' ? 'cloud-download' : 'warning'}) ${findModel(entry.modelId)?.name ?? entry.modelId}`,
    description: `${KIND_LABELS[entry.kind]} · ${entry.state} · ${formatBytes(entry.bytesOnDisk)}`,
    // The extracted files only exist once complete; a partial download lives in its own folder.
    detail: [
      entry.manifest?.date.slice(0, 10),
      entry.problem,
      entry.state === 'complete' ? entry.contentDir : entry.dir,
    ]
      .filter(Boolean)
      .join(' · '),
    buttons: [REVEAL, DELETE],
  }));
}

export async function manageCache(cache: ModelCache, actions: ManageActions): Promise<void> {
  const pick = vscode.window.createQuickPick<EntryItem>();
  pick.matchOnDescription = true;
  pick.matchOnDetail = true;
  pick.busy = true;
  pick.placeholder = 'Pick a download to reveal it; use the buttons to reveal or delete';
  const load = async () => {
    pick.busy = true;
    const entries = await cache.list();
    const total = entries.reduce((n, e) => n + e.bytesOnDisk, 0);
    pick.title = `Model cache: ${formatBytes(total)} in ${cache.root}`;
    pick.items = itemsOf(entries);
    if (entries.length === 0) pick.placeholder = `Nothing downloaded yet (${cache.root})`;
    pick.busy = false;
  };
  pick.onDidTriggerItemButton(async ({ item, button }) => {
    if (button === REVEAL) await actions.reveal(item.entry);
    else if (await actions.remove(item.entry)) await load();
  });
  pick.onDidAccept(async () => {
    const [item] = pick.selectedItems;
    pick.hide();
    if (item) await actions.reveal(item.entry);
  });
  pick.onDidHide(() => pick.dispose());
  pick.show();
  await load();
}
