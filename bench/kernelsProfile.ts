// Where the WebAssembly kernels' time goes: a BERT-base-shaped pass over the 12 layers on the kernels alone
// (no embeddings, no TensorFlow.js), timed per operation inside the engine (KernelEngine.profile): each
// matrix product, the attention and the layer norms, with the part of each spent by the calling thread
// waiting for the others after its own share (imbalance and the hand-off between threads).
// Run: node out/bench/kernelsProfile.js [--seq 16,128] [--batch 8] [--runs 3] [--threads 2]
import * as os from 'node:os';
import { bertConfig, encoderMatmulFlops, syntheticWeights } from '../src/core/inference';
import { KernelEngine, findKernels, type OperationTiming } from '../src/core/inference/kernels/engine';
import { KernelLayers } from '../src/core/inference/kernels/layers';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

async function main(): Promise<void> {
  const seqs = arg('seq', '16,128').split(',').map(Number);
  const batches = arg('batch', '8').split(',').map(Number);
  const runs = Number(arg('runs', '3'));
  const threads = Number(arg('threads', '2'));
  const file = findKernels();
  if (!file) throw new Error('dist/wasm/mg-kernels.wasm is missing: run npm run build');
  const config = bertConfig();
  const weights = syntheticWeights(config, { seed: 1 });
  const engine = KernelEngine.load(file, threads);
  const layers = new KernelLayers(engine, config, weights.layers);
  const load = () =>
    os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(', ');
  console.log(`${threads} threads, load average at start ${load()} (${os.cpus().length} CPUs)`);
  try {
    for (const seq of seqs) {
      for (const batch of batches) {
        const M = seq * batch;
        const x = Float32Array.from({ length: M * config.hiddenSize }, (_, i) => Math.sin(i) * 0.5);
        const adder = new Float32Array(M);
        await layers.run(x, adder, batch, seq); // warm-up
        const profile = new Map<string, OperationTiming>();
        engine.profile = profile;
        const t0 = performance.now();
        for (let r = 0; r < runs; r++) await layers.run(x, adder, batch, seq);
        const total = (performance.now() - t0) / runs;
        engine.profile = undefined;
        const flops = encoderMatmulFlops(config, seq, batch);
        console.log(
          `\nseq ${seq} batch ${batch}: ${total.toFixed(1)} ms per pass over the layers, ${(flops / 1e9 / (total / 1000)).toFixed(1)} GFLOP/s (load ${load()})`,
        );
        console.log('operation | ms per pass | share | of it waiting for the other threads | calls per pass');
        let inOps = 0;
        for (const [name, t] of [...profile].sort((a, b) => b[1].ms - a[1].ms)) {
          inOps += t.ms / runs;
          console.log(
            `${name} | ${(t.ms / runs).toFixed(1)} | ${((100 * t.ms) / runs / total).toFixed(1)}% | ${(t.waitMs / runs).toFixed(1)} ms | ${t.calls / runs}`,
          );
        }
        console.log(`outside the operations (copies in and out) | ${(total - inOps).toFixed(1)}`);
      }
    }
  } finally {
    layers.dispose();
    engine.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
