// What can be downloaded for a catalog model, and from where.
import type { CatalogModel } from '../catalog';
import { DownloadError } from './errors';

/** checkpoint: the Model Garden tarball; hub: the TF-Hub SavedModel; tokenizer: the TF-Hub preprocessing model (vocab / SentencePiece assets). */
export type DownloadKind = 'checkpoint' | 'hub' | 'tokenizer';

export const DOWNLOAD_KINDS: readonly DownloadKind[] = ['checkpoint', 'hub', 'tokenizer'];

export const KIND_LABELS: Readonly<Record<DownloadKind, string>> = {
  checkpoint: 'checkpoint',
  hub: 'TF-Hub SavedModel',
  tokenizer: 'tokenizer assets',
};

export function isDownloadKind(value: unknown): value is DownloadKind {
  return typeof value === 'string' && (DOWNLOAD_KINDS as readonly string[]).includes(value);
}

/** A TF-Hub handle's tarball URL: `?tf-hub-format=compressed` (tfhub.dev redirects to Kaggle). */
export function hubArchiveUrl(handle: string): string {
  if (/[?&]tf-hub-format=/.test(handle)) return handle;
  const base = handle.replace(/\/+$/, '');
  return base + (base.includes('?') ? '&' : '?') + 'tf-hub-format=compressed';
}

/** The catalog URL of a download, or null when the model has none of this kind. */
export function catalogUrl(model: CatalogModel, kind: DownloadKind): string | null {
  switch (kind) {
    case 'checkpoint':
      return model.checkpointUrl;
    case 'hub':
      return model.hubUrl ? hubArchiveUrl(model.hubUrl) : null;
    case 'tokenizer':
      return model.preprocessUrl ? hubArchiveUrl(model.preprocessUrl) : null;
  }
}

/** Returns a replacement URL for a download, or undefined to use the catalog's. */
export type UrlOverride = (modelId: string, kind: DownloadKind) => string | undefined;

/**
 * Fills `${modelId}`, `${kind}` and `${file}` (last path segment of the catalog URL, e.g.
 * `uncased_L-12_H-768_A-12.tar.gz`) in a URL template.
 */
export function expandUrlTemplate(
  template: string,
  modelId: string,
  kind: DownloadKind,
  catalog: string | null,
): string {
  let file = '';
  if (catalog) {
    try {
      file = new URL(catalog).pathname.split('/').filter(Boolean).pop() ?? '';
    } catch {
      file = '';
    }
  }
  return template
    .replace(/\$\{modelId\}/g, encodeURIComponent(modelId))
    .replace(/\$\{kind\}/g, kind)
    .replace(/\$\{file\}/g, encodeURIComponent(file));
}

/**
 * An override from a map of `<modelId>/<kind>`, `*\/<kind>`, `<modelId>/*` or `*\/*` keys to URL
 * templates (most specific key wins), as in the `modelGarden.download.urlOverrides` setting.
 */
export function overridesFromMap(
  map: Readonly<Record<string, unknown>>,
  lookup?: (modelId: string) => CatalogModel | undefined,
): UrlOverride {
  return (modelId, kind) => {
    for (const key of [`${modelId}/${kind}`, `*/${kind}`, `${modelId}/*`, '*/*']) {
      const template = map[key];
      if (typeof template === 'string' && template.trim()) {
        const model = lookup?.(modelId);
        return expandUrlTemplate(template.trim(), modelId, kind, model ? catalogUrl(model, kind) : null);
      }
    }
    return undefined;
  };
}

/** The URL to download, after overrides; throws `unavailable` when there is none. */
export function resolveUrl(model: CatalogModel, kind: DownloadKind, override?: UrlOverride): string {
  const url = override?.(model.id, kind) ?? catalogUrl(model, kind);
  if (!url) {
    const why: Record<DownloadKind, string> = {
      checkpoint: 'has no checkpoint tarball in the Model Garden (it is TF-Hub only)',
      hub: 'has no TF-Hub SavedModel',
      tokenizer: 'has no TF-Hub preprocessing model to take the tokenizer assets from',
    };
    throw new DownloadError(`${model.name} (${model.id}) ${why[kind]}.`, 'unavailable');
  }
  return url;
}
