// Talks to the tokenize worker; requests can be cancelled with a CancellationToken.
import { Worker } from 'node:worker_threads';
import type * as vscode from 'vscode';
import type { TokenizerSpec } from '../../core/tokenizers/spec';
import type { TokenizerInfo, WorkerRequest, WorkerResponse } from './protocol';

/** The worker's tokens for a text: ids, offsets into that text, and pieces. */
export interface Tokenized {
  readonly info: TokenizerInfo;
  readonly ids: Int32Array;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  readonly pieces: readonly string[];
}

/** A failure the worker reported; `missingVocabOf` names the catalog model whose vocab is not cached. */
export class TokenizeError extends Error {
  constructor(
    message: string,
    readonly missingVocabOf?: string,
  ) {
    super(message);
    this.name = 'TokenizeError';
  }
}

type Answer = Extract<WorkerResponse, { type: 'loaded' | 'result' | 'cancelled' }>;

interface Pending {
  resolve(value: Answer): void;
  reject(error: Error): void;
}

export class TokenizeClient {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private results = 0;
  private readonly answeredBy = new Set<number>();
  private warmed: { ms: number; complete: boolean } | undefined;

  /** Which threads tokenized (from their results) and the worker's thread id, for tests and diagnostics. */
  stats(): {
    workerThreadId: number | undefined;
    answeredBy: number[];
    results: number;
    warmed: { ms: number; complete: boolean } | undefined;
  } {
    return {
      workerThreadId: this.worker?.threadId,
      answeredBy: [...this.answeredBy],
      results: this.results,
      warmed: this.warmed,
    };
  }

  constructor(private readonly workerPath: string) {}

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.workerPath);
    worker.on('message', (m: WorkerResponse) => {
      if (m.type === 'warmed') {
        this.warmed = { ms: m.ms, complete: m.complete };
        return;
      }
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.type === 'error') p.reject(new TokenizeError(m.message, m.missingVocabOf));
      else p.resolve(m);
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

  private request(
    message: Exclude<WorkerRequest, { type: 'cancel' }>,
    token?: vscode.CancellationToken,
  ): Promise<Answer> {
    const worker = this.ensure();
    return new Promise((resolve, reject) => {
      this.pending.set(message.id, { resolve, reject });
      worker.postMessage(message satisfies WorkerRequest);
      token?.onCancellationRequested(() => {
        worker.postMessage({ type: 'cancel', id: message.id } satisfies WorkerRequest);
      });
    });
  }

  /** Loads the tokenizer in the worker (kept there) and describes it; rejects with a TokenizeError. */
  async load(spec: TokenizerSpec, options: { warm?: boolean } = {}): Promise<TokenizerInfo> {
    const answer = await this.request({ type: 'load', id: this.nextId++, spec, warm: options.warm });
    if (answer.type !== 'loaded') throw new Error(`unexpected answer ${answer.type} to load`);
    return answer.info;
  }

  /** Tokenizes in the worker; resolves undefined when cancelled. */
  async tokenize(
    spec: TokenizerSpec,
    text: string,
    token?: vscode.CancellationToken,
  ): Promise<Tokenized | undefined> {
    const answer = await this.request({ type: 'tokenize', id: this.nextId++, spec, text }, token);
    if (answer.type === 'cancelled') return undefined;
    if (answer.type !== 'result') throw new Error(`unexpected answer ${answer.type} to tokenize`);
    this.results++;
    this.answeredBy.add(answer.threadId);
    const pieceOf = new Map<number, string>();
    answer.pieceIds.forEach((id, k) => pieceOf.set(id, answer.pieceTexts[k]));
    return {
      info: answer.info,
      ids: answer.ids,
      starts: answer.starts,
      ends: answer.ends,
      pieces: Array.from(answer.ids, (id) => pieceOf.get(id)!),
    };
  }

  dispose(): void {
    void this.worker?.terminate();
    this.worker = undefined;
  }
}
