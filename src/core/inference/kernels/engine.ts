// The project's own WebAssembly SIMD kernels for the encoder's hot operations (kernels/assembly/encoder.ts,
// compiled by the build into dist/wasm/mg-kernels.wasm): one shared WebAssembly.Memory, one instance per
// thread. Each operation runs on `threads` threads at once: the calling thread and worker_threads woken
// through Atomics on a small shared control block take the operation's work items in turn from a counter
// in the shared memory (so a thread the machine slows down takes fewer); the caller blocks
// (Atomics.wait) until all threads are done. Use more than one thread only off a UI thread (the
// extension runs the engine in its inference worker).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';

export const KERNELS_FILE = 'mg-kernels.wasm';

/** The activation codes of the kernels (ACT_* in kernels/assembly/encoder.ts). */
export const Activation = { none: 0, gelu: 1, gelu_exact: 2, relu: 3, tanh: 4 } as const;
export type ActivationName = Exclude<keyof typeof Activation, 'none'>;

interface Exports {
  packedSize(K: number, N: number): number;
  pack(src: number, ld: number, K: number, N: number, dst: number): void;
  packTransposed(src: number, ld: number, K: number, N: number, dst: number): void;
  activation(x: number, out: number, n: number, act: number): void;
  gemm(...args: number[]): void;
  gemmScratch(): number;
  layerNorm(...args: number[]): void;
  softmaxRows(x: number, ld: number, rows: number, n: number, scale: number, adder: number): void;
  attentionScratch(S: number, d: number): number;
  attention(...args: number[]): void;
}

/** The operations split across threads, by index in the control block. */
const PARALLEL = ['gemm', 'layerNorm', 'attention'] as const;
type Parallel = (typeof PARALLEL)[number];

