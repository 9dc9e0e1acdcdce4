// Checkpoint → EncoderWeights for the worker, through src/core/checkpoint: discovery (prefix, config,
// vocabulary) and the name mapping. Reports a progress step per tensor read and stops between reads
// when the request is cancelled.
import {
  CheckpointReader,
  describeCheckpoint,
  describeFrom,
  discoverModel,
  effectiveConfig,
  loadEncoderWeights,
  type CheckpointLoadOptions,
} from '../checkpoint';
import { blockingConfigError, checkConfig } from '../checkpoint/configCheck';
import type { EncoderWeights } from '../model/encoder';
import { findLabels } from './labels';
import { countNonFinite, type NonFiniteTensor } from './finite';
import type { LoadHooks, LoadedWeights } from './loader';
import { CancelledError } from './types';

export interface CheckpointWeights extends LoadedWeights {
  /** The tensors read that hold NaN or infinite values, by checkpoint key. */
  readonly nonFinite: readonly NonFiniteTensor[];
}

export async function loadCheckpointWeights(
  file: string,
  hooks: LoadHooks,
  options: CheckpointLoadOptions = {},
): Promise<CheckpointWeights> {
  const check = () => {
    if (hooks.isCancelled?.()) throw new CancelledError('Loading was cancelled.');
  };
  hooks.onProgress?.({ done: 0, total: 1, message: `Looking for a checkpoint in ${file}` });
  const found = await discoverModel(file);
  check();
  const prefix = found.checkpoint!.prefix;
  const configError = blockingConfigError(found.config, found.configErrors);
  if (configError !== undefined) throw new Error(configError);
  const reader = await CheckpointReader.open(prefix);
  try {
    const config = effectiveConfig(found.config?.encoder, prefix, options);
    const description = await describeCheckpoint(reader, config);
    if (found.config) {
      // The checkpoint's shapes decide: compare the config with what they say on their own.
      const d = description;
      checkConfig(
        found.config,
        describeFrom(d.prefix, reader.tensors, d.scheme, d.keys, d.fullNames, d.step),
      );
    }
    check();
    const total = description.canonical.size;
    let done = 0;
    const nonFinite: NonFiniteTensor[] = [];
    const readFloat32 = reader.readFloat32.bind(reader);
    // Count reads for progress; the mapping reads each canonical tensor once.
    reader.readFloat32 = async (...args: Parameters<CheckpointReader['readFloat32']>) => {
      check();
      const values = await readFloat32(...args);
      const [entry] = args;
      const bad = countNonFinite(typeof entry === 'string' ? entry : entry.key, values);
      if (bad) nonFinite.push(bad);
      done++;
      hooks.onProgress?.({ done: Math.min(done, total), total, message: `Reading ${prefix}` });
      return values;
    };
    const weights = await loadEncoderWeights(reader, config, { description });
    check();
    return {
      weights: await withLabels(weights, prefix),
      vocabFile: found.vocab,
      spmFile: found.sentencePiece,
      nonFinite,
    };
  } finally {
    await reader.close();
  }
}

/** Adds label names from the checkpoint's folder to the classifier and tagging heads that lack them. */
async function withLabels(weights: EncoderWeights, prefix: string): Promise<EncoderWeights> {
  const { classifier, tagging } = weights.heads;
  const named = async <T extends { bias: { shape: readonly number[] }; labels?: readonly string[] }>(
    head: T | undefined,
  ) => (head && !head.labels ? { ...head, labels: await findLabels(prefix, head.bias.shape[0] ?? 0) } : head);
  if (!classifier && !tagging) return weights;
  return {
    ...weights,
    heads: { ...weights.heads, classifier: await named(classifier), tagging: await named(tagging) },
  };
}
