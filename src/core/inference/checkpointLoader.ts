// Checkpoint → EncoderWeights for the worker. Opening the bundle validates it (a corrupt index is a
// CheckpointError naming the file); mapping variable names to EncoderWeights belongs to
// src/core/checkpoint's discovery.
import { CheckpointReader } from '../checkpoint';
import type { LoadHooks, LoadedWeights } from './loader';

export async function loadCheckpointWeights(file: string, hooks: LoadHooks): Promise<LoadedWeights> {
  hooks.onProgress?.({ done: 0, total: 1, message: `Opening ${file}` });
  const reader = await CheckpointReader.open(file);
  try {
    throw new Error(`${reader.indexFile}: mapping checkpoint variables to an encoder is not available yet`);
  } finally {
    await reader.close();
  }
}
