// The inference engine's worker_threads entry: owns TensorFlow.js, the loaded models (cached by
// source key) and a serial request queue. Every failure goes back as a message; the worker stays up.
import { parentPort } from 'node:worker_threads';
import { analyze, tokenizerFor } from './analyze';
import { initBackend, type BackendChoice } from './backend';
import { loadCheckpointWeights } from './checkpointLoader';
import { loadSource, sourceKey, yieldTurn } from './loader';
import { EncoderModel } from './model';
import type { FromWorker, ModelInfo, ToWorker, WireError } from './protocol';
import { CancelledError } from './types';

interface Entry {
  readonly model: EncoderModel;
  readonly info: ModelInfo;
}

export class InferenceEngine {
  private readonly models = new Map<string, Entry>();
  private readonly cancelled = new Set<number>();
  private queue: Promise<void> = Promise.resolve();
  private backend: Promise<BackendChoice> | undefined;

  constructor(private readonly post: (message: FromWorker) => void) {}

  handle(message: ToWorker): void {
    switch (message.type) {
      case 'init':
        this.backend = initBackend(message.backend, {
          wasmDir: message.wasmDir,
          threads: message.threads,
          nativePaths: message.nativePaths,
        });
        this.backend.then(
          (backend) => this.post({ type: 'ready', backend }),
          (error: unknown) => this.post({ type: 'init-failed', error: wire(error) }),
        );
        return;
      case 'cancel':
        this.cancelled.add(message.id);
        return;
      case 'load':
      case 'run':
      case 'analyze':
      case 'unload':
        this.enqueue(message.id, () => this.serve(message));
        return;
    }
  }

  private enqueue(id: number, task: () => Promise<FromWorker>): void {
    this.queue = this.queue.then(async () => {
      let reply: FromWorker;
      try {
        if (this.cancelled.has(id)) throw new CancelledError();
        reply = await task();
      } catch (error) {
        reply =
          error instanceof CancelledError
            ? { type: 'cancelled', id }
            : { type: 'error', id, error: wire(error) };
      } finally {
        this.cancelled.delete(id);
      }
      this.post(reply);
    });
  }

  private async serve(
    message: Extract<ToWorker, { type: 'load' | 'run' | 'analyze' | 'unload' }>,
  ): Promise<FromWorker> {
    const isCancelled = () => this.cancelled.has(message.id);
    if (!this.backend) this.backend = initBackend('auto');
    await this.backend;
    switch (message.type) {
      case 'load': {
        const started = performance.now();
        const key = await sourceKey(message.source);
        const known = this.models.get(key);
        if (known) return { type: 'loaded', id: message.id, info: { ...known.info, cached: true } };
        if (message.source.kind === 'checkpoint') this.dropStale(key);
        const loaded = await loadSource(
          message.source,
          {
            isCancelled,
            onProgress: (progress) => this.post({ type: 'progress', id: message.id, progress }),
          },
          loadCheckpointWeights,
        );
        await yieldTurn();
        if (isCancelled()) throw new CancelledError('Loading was cancelled.');
        // The worker owns the loaded weights (read, generated or cloned from the message): hand them over.
        const model = new EncoderModel(loaded.weights, { release: true });
        const info: ModelInfo = {
          key,
          config: model.config,
          heads: model.heads,
          labels: model.labels,
          vocabFile: loaded.vocabFile,
          spmFile: loaded.spmFile,
          loadMs: performance.now() - started,
          cached: false,
        };
        this.models.set(key, { model, info });
        return { type: 'loaded', id: message.id, info };
      }
      case 'run': {
        const entry = this.models.get(message.key);
        if (!entry) throw new Error(`No model is loaded under "${message.key}" (load it first).`);
        const result = await entry.model.run(message.input, { ...message.options, isCancelled });
        return { type: 'result', id: message.id, result };
      }
      case 'analyze': {
        const entry = this.models.get(message.key);
        if (!entry) throw new Error(`No model is loaded under "${message.key}" (load it first).`);
        const file = message.request.tokenizerFile ?? entry.info.vocabFile ?? entry.info.spmFile;
        if (!file) {
          throw new Error(
            'No vocab.txt or SentencePiece .model was found beside the checkpoint; choose one.',
          );
        }
        const analysis = await analyze(entry.model, tokenizerFor(file), message.request, isCancelled);
        return { type: 'analysis', id: message.id, analysis };
      }
      case 'unload': {
        let freed = 0;
        for (const [key, entry] of this.models) {
          if (message.key !== undefined && key !== message.key) continue;
          entry.model.dispose();
          this.models.delete(key);
          freed++;
        }
        return { type: 'unloaded', id: message.id, freed };
      }
    }
  }

  /** A checkpoint whose file changed: forget the old version. */
  private dropStale(key: string): void {
    const base = key.slice(0, key.lastIndexOf('@'));
    for (const [other, entry] of this.models) {
      if (other !== key && other.startsWith(base + '@')) {
        entry.model.dispose();
        this.models.delete(other);
      }
    }
  }
}

export function wire(error: unknown): WireError {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { name: error.name, message: error.message, code: typeof code === 'string' ? code : undefined };
  }
  return { name: 'Error', message: String(error) };
}

if (parentPort) {
  const port = parentPort;
  const engine = new InferenceEngine((message) => port.postMessage(message));
  port.on('message', (message: ToWorker) => engine.handle(message));
}
