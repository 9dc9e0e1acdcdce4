// The tokenize worker (bundled as dist/tokenizeWorker.js): loads tokenizers and tokenizes off the extension
// host's thread, in line-aligned chunks, yielding between chunks so that a cancel message is seen promptly.
// No `vscode` import: it runs in a worker_threads Worker.
import { parentPort, threadId } from 'node:worker_threads';
import { VocabNotFoundError, type Tokenizer } from '../../core/tokenizers';
import { encodeInChunks, loadFromSpec } from '../../core/tokenizers/spec';
import { warmUpText } from '../../core/tokenizers/warmup';
import type { TokenizerInfo, WorkerRequest, WorkerResponse } from './protocol';

const cancelled = new Set<number>();
const port = parentPort;

function post(message: WorkerResponse): void {
  if (message.type === 'result') {
    port!.postMessage(message, [
      message.ids.buffer,
      message.starts.buffer,
      message.ends.buffer,
      message.pieceIds.buffer,
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

/** Requests received so far: a warm-up in progress gives way as soon as this changes. */
let received = 0;

/**
 * Runs the tokenizer's warm-up text (warmup.ts) through the same chunked path as a real request, in
 * slices of 16 K characters (tens of milliseconds at most), yielding between them and stopping as soon as a request arrives:
 * the user's first request never waits for more than one slice of it.
 */
async function warmUp(tokenizer: Tokenizer): Promise<{ ms: number; complete: boolean }> {
  const seen = received;
  const started = performance.now();
  await encodeInChunks(
    tokenizer,
    warmUpText(tokenizer),
    async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return received === seen;
    },
    16_384,
  );
  return { ms: performance.now() - started, complete: received === seen };
}

/** Each distinct id once, in order of first use: a few thousand pieces to send for 24 K tokens. */
function distinctIds(ids: Int32Array, vocabSize: number): Int32Array {
  const seen = new Uint8Array(vocabSize);
  const out = new Int32Array(Math.min(ids.length, vocabSize));
  let n = 0;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (seen[id] === 0) {
      seen[id] = 1;
      out[n++] = id;
    }
  }
  return out.slice(0, n);
}

async function handle(request: Exclude<WorkerRequest, { type: 'cancel' }>): Promise<void> {
  const started = performance.now();
  const tokenizer = loadFromSpec(request.spec);
  if (request.type === 'load') {
    post({ type: 'loaded', id: request.id, info: infoOf(tokenizer) });
    // Compiles the hot loops and fills the word caches here, in the background, instead of in the user's
    // first large request (bench/tokenizeFirst.ts measures both).
    if (request.warm) post({ type: 'warmed', id: request.id, ...(await warmUp(tokenizer)) });
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
  const pieceIds = distinctIds(result.ids, tokenizer.vocabSize);
  post({
    type: 'result',
    id: request.id,
    info: infoOf(tokenizer),
    pieceIds,
    pieceTexts: Array.from(pieceIds, (id) => tokenizer.idToPiece(id)),
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
  received++;
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
