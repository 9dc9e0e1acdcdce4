// Peak memory of loading and running BERT-large (24 layers, H 1024, 16 heads, FFN 4096, random weights in the
// real layout) on the wasm backend, measured in a fresh process per configuration: the process's resident
// peak (VmHWM) after generating the weights, after uploading them, and after a forward pass, and what stays
// resident after a garbage collection (one copy of the weights, in the kernels' memory, when nothing else is kept). Run by
// bench/encoder.ts; by itself: node out/bench/encoderMemory.js [--release|--keep] [--seq 128]
// The forward pass adds about the dense kernels' size again: tfjs-backend-wasm's XNNPACK matmul packs each
// weight matrix into its own cached layout on first use (measured: 40 × 16 MB kernels grow the heap by 673 MB).
import { fork } from 'node:child_process';
import * as fs from 'node:fs';
import {
  EncoderModel,
  bertConfig,
  initBackend,
  stopWasmThreads,
  syntheticWeights,
} from '../src/core/inference';

export interface MemoryReport {
  readonly release: boolean;
  readonly seq: number;
  /** MB: resident before loading, peak after the weights exist, after upload, after the forward pass. */
  readonly baseline: number;
  readonly weights: number;
  readonly uploaded: number;
  readonly ran: number;
  /** MB resident after the forward pass and a full garbage collection: what stays alive. */
  readonly settled: number;
  readonly weightMb: number;
  readonly runMs: number;
}

function status(key: 'VmRSS' | 'VmHWM'): number {
  const text = fs.readFileSync('/proc/self/status', 'utf8');
  const m = new RegExp(`${key}:\\s+(\\d+)`).exec(text);
  return m ? Number(m[1]) / 1024 : NaN;
}

async function measure(release: boolean, seq: number): Promise<MemoryReport> {
  await initBackend('wasm', { threads: 1 });
  const baseline = status('VmHWM');
  const config = bertConfig({ hiddenSize: 1024, numLayers: 24, numHeads: 16, intermediateSize: 4096 });
  let weights: ReturnType<typeof syntheticWeights> | undefined = syntheticWeights(config, { seed: 1 });
  let floats = 0;
  const count = (node: unknown): void => {
    if (node instanceof Float32Array) floats += node.length;
    else if (node && typeof node === 'object') for (const v of Object.values(node)) count(v);
  };
  count(weights);
  const afterWeights = status('VmHWM');
  const model = new EncoderModel(weights, { release });
  const uploaded = status('VmHWM');
  weights = undefined;
  const inputIds = Int32Array.from({ length: seq }, (_, i) => (i * 7919) % config.vocabSize);
  const t0 = performance.now();
  await model.run({ batch: 1, seqLength: seq, inputIds });
  const runMs = performance.now() - t0;
  const ran = status('VmHWM');
  (globalThis as { gc?: () => void }).gc?.();
  const settled = status('VmRSS');
  model.dispose();
  stopWasmThreads();
  return {
    release,
    seq,
    baseline,
    weights: afterWeights,
    uploaded,
    ran,
    settled,
    weightMb: (floats * 4) / 1048576,
    runMs,
  };
}

/** Runs one configuration in a child process (so that each peak is its own) and returns its report. */
export function measureInChild(release: boolean, seq: number): Promise<MemoryReport> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, [release ? '--release' : '--keep', '--seq', String(seq), '--child'], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      execArgv: [...process.execArgv, '--expose-gc'],
    });
    child.once('message', (m) => resolve(m as MemoryReport));
    child.once('exit', (code) => reject(new Error(`memory child exited with ${code}`)));
  });
}

export function formatMemory(r: MemoryReport): string {
  return (
    `BERT-large wasm, ${r.release ? 'host arrays released during upload' : 'host arrays kept until upload ends'}: ` +
    `weights ${r.weightMb.toFixed(0)} MB; peak RSS ${r.baseline.toFixed(0)} MB at start, ${r.weights.toFixed(0)} MB with the host weights, ` +
    `${r.uploaded.toFixed(0)} MB after upload, ${r.ran.toFixed(0)} MB after a seq-${r.seq} forward pass (${r.runMs.toFixed(0)} ms); ` +
    `resident after a garbage collection ${r.settled.toFixed(0)} MB (${(r.settled / r.weightMb).toFixed(2)}× the weights)`
  );
}

if (require.main === module) {
  const seqAt = process.argv.indexOf('--seq');
  const seq = seqAt >= 0 ? Number(process.argv[seqAt + 1]) : 128;
  const release = !process.argv.includes('--keep');
  if (process.argv.includes('--child')) {
    measure(release, seq).then(
      (r) => process.send!(r, () => process.exit(0)),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  } else {
    measureInChild(release, seq).then(
      (r) => console.log(formatMemory(r)),
      (error: unknown) => {
        console.error(error);
        process.exitCode = 1;
      },
    );
  }
}
