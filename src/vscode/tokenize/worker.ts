// The tokenize worker (bundled as dist/tokenizeWorker.js): loads tokenizers and tokenizes off the extension
// host's thread, in line-aligned chunks, yielding between chunks so that a cancel message is seen promptly.
// No `vscode` import: it runs in a worker_threads Worker.
import { parentPort, threadId } from 'node:worker_threads';
import { encodeKeepingMask, VocabNotFoundError, type Tokenizer } from '../../core/tokenizers';
import { encodeInChunks, loadFromSpec } from '../../core/tokenizers/spec';
import type { TokenizerInfo, WorkerRequest, WorkerResponse } from './protocol';

const cancelled = new Set<number>();
const port = parentPort;

function post(message: WorkerResponse): void {
  if (message.type === 'result') {
    port!.postMessage(message, [
      message.ids.buffer,
      message.starts.buffer,
      message.ends.buffer,
    ] as ArrayBuffer[]);
  } else {
    port!.postMessage(message);
  }
}

const infoOf = (tokenizer: Tokenizer): TokenizerInfo => ({
  label: tokenizer.label,
  kind: tokenizer.kind,
  unk: tokenizer.specials.unk,
  mask: tokenizer.specials.mask,
});

/**
 * About 17 K characters of mixed text (words, numbers, punctuation, accents, CJK, a [MASK]) run once after a
 * warm load: the tokenizer's loops are then compiled before the user's first, possibly large, request.
 */
const WARM_TEXT = Array.from(
  { length: 160 },
  (_, i) =>
    `The quick brown fox ${i} jumped over 1,234 lazy dogs' backs — naïvely unaffable, [MASK] ÉCOLE 北京 🤗 (e.g. "tokenization").\n`,
).join('');

async function handle(request: Exclude<WorkerRequest, { type: 'cancel' }>): Promise<void> {
  const started = performance.now();
  const tokenizer = loadFromSpec(request.spec);
  if (request.type === 'load') {
    post({ type: 'loaded', id: request.id, info: infoOf(tokenizer) });
    // Compiles the hot loops and grows the heap once, here, instead of in the user's first large request
    // (measured by bench/tokenizeFirst.ts: ALBERT on 88 K characters, cold ≈ 0.9 s, warmed ≈ 0.15 s).
    if (request.warm) for (let i = 0; i < 3; i++) encodeKeepingMask(tokenizer, WARM_TEXT);
    return;
  }
  const result = await encodeInChunks(tokenizer, request.text, async () => {
    await new Promise((resolve) => setImmediate(resolve));
    return !cancelled.has(request.id);
  });
  if (!result || cancelled.has(request.id)) {
    post({ type: 'cancelled', id: request.id });
    return;
  }
  const pieces = Array.from(result.ids, (id) => tokenizer.idToPiece(id));
  post({
    type: 'result',
    id: request.id,
    info: infoOf(tokenizer),
    pieces,
    threadId,
    ...result,
    workerMs: performance.now() - started,
  });
}

port?.on('message', (request: WorkerRequest) => {
  if (request.type === 'cancel') {
    cancelled.add(request.id);
    return;
  }
  void handle(request)
    .catch((error: unknown) =>
      post({
        type: 'error',
        id: request.id,
        message: error instanceof Error ? error.message : String(error),
        missingVocabOf: error instanceof VocabNotFoundError ? error.modelId : undefined,
      }),
    )
    .finally(() => cancelled.delete(request.id));
});
