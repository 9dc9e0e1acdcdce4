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
  // Typed arrays grown by doubling from an estimate (English runs at about 3.7 characters a token): the
  // result is transferred to the host as it is, with no per-token boxing or copy.
  let cap = Math.max(16, Math.ceil(text.length / 3));
  let ids = new Int32Array(cap);
  let starts = new Int32Array(cap);
  let ends = new Int32Array(cap);
  let n = 0;
  for (let at = 0; at < text.length;) {
    let end = Math.min(text.length, at + chunkSize);
    if (end < text.length) {
      const nl = text.indexOf('\n', end);
      end = nl < 0 ? text.length : nl + 1;
    }
    const e = encodeKeepingMask(tokenizer, text.slice(at, end));
    const count = e.ids.length;
    if (n + count > cap) {
      cap = Math.max(2 * cap, n + count);
      ids = grown(ids, cap);
      starts = grown(starts, cap);
      ends = grown(ends, cap);
    }
    for (let i = 0; i < count; i++, n++) {
      ids[n] = e.ids[i];
      starts[n] = e.starts[i] + at;
      ends[n] = e.ends[i] + at;
    }
    at = end;
    if (at < text.length && !(await between())) return undefined;
  }
  // slice, not subarray: a transferred result must not carry the unused capacity.
  return { ids: ids.slice(0, n), starts: starts.slice(0, n), ends: ends.slice(0, n) };
}

function grown(from: Int32Array, capacity: number): Int32Array<ArrayBuffer> {
  const to = new Int32Array(capacity);
  to.set(from);
  return to;
}
