// A serializable description of which tokenizer to use (sent to the tokenize worker), and its loader.
import * as path from 'node:path';
import { requireModel } from '../catalog';
import { loadCatalogTokenizer, loadTokenizerFromPath } from './load';
import { encodeKeepingMask } from './maskText';
import type { Tokenizer } from './types';

export type TokenizerSpec =
  | { readonly kind: 'catalog'; readonly modelId: string; readonly cacheDir?: string }
  | { readonly kind: 'file'; readonly path: string; readonly lowerCase?: boolean };

export function specKey(spec: TokenizerSpec): string {
  return spec.kind === 'catalog'
    ? `catalog:${spec.modelId}:${spec.cacheDir ?? ''}`
    : `file:${spec.path}:${spec.lowerCase ?? ''}`;
}

export function specLabel(spec: TokenizerSpec): string {
  return spec.kind === 'catalog' ? spec.modelId : path.basename(spec.path);
}

const cache = new Map<string, Tokenizer>();

/** Loads (once per spec) the tokenizer a spec describes. Throws TokenizerAssetError / VocabNotFoundError. */
export function loadFromSpec(spec: TokenizerSpec): Tokenizer {
  const key = specKey(spec);
  let tokenizer = cache.get(key);
  if (!tokenizer) {
    tokenizer =
      spec.kind === 'catalog'
        ? loadCatalogTokenizer(requireModel(spec.modelId), spec.cacheDir)
        : loadTokenizerFromPath(spec.path, { lowerCase: spec.lowerCase });
    cache.set(key, tokenizer);
  }
  return tokenizer;
}

/**
 * Encodes long text in line-aligned chunks (calling `between` after each), so a worker can yield and
 * cancel. A typed `[MASK]` is kept whole, as Run Model does (see maskText.ts).
 */
export async function encodeInChunks(
  tokenizer: Tokenizer,
  text: string,
  between: () => Promise<boolean>,
  chunkSize = 65_536,
): Promise<{ ids: Int32Array; starts: Int32Array; ends: Int32Array } | undefined> {
  const ids: number[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  for (let at = 0; at < text.length;) {
    let end = Math.min(text.length, at + chunkSize);
    if (end < text.length) {
      const nl = text.indexOf('\n', end);
      end = nl < 0 ? text.length : nl + 1;
    }
    const e = encodeKeepingMask(tokenizer, text.slice(at, end));
    for (let i = 0; i < e.ids.length; i++) {
      ids.push(e.ids[i]);
      starts.push(e.starts[i] + at);
      ends.push(e.ends[i] + at);
    }
    at = end;
    if (at < text.length && !(await between())) return undefined;
  }
  return { ids: Int32Array.from(ids), starts: Int32Array.from(starts), ends: Int32Array.from(ends) };
}
