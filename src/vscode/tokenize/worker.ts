// The tokenize worker (bundled as dist/tokenizeWorker.js): tokenizes large texts off the extension host's
// thread, in line-aligned chunks, yielding between chunks so that a cancel message is seen promptly.
// No `vscode` import: it runs in a worker_threads Worker.
import { parentPort } from 'node:worker_threads';
import { encodeInChunks, loadFromSpec } from '../../core/tokenizers/spec';
import type { WorkerRequest, WorkerResponse } from './protocol';

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

port?.on('message', (request: WorkerRequest) => {
  if (request.type === 'cancel') {
    cancelled.add(request.id);
    return;
  }
  void (async () => {
    try {
      const tokenizer = loadFromSpec(request.spec);
      const result = await encodeInChunks(tokenizer, request.text, async () => {
        await new Promise((resolve) => setImmediate(resolve));
        return !cancelled.has(request.id);
      });
      if (!result || cancelled.has(request.id)) post({ type: 'cancelled', id: request.id });
      else post({ type: 'result', id: request.id, ...result });
    } catch (error) {
      post({
        type: 'error',
        id: request.id,
        message: error instanceof Error ? error.message : String(error),
      });
    } finally {
      cancelled.delete(request.id);
    }
  })();
});
