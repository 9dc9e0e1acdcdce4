// Turns a `ModelSource` into `EncoderWeights` with progress, checking for cancellation between steps.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { CheckpointLoadOptions } from '../checkpoint/layerCount';
import type { EncoderWeights } from '../model/encoder';
import type { LoadProgress, ModelSource } from './protocol';
import { syntheticWeights } from './synthetic';
import { CancelledError } from './types';

export interface LoadedWeights {
  readonly weights: EncoderWeights;
  readonly vocabFile?: string;
  readonly spmFile?: string;
}

export interface LoadHooks {
  readonly onProgress?: (progress: LoadProgress) => void;
  readonly isCancelled?: () => boolean;
}

/** The cache key of a source: checkpoints by absolute path and the index file's mtime. */
export async function sourceKey(source: ModelSource): Promise<string> {
  switch (source.kind) {
    case 'checkpoint': {
      // A prefix (model.ckpt) is not a file itself: its `.index` dates it.
      const resolved = path.resolve(source.path);
      const index = await fs.stat(resolved + '.index').catch(() => undefined);
      const stat = index ?? (await fs.stat(resolved).catch(() => undefined));
      return `checkpoint:${resolved}@${stat?.mtimeMs ?? 'missing'}${source.numLayers ? `:L${source.numLayers}` : ''}`;
    }
    case 'synthetic':
      return `synthetic:${JSON.stringify(source.config)}:${source.seed ?? 1}:${(source.heads ?? []).join(',')}`;
    case 'weights':
      return `weights:${source.name ?? 'anonymous'}:${Math.random().toString(36).slice(2)}`;
  }
}

/** Lets queued messages (a cancel) in between synchronous steps. */
export const yieldTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export type CheckpointLoader = (
  file: string,
  hooks: LoadHooks,
  options: CheckpointLoadOptions,
) => Promise<LoadedWeights>;

export async function loadSource(
  source: ModelSource,
  hooks: LoadHooks,
  loadCheckpoint: CheckpointLoader,
): Promise<LoadedWeights> {
  const check = () => {
    if (hooks.isCancelled?.()) throw new CancelledError('Loading was cancelled.');
  };
  check();
  switch (source.kind) {
    case 'checkpoint':
      return loadCheckpoint(source.path, hooks, { numLayers: source.numLayers });
    case 'synthetic': {
      hooks.onProgress?.({ done: 0, total: 1, message: 'Generating weights' });
      await yieldTurn();
      check();
      const weights = syntheticWeights(source.config, { seed: source.seed, heads: source.heads });
      await yieldTurn();
      check();
      hooks.onProgress?.({ done: 1, total: 1, message: 'Generated weights' });
      return { weights };
    }
    case 'weights':
      return { weights: source.weights };
  }
}
