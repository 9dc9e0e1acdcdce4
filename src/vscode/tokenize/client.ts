// Runs tokenization in a worker_threads Worker; requests can be cancelled with a CancellationToken.
import { Worker } from 'node:worker_threads';
import type * as vscode from 'vscode';
import type { Encoded } from '../../core/tokenizers';
import type { TokenizerSpec } from '../../core/tokenizers/spec';
import type { WorkerRequest, WorkerResponse } from './protocol';

interface Pending {
  resolve(value: Encoded | undefined): void;
  reject(error: Error): void;
}

export class TokenizeClient {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly workerPath: string) {}

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.workerPath);
    worker.on('message', (m: WorkerResponse) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.type === 'result')
        p.resolve({ ids: Array.from(m.ids), starts: Array.from(m.starts), ends: Array.from(m.ends) });
      else if (m.type === 'cancelled') p.resolve(undefined);
      else p.reject(new Error(m.message));
    });
    worker.on('error', (error) => this.failAll(error));
    worker.on('exit', () => {
      this.worker = undefined;
      this.failAll(new Error('the tokenize worker stopped'));
    });
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private failAll(error: Error): void {
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }

  /** Tokenizes in the worker; resolves undefined when cancelled. */
  tokenize(
    spec: TokenizerSpec,
    text: string,
    token?: vscode.CancellationToken,
  ): Promise<Encoded | undefined> {
    const worker = this.ensure();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ type: 'tokenize', id, spec, text } satisfies WorkerRequest);
      token?.onCancellationRequested(() => {
        worker.postMessage({ type: 'cancel', id } satisfies WorkerRequest);
      });
    });
  }

  dispose(): void {
    void this.worker?.terminate();
    this.worker = undefined;
  }
}
