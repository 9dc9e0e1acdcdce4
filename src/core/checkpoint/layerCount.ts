// The layer count of a checkpoint that does not store it (ALBERT's one shared block): a config beside
// it, a count the user gives, or the catalog's for a model downloaded into the cache. Never a guess.
import * as path from 'node:path';
import { findModel } from '../catalog/query';
import type { PartialEncoderConfig } from './config';

export interface CheckpointLoadOptions {
  /** The layer count of a shared (ALBERT) block when no config beside the checkpoint gives it. */
  readonly numLayers?: number;
}

/**
 * The catalog model a file of the model cache belongs to (`<cache>/<modelId>/<kind>/files/...`), so a
 * TF-Hub ALBERT downloaded from the catalog gets the catalog's layer count.
 */
export function catalogModelOfCachePath(file: string): string | undefined {
  const parts = path.resolve(file).split(path.sep);
  for (let i = parts.length - 2; i >= 1; i--) {
    if (parts[i + 1] === 'files' && ['checkpoint', 'hub', 'tokenizer'].includes(parts[i]!)) {
      const id = parts[i - 1]!;
      return findModel(id) ? id : undefined;
    }
  }
  return undefined;
}

/** The config beside the checkpoint, with a given layer count, else the catalog's for a cached download. */
export function effectiveConfig(
  found: PartialEncoderConfig | undefined,
  file: string,
  options: CheckpointLoadOptions,
): PartialEncoderConfig {
  const config: PartialEncoderConfig = { ...(found ?? {}) };
  if (options.numLayers !== undefined) config.numLayers = options.numLayers;
  if (config.numLayers === undefined) {
    const id = catalogModelOfCachePath(file);
    const model = id ? findModel(id) : undefined;
    if (model) config.numLayers = model.layers;
  }
  return config;
}
