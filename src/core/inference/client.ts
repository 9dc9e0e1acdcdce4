// The owner's side of the inference worker: one worker_threads worker, requests with ids, load
// progress, cancellation through AbortSignal, and a restart after the worker dies.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Analysis, AnalyzeRequest } from './analyze';
import type { BackendChoice, BackendPreference } from './backend';
import type {
  FromWorker,
  LoadProgress,
  ModelInfo,
  ModelSource,
  ToWorker,
  WireError,
  WireRunOptions,
} from './protocol';
import { CancelledError, type EncoderInput, type EncoderResult } from './types';

export interface InferenceClientOptions {
  readonly backend?: BackendPreference;
  /** The worker script; default: `inferenceWorker.js` (bundle) or `worker.js` (compiled) beside this file. */
  readonly workerPath?: string;
  readonly wasmDir?: string;
  /** wasm backend threads (default: the machine's cores, at most 4). */
  readonly threads?: number;
  /** Folders that may hold an installed @tensorflow/tfjs-node (see nativeBackend.ts). */
  readonly nativePaths?: readonly string[];
}

/** An error raised inside the worker, with its original name and code. */
export class InferenceWorkerError extends Error {
  readonly code?: string;
  constructor(error: WireError) {
    super(error.message);
    this.name = error.name;
    this.code = error.code;
  }
}

interface Pending {
  resolve(message: FromWorker): void;
  reject(error: Error): void;
  onProgress?: (progress: LoadProgress) => void;
}

export function defaultWorkerPath(): string {
  for (const name of ['inferenceWorker.js', 'worker.js']) {
    const candidate = path.join(__dirname, name);
    if (fs.existsSync(candidate)) return candidate;
  }
  return path.join(__dirname, 'inferenceWorker.js');
}

export class InferenceClient {
  private worker: Worker | undefined;
  private ready: Promise<BackendChoice> | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private disposed = false;

  constructor(private readonly options: InferenceClientOptions = {}) {}

  /** Starts the worker (if needed) and reports the backend it chose. */
  backend(): Promise<BackendChoice> {
    this.start();
    return this.ready!;
  }

  async load(
    source: ModelSource,
    options: { onProgress?: (progress: LoadProgress) => void; signal?: AbortSignal } = {},
  ): Promise<ModelInfo> {
    const reply = await this.request(
      (id) => ({ type: 'load', id, source }),
      options.signal,
      options.onProgress,
    );
    if (reply.type !== 'loaded') throw new Error(`unexpected reply ${reply.type}`);
    return reply.info;
  }

  async run(
    key: string,
    input: EncoderInput,
    options: WireRunOptions = {},
    signal?: AbortSignal,
  ): Promise<EncoderResult> {
    const reply = await this.request((id) => ({ type: 'run', id, key, input, options }), signal);
    if (reply.type !== 'result') throw new Error(`unexpected reply ${reply.type}`);
    return reply.result;
  }

  /** Tokenizes and runs `request.text` (and pair) with a loaded model, decoding every head it has. */
  async analyze(key: string, request: AnalyzeRequest, signal?: AbortSignal): Promise<Analysis> {
    const reply = await this.request((id) => ({ type: 'analyze', id, key, request }), signal);
    if (reply.type !== 'analysis') throw new Error(`unexpected reply ${reply.type}`);
    return reply.analysis;
  }

  /** Frees one model (or all); returns how many were freed. */
  async unload(key?: string): Promise<number> {
    if (!this.worker) return 0;
    const reply = await this.request((id) => ({ type: 'unload', id, key }));
    return reply.type === 'unloaded' ? reply.freed : 0;
  }

  /** Terminates the worker: every model's memory goes with it. */
  async dispose(): Promise<void> {
    this.disposed = true;
    const worker = this.worker;
    this.worker = undefined;
    this.failAll(new CancelledError('The inference engine was disposed.'));
    if (worker) await worker.terminate();
  }

  private start(): Worker {
    if (this.disposed) throw new Error('The inference engine was disposed.');
    if (this.worker) return this.worker;
    const worker = new Worker(this.options.workerPath ?? defaultWorkerPath());
    this.worker = worker;
    this.ready = new Promise<BackendChoice>((resolve, reject) => {
      const onMessage = (message: FromWorker) => {
        if (message.type === 'ready') resolve(message.backend);
        else if (message.type === 'init-failed') reject(new InferenceWorkerError(message.error));
        else return;
        worker.off('message', onMessage);
      };
      worker.on('message', onMessage);
    });
    this.ready.catch(() => undefined);
    worker.on('message', (message: FromWorker) => this.receive(message));
    worker.on('error', (error) => this.died(worker, error));
    worker.on('exit', (code) => this.died(worker, new Error(`The inference worker exited (code ${code}).`)));
    worker.unref();
    this.post({
      type: 'init',
      backend: this.options.backend ?? 'auto',
      wasmDir: this.options.wasmDir,
      threads: this.options.threads ?? Math.min(4, os.availableParallelism()),
      nativePaths: this.options.nativePaths,
    });
    return worker;
  }

  private post(message: ToWorker): void {
    this.start().postMessage(message);
  }

  private request(
    make: (id: number) => ToWorker,
    signal?: AbortSignal,
    onProgress?: (progress: LoadProgress) => void,
  ): Promise<FromWorker> {
    if (signal?.aborted) return Promise.reject(new CancelledError());
    const id = this.nextId++;
    return new Promise<FromWorker>((resolve, reject) => {
      const onAbort = () => this.post({ type: 'cancel', id });
      signal?.addEventListener('abort', onAbort, { once: true });
      const cleanup = () => signal?.removeEventListener('abort', onAbort);
      this.pending.set(id, {
        resolve: (m) => {
          cleanup();
          resolve(m);
        },
        reject: (e) => {
          cleanup();
          reject(e);
        },
        onProgress,
      });
      this.start().ref();
      this.post(make(id));
    });
  }

  private receive(message: FromWorker): void {
    if (!('id' in message)) return;
    const pending = this.pending.get(message.id);
    if (!pending) return;
    if (message.type === 'progress') {
      pending.onProgress?.(message.progress);
      return;
    }
    this.pending.delete(message.id);
    if (this.pending.size === 0) this.worker?.unref();
    if (message.type === 'error') pending.reject(new InferenceWorkerError(message.error));
    else if (message.type === 'cancelled') pending.reject(new CancelledError());
    else pending.resolve(message);
  }

  private died(worker: Worker, error: Error): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    this.failAll(error);
  }

  private failAll(error: Error): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(error);
  }
}
