// An extracted download must hold what its kind promises: a checkpoint an `.index` with its data
// shards, a tokenizer a WordPiece vocab or a SentencePiece model, a TF-Hub download a saved_model.pb.
// Otherwise the download fails with the list of what the archive held, instead of a "complete" entry
// that nothing can use.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DownloadError } from './errors';
import type { LocatedAssets } from './locate';
import type { DownloadKind } from './sources';

const PROMISE: Record<DownloadKind, string> = {
  checkpoint: 'a TensorFlow checkpoint (an .index file with its .data-* shards)',
  hub: 'a TF-Hub SavedModel (saved_model.pb)',
  tokenizer: 'tokenizer assets (vocab.txt or a SentencePiece .model)',
};

/** Up to `max` files under `root` (relative, `/`-separated), for the error message. */
async function listFiles(root: string, max = 12): Promise<{ files: string[]; more: boolean }> {
  const files: string[] = [];
  let more = false;
  const visit = async (rel: string, depth: number): Promise<void> => {
    if (depth > 8) return;
    const entries = await fs.promises
      .readdir(path.join(root, rel), { withFileTypes: true })
      .catch(() => [] as fs.Dirent[]);
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await visit(child, depth + 1);
      else if (files.length < max) files.push(child);
      else more = true;
    }
  };
  await visit('', 0);
  return { files, more };
}

export function satisfies(kind: DownloadKind, assets: LocatedAssets): boolean {
  switch (kind) {
    case 'checkpoint':
      return assets.checkpointPrefix !== null;
    case 'tokenizer':
      return assets.vocab !== null || assets.sentencepiece !== null;
    case 'hub':
      return assets.savedModel !== null;
  }
}

/** Throws an `archive` DownloadError listing the files found when the content is not of `kind`. */
export async function checkContent(
  kind: DownloadKind,
  contentDir: string,
  assets: LocatedAssets,
  url: string,
): Promise<void> {
  if (satisfies(kind, assets)) return;
  const { files, more } = await listFiles(contentDir);
  const found = files.length ? `${files.join(', ')}${more ? ', …' : ''}` : 'nothing';
  throw new DownloadError(
    `${url} is not ${PROMISE[kind]}: the archive holds ${found}. Check the download URL (or its mirror).`,
    'archive',
    { url },
  );
}
