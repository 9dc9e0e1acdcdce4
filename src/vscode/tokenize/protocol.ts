// Messages between the extension host and the tokenize worker (dist/tokenizeWorker.js). The worker owns
// the tokenizers: loading a vocabulary (35–95 ms for the fixture vocabs) never runs on the host's thread.
import type { TokenizerKind } from '../../core/tokenizers';
import type { TokenizerSpec } from '../../core/tokenizers/spec';

/** What the host needs to know about a loaded tokenizer to draw and describe its tokens. */
export interface TokenizerInfo {
  readonly label: string;
  readonly kind: TokenizerKind;
  /** The `[UNK]` / `<unk>` id, where the vocabulary has one. */
  readonly unk: number | undefined;
  /** The `[MASK]` id: a typed `[MASK]` is kept whole as this token (as Run Model does). */
  readonly mask: number | undefined;
}

export type WorkerRequest =
  | {
      readonly type: 'load';
      readonly id: number;
      readonly spec: TokenizerSpec;
      /**
       * Then run the warm-up text (core/tokenizers/warmup.ts) through it in the background, so the first
       * real request finds the code compiled and the frequent words cached; answered by `warmed`.
       */
      readonly warm?: boolean;
    }
  | { readonly type: 'tokenize'; readonly id: number; readonly spec: TokenizerSpec; readonly text: string }
  | { readonly type: 'cancel'; readonly id: number };

export type WorkerResponse =
  | { readonly type: 'loaded'; readonly id: number; readonly info: TokenizerInfo }
  | {
      readonly type: 'result';
      readonly id: number;
      readonly info: TokenizerInfo;
      readonly ids: Int32Array;
      readonly starts: Int32Array;
      readonly ends: Int32Array;
      /** The distinct ids of `ids`, and the piece of each (`pieceTexts[k]` is the piece of `pieceIds[k]`). */
      readonly pieceIds: Int32Array;
      readonly pieceTexts: readonly string[];
      /** `threadId` of the thread that tokenized (the worker's, never the extension host's). */
      readonly threadId: number;
      /** Milliseconds the worker spent on this request (load excluded when it was loaded before). */
      readonly workerMs: number;
    }
  | {
      /** A warm load's warm-up ended (after `loaded`): `complete` false when a request cut it short. */
      readonly type: 'warmed';
      readonly id: number;
      readonly ms: number;
      readonly complete: boolean;
    }
  | { readonly type: 'cancelled'; readonly id: number }
  | {
      readonly type: 'error';
      readonly id: number;
      readonly message: string;
      /** Set when a catalog model's vocabulary is not in the cache (VocabNotFoundError). */
      readonly missingVocabOf?: string;
    };