// Control block (Int32 slots): generation, operation, parts pending, error flag, argument count, ready
// count; then the arguments as float64 from byte 64.
const GEN = 0;
const OP = 1;
const PENDING = 2;
const ERROR = 3;
const ARGC = 4;
const READY = 5;
const QUIT = -1;
const MAX_ARGS = 24;
/** Default bound on one operation: far above any one's time (a BERT-large GEMM at seq 512 takes about a second). */
const OPERATION_TIMEOUT_MS = 120_000;

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, control, part, parts, ops } = workerData;
const instance = new WebAssembly.Instance(module, { env: { memory, abort() { throw new Error('abort'); } } });
const ctl = new Int32Array(control, 0, 16);
const args = new Float64Array(control, 64, ${MAX_ARGS});
const fns = ops.map((name) => instance.exports[name]);
Atomics.add(ctl, ${READY}, 1);
Atomics.notify(ctl, ${READY});
let seen = 0;
for (;;) {
  Atomics.wait(ctl, ${GEN}, seen);
  seen = Atomics.load(ctl, ${GEN});
  const op = Atomics.load(ctl, ${OP});
  if (op === ${QUIT}) break;
  try {
    const n = ctl[${ARGC}];
    const a = Array.from(args.subarray(0, n));
    a.push(part, parts);
    fns[op](...a);
  } catch (error) {
    Atomics.store(ctl, ${ERROR}, 1);
  }
  if (Atomics.sub(ctl, ${PENDING}, 1) === 1) Atomics.notify(ctl, ${PENDING});
}
`;

const PAGE = 65536;
/** 4 GiB: the most a 32-bit memory can address (only reserved, not committed). */
const MAX_PAGES = 65536;
/** Kept free for the module's own use (it has no static data today). */
const HEAP_START = 65536;
const ALIGN = 64;

/** Where the compiled kernels are: the bundle's dist/wasm, or a checkout's dist/wasm above the compiled tests. */
export function findKernels(dirs: readonly (string | undefined)[] = []): string | undefined {
  const candidates = [...dirs.filter((d): d is string => !!d), path.join(__dirname, 'wasm')];
  // From out/src/core/inference/kernels (compiled tests) or src/… up to the checkout's dist/wasm.
  for (let dir = __dirname, i = 0; i < 6; i++, dir = path.dirname(dir)) {
    candidates.push(path.join(dir, 'dist', 'wasm'));
  }
  for (const dir of candidates) {
    const file = path.join(dir, KERNELS_FILE);
    if (fs.existsSync(file)) return file;
  }
  return undefined;
}

/** A region of the kernels' memory: `ptr` is a byte offset, `length` floats. */
export interface Region {
  readonly ptr: number;
  readonly length: number;
}

/** Time spent per operation while profiling (KernelEngine.profile): `ms` in all, `waitMs` of it waiting
 * for the other threads after this thread's own part (imbalance and hand-off). */
export interface OperationTiming {
  calls: number;
  ms: number;
  waitMs: number;
}

export class KernelEngine {
  readonly threads: number;
  /** When set, each parallel operation adds its time here, by name (for bench/kernelsProfile). */
  profile: Map<string, OperationTiming> | undefined;
  private readonly memory: WebAssembly.Memory;
  private readonly exports: Exports;
  private readonly control: Int32Array;
  private readonly args: Float64Array;
  private readonly workers: Worker[] = [];
  private readonly fns: ((...args: number[]) => void)[];
  /** Free byte ranges [start, end), sorted by start, merged. */
  private free: { start: number; end: number }[] = [];
  private top = HEAP_START;
  private stopped = false;
  private readonly counter: number;
  private readonly counterView: Int32Array;
  private operationTimeoutMs = OPERATION_TIMEOUT_MS;

  private constructor(module: WebAssembly.Module, threads: number) {
    this.threads = threads;
    this.memory = new WebAssembly.Memory({ initial: 16, maximum: MAX_PAGES, shared: true });
    const imports = {
      env: {
        memory: this.memory,
        abort() {
          throw new Error('abort');
        },
      },
    };
    this.exports = new WebAssembly.Instance(module, imports).exports as unknown as Exports;
    // The work counter of the parallel operations (take in kernels/assembly/encoder.ts), in its own
    // 64-byte line; the view stays valid when the memory grows (it is at the bottom).
    this.counter = this.alloc(16).ptr;
    this.counterView = new Int32Array(this.memory.buffer, this.counter, 1);
    this.fns = PARALLEL.map((name) => this.exports[name] as (...args: number[]) => void);
    const shared = new SharedArrayBuffer(64 + 8 * MAX_ARGS);
    this.control = new Int32Array(shared, 0, 16);
    this.args = new Float64Array(shared, 64, MAX_ARGS);
    for (let part = 1; part < threads; part++) {
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: {
          module,
          memory: this.memory,
          control: shared,
          part,
          parts: threads,
          ops: [...PARALLEL],
        },
      });
      // The workers never keep the process alive; they end with it (or stop()).
      worker.unref();
      this.workers.push(worker);
    }
  }

  /**
   * Compiles and starts the kernels with `threads` threads (the caller plus threads − 1 workers). Throws
   * when the file is missing or the runtime lacks WebAssembly SIMD, threads or shared memory, or when a
   * worker does not start within `startTimeoutMs`. An operation whose parts are not all done within
   * `operationTimeoutMs` (a worker thread died) throws and stops the engine.
   */
  static load(
    file: string,
    threads = 1,
    startTimeoutMs = 20000,
    operationTimeoutMs = OPERATION_TIMEOUT_MS,
  ): KernelEngine {
    const bytes = fs.readFileSync(file);
    if (!WebAssembly.validate(bytes)) {
      throw new Error(`${file} is not WebAssembly this runtime accepts (it needs SIMD and threads)`);
    }
    const engine = new KernelEngine(new WebAssembly.Module(bytes), Math.max(1, Math.floor(threads)));
    engine.operationTimeoutMs = operationTimeoutMs;
    const deadline = Date.now() + startTimeoutMs;
    for (;;) {
      const ready = Atomics.load(engine.control, READY);
      if (ready >= engine.workers.length) break;
      const left = deadline - Date.now();
      if (left <= 0 || Atomics.wait(engine.control, READY, ready, left) === 'timed-out') {
        engine.stop();
        throw new Error(`the kernel worker threads did not start within ${startTimeoutMs} ms`);
      }
    }
    return engine;
  }

  get stoppedAlready(): boolean {
    return this.stopped;
  }

  /** Ends the worker threads; the engine can no longer run. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.workers.length) {
      Atomics.store(this.control, OP, QUIT);
      Atomics.add(this.control, GEN, 1);
      Atomics.notify(this.control, GEN);
      for (const w of this.workers) void w.terminate();
    }
  }

  // ---- memory ----

  /** Bytes currently reserved in the kernels' memory (weights and buffers). */
  get reservedBytes(): number {
    return this.top - HEAP_START - this.free.reduce((n, f) => n + f.end - f.start, 0);
  }

  /** Reserves `floats` floats (64-byte aligned, contents unspecified). */
  alloc(floats: number): Region {
    const bytes = Math.max(ALIGN, Math.ceil((floats * 4) / ALIGN) * ALIGN);
    for (let i = 0; i < this.free.length; i++) {
      const f = this.free[i]!;
      if (f.end - f.start >= bytes) {
        const ptr = f.start;
        f.start += bytes;
        if (f.start === f.end) this.free.splice(i, 1);
        return { ptr, length: floats };
      }
    }
    const ptr = this.top;
    const end = ptr + bytes;
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      const pages = Math.ceil((end - have) / PAGE);
      if (have / PAGE + pages > MAX_PAGES) {
        throw new RangeError(
          `the kernels' memory cannot grow to ${(end / 2 ** 30).toFixed(1)} GiB (4 GiB at most)`,
        );
      }
      this.memory.grow(pages);
    }
    this.top = end;
    return { ptr, length: floats };
  }

  release(region: Region): void {
    const start = region.ptr;
    const end = start + Math.max(ALIGN, Math.ceil((region.length * 4) / ALIGN) * ALIGN);
    let i = 0;
    while (i < this.free.length && this.free[i]!.start < start) i++;
    this.free.splice(i, 0, { start, end });
    // Merge with the neighbours, and give the tail back to `top`.
    const merged: { start: number; end: number }[] = [];
    for (const f of this.free) {
      const last = merged.at(-1);
      if (last && last.end === f.start) last.end = f.end;
      else merged.push({ ...f });
    }
    const tail = merged.at(-1);
    if (tail && tail.end === this.top) {
      this.top = tail.start;
      merged.pop();
    }
    this.free = merged;
  }

  /** A float32 view of a region (valid until the memory next grows: use it at once). */
  view(region: Region, offset = 0, length = region.length - offset): Float32Array {
    return new Float32Array(this.memory.buffer, region.ptr + offset * 4, length);
  }

  write(region: Region, data: ArrayLike<number>, offset = 0): void {
    this.view(region, offset, data.length).set(data);
  }

  /** A copy of `length` floats of a region. */
  read(region: Region, offset = 0, length = region.length - offset): Float32Array {
    return this.view(region, offset, length).slice();
  }

  // ---- operations ----

  /** Floats of a K × N matrix once packed. */
  packedSize(K: number, N: number): number {
    return this.exports.packedSize(K, N);
  }

  /** Packs a row-major K × N matrix already in the memory (row stride `ld`) into `dst`. */
  pack(src: number, ld: number, K: number, N: number, dst: Region): void {
    this.exports.pack(src, ld, K, N, dst.ptr);
  }

  packTransposed(src: number, ld: number, K: number, N: number, dst: Region): void {
    this.exports.packTransposed(src, ld, K, N, dst.ptr);
  }

  activation(x: Region, out: Region, n: number, act: number): void {
    this.exports.activation(x.ptr, out.ptr, n, act);
  }

  softmaxRows(
    x: Region,
    ld: number,
    rows: number,
    n: number,
    scale: number,
    adder: Region | undefined,
  ): void {
    this.exports.softmaxRows(x.ptr, ld, rows, n, scale, adder?.ptr ?? 0);
  }

  /** Floats of scratch gemm needs for all threads. */
  gemmScratch(): number {
    return this.exports.gemmScratch() * this.threads;
  }

  attentionScratch(S: number, d: number): number {
    return this.exports.attentionScratch(S, d) * this.threads;
  }

  /**
   * c[M × N] = act(a · b + bias) + res with `b` packed; row strides in floats; addresses in bytes (0 for
   * no bias or residual). `scratch`: gemmScratch() floats.
   */
  gemm(o: {
    a: number;
    lda: number;
    b: number;
    K: number;
    N: number;
    bias?: number;
    res?: number;
    ldr?: number;
    c: number;
    ldc: number;
    M: number;
    act?: number;
    scratch: number;
    /** The name this product is profiled under (default gemm). */
    label?: string;
  }): void {
    this.parallel(
      'gemm',
      [
        o.a,
        o.lda,
        o.b,
        o.K,
        o.N,
        o.bias ?? 0,
        o.res ?? 0,
        o.ldr ?? 0,
        o.c,
        o.ldc,
        o.M,
        o.act ?? 0,
        o.scratch,
      ],
      o.label,
    );
  }

  layerNorm(x: number, out: number, gamma: number, beta: number, M: number, H: number, eps: number): void {
    this.parallel('layerNorm', [x, out, gamma, beta, M, H, eps]);
  }

  attention(o: {
    qkv: number;
    ld: number;
    H: number;
    adder: number;
    ctx: number;
    ldc: number;
    probs?: number;
    B: number;
    S: number;
    A: number;
    d: number;
    scale: number;
    scratch: number;
  }): void {
    this.parallel('attention', [
      o.qkv,
      o.ld,
      o.H,
      o.adder,
      o.ctx,
      o.ldc,
      o.probs ?? 0,
      o.B,
      o.S,
      o.A,
      o.d,
      o.scale,
      o.scratch,
    ]);
  }

  /** Runs `op` on every thread, part 0 here; returns when all parts are done. */
  private parallel(op: Parallel, args: number[], label: string = op): void {
    if (!this.profile) return this.run(op, args);
    const t0 = performance.now();
    this.ownDone = t0;
    this.run(op, args);
    const t1 = performance.now();
    const entry = this.profile.get(label) ?? { calls: 0, ms: 0, waitMs: 0 };
    entry.calls++;
    entry.ms += t1 - t0;
    entry.waitMs += t1 - this.ownDone;
    this.profile.set(label, entry);
  }

  /** performance.now() when this thread finished its own part of the last operation (profiling only). */
  private ownDone = 0;

  private run(op: Parallel, opArgs: number[]): void {
    if (this.stopped) throw new Error('the WebAssembly kernels were stopped');
    const fn = this.fns[PARALLEL.indexOf(op)]!;
    // Every thread takes work items from the counter until none is left.
    Atomics.store(this.counterView, 0, 0);
    const args = [...opArgs, this.counter];
    if (this.workers.length === 0) {
      fn(...args, 0, 1);
      if (this.profile) this.ownDone = performance.now();
      return;
    }
    const ctl = this.control;
    this.args.set(args);
    ctl[ARGC] = args.length;
    Atomics.store(ctl, OP, PARALLEL.indexOf(op));
    Atomics.store(ctl, ERROR, 0);
    Atomics.store(ctl, PENDING, this.workers.length);
    Atomics.add(ctl, GEN, 1);
    Atomics.notify(ctl, GEN);
    let failure: unknown;
    try {
      fn(...args, 0, this.threads);
    } catch (error) {
      failure = error;
    }
    if (this.profile) this.ownDone = performance.now();
    // A worker that died outright (its exit event cannot arrive while this thread waits) would leave
    // its part pending forever: past a bound far above any operation's time, the engine stops.
    const deadline = Date.now() + this.operationTimeoutMs;
    for (;;) {
      const pending = Atomics.load(ctl, PENDING);
      if (pending === 0) break;
      const left = deadline - Date.now();
      if (left <= 0 || Atomics.wait(ctl, PENDING, pending, left) === 'timed-out') {
        if (Atomics.load(ctl, PENDING) === 0) break;
        this.stop();
        throw new Error(
          `a WebAssembly kernel thread did not finish ${op} within ${this.operationTimeoutMs / 1000} s; the kernels were stopped`,
        );
      }
    }
    if (failure) throw failure;
    if (Atomics.load(ctl, ERROR)) throw new Error(`a WebAssembly kernel thread failed in ${op}`);
  }
}
