// Messages between the inference worker (worker.ts) and its owner (client.ts).
import type { EncoderConfig, EncoderHeads, EncoderWeights } from '../model/encoder';
import type { Analysis, AnalyzeRequest } from './analyze';
import type { BackendChoice, BackendPreference } from './backend';
import type { HeadFlags } from './model';
import type { EncoderInput, EncoderResult, RunOptions } from './types';

export type ModelSource =
  /** A checkpoint prefix, `.index` file or folder (discovered by src/core/checkpoint). */
  | {
      readonly kind: 'checkpoint';
      readonly path: string;
      /** Layer count of a shared (ALBERT) block when no config beside the checkpoint says it. */
      readonly numLayers?: number;
    }
  /** Random weights of a shape (benchmarks, tests). */
  | {
      readonly kind: 'synthetic';
      readonly config: EncoderConfig;
      readonly seed?: number;
      readonly heads?: readonly (keyof EncoderHeads)[];
    }
  /** Weights already in memory (copied to the worker). */
  | { readonly kind: 'weights'; readonly weights: EncoderWeights; readonly name?: string };

export interface ModelInfo {
  /** Cache key: the resolved path and its modification time, or a description of the source. */
  readonly key: string;
  readonly config: EncoderConfig;
  readonly heads: HeadFlags;
  readonly labels: { readonly classifier?: readonly string[]; readonly tagging?: readonly string[] };
  /** Vocabulary or SentencePiece file found beside the checkpoint, when any. */
  readonly vocabFile?: string;
  readonly spmFile?: string;
  readonly loadMs: number;
  /** True when the model was already loaded (same path and mtime). */
  readonly cached: boolean;
}

export interface LoadProgress {
  readonly done: number;
  readonly total: number;
  readonly message: string;
}

/** Options that can cross the thread boundary (no functions). */
export type WireRunOptions = Omit<RunOptions, 'isCancelled'>;

export type ToWorker =
  | {
      readonly type: 'init';
      readonly backend: BackendPreference;
      readonly wasmDir?: string;
      readonly threads?: number;
      readonly nativePaths?: readonly string[];
    }
  | { readonly type: 'load'; readonly id: number; readonly source: ModelSource }
  | {
      readonly type: 'run';
      readonly id: number;
      readonly key: string;
      readonly input: EncoderInput;
      readonly options: WireRunOptions;
    }
  | { readonly type: 'analyze'; readonly id: number; readonly key: string; readonly request: AnalyzeRequest }
  | { readonly type: 'cancel'; readonly id: number }
  | { readonly type: 'unload'; readonly id: number; readonly key?: string };

export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
}

export type FromWorker =
  | { readonly type: 'ready'; readonly backend: BackendChoice }
  | { readonly type: 'init-failed'; readonly error: WireError }
  | { readonly type: 'progress'; readonly id: number; readonly progress: LoadProgress }
  | { readonly type: 'loaded'; readonly id: number; readonly info: ModelInfo }
  | { readonly type: 'result'; readonly id: number; readonly result: EncoderResult }
  | { readonly type: 'analysis'; readonly id: number; readonly analysis: Analysis }
  | { readonly type: 'unloaded'; readonly id: number; readonly freed: number }
  | { readonly type: 'cancelled'; readonly id: number }
  | { readonly type: 'error'; readonly id: number; readonly error: WireError };
