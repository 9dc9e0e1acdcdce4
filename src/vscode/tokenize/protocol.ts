// Messages between the extension host and the tokenize worker (dist/tokenizeWorker.js).
import type { TokenizerSpec } from '../../core/tokenizers/spec';

export type WorkerRequest =
  | { readonly type: 'tokenize'; readonly id: number; readonly spec: TokenizerSpec; readonly text: string }
  | { readonly type: 'cancel'; readonly id: number };

export type WorkerResponse =
  | {
      readonly type: 'result';
      readonly id: number;
      readonly ids: Int32Array;
      readonly starts: Int32Array;
      readonly ends: Int32Array;
    }
  | { readonly type: 'cancelled'; readonly id: number }
  | { readonly type: 'error'; readonly id: number; readonly message: string };
