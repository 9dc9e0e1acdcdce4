// Benchmark: a BERT-base-shaped forward pass (12 layers, H 768, 12 heads, FFN 3072, batch 1, random
// weights) at seq 16, 128 and 512 with our TensorFlow.js engine (each backend this process can
// start) against onnxruntime-node running the equivalent ONNX graph (built by bench/onnxGraph.ts),
// in one run; prints latency, ratio to onnxruntime and GFLOP/s, checks the outputs agree, and times
// loading a generated BERT-base-sized TF1 checkpoint (discovery, read + map, upload).
// Run: node out/bench/encoder.js [--seq 16,128,512] [--runs 3] [--threads 2] [--backends wasm,cpu] [--native PREFIX] [--memory no]
// Then the peak resident memory of loading and running BERT-large (bench/encoderMemory.ts).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  EncoderModel,
  bertConfig,
  encoderMatmulFlops,
  initBackend,
  loadCheckpointWeights,
  stopWasmThreads,
  syntheticWeights,
  type BackendName,
} from '../src/core/inference';
import { writeTf1Checkpoint } from '../test/support/tf1Checkpoint';
import { formatMemory, measureInChild } from './encoderMemory';
import { buildEncoderOnnx } from './onnxGraph';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

const seqs = arg('seq', '16,128,512').split(',').map(Number);
const runs = Number(arg('runs', '3'));
const threads = Number(arg('threads', String(Math.min(4, os.availableParallelism()))));
const wanted = arg('backends', 'tensorflow,wasm').split(',') as BackendName[];
// An installed tfjs-node (e.g. built by scripts/build-tfjs-node.sh against the TensorFlow wheel).
const nativePaths = arg('native', '') ? [arg('native', '')] : [];

interface Row {
  engine: string;
  seq: number;
  ms: number;
}

async function main(): Promise<void> {
  const config = bertConfig();
  const started = performance.now();
  const weights = syntheticWeights(config, { seed: 1 });
  console.log(`random BERT-base weights: ${(performance.now() - started).toFixed(0)} ms`);
  const rows: Row[] = [];
  const outputs = new Map<number, { ours?: Float32Array; ort?: Float32Array }>();

  type Ort = typeof import('onnxruntime-node');
  let ort: Ort | undefined;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    ort = require('onnxruntime-node') as Ort;
  } catch (error) {
    console.log(`onnxruntime-node unavailable: ${(error as Error).message.split('\n')[0]}`);
  }
  // The machine is shared: peers are timed in turns (ours, onnxruntime 2 threads, 1 thread, again …)
  // so that load changes hit all of them alike; medians are reported.
  for (const name of wanted) {
    const choice = await initBackend(name, { threads, nativePaths });
    if (choice.name !== name) {
      console.log(`${name}: not available (${choice.fallbacks.join('; ')})`);
      continue;
    }
    const model = new EncoderModel(weights);
    for (const seq of seqs) {
      const inputIds = Int32Array.from({ length: seq }, (_, i) => (i * 7919) % config.vocabSize);
      const peers: { engine: string; run: () => Promise<Float32Array>; release?: () => Promise<void> }[] = [
        {
          engine: `tfjs ${choice.label}`,
          run: async () => (await model.run({ batch: 1, seqLength: seq, inputIds })).sequence,
        },
      ];
      if (ort) {
        const graph = buildEncoderOnnx(weights, seq);
        const feeds = {
          input_ids: new ort.Tensor(
            'int64',
            BigInt64Array.from(inputIds, (v) => BigInt(v)),
            [1, seq],
          ),
          type_ids: new ort.Tensor('int64', new BigInt64Array(seq), [1, seq]),
          position_ids: new ort.Tensor(
            'int64',
            BigInt64Array.from({ length: seq }, (_, i) => BigInt(i)),
            [1, seq],
          ),
          mask_adder: new ort.Tensor('float32', new Float32Array(seq), [1, 1, 1, seq]),
        };
        for (const intra of [2, 1]) {
          const t0 = performance.now();
          const session = await ort.InferenceSession.create(graph, {
            intraOpNumThreads: intra,
            interOpNumThreads: 1,
          });
          console.log(
            `onnxruntime-node ${intra}t seq ${seq}: session created in ${(performance.now() - t0).toFixed(0)} ms`,
          );
          peers.push({
            engine: `onnxruntime-node ${intra} thread${intra > 1 ? 's' : ''}`,
            run: async () => (await session.run(feeds)).sequence!.data as Float32Array,
            release: () => session.release(),
          });
        }
      }
      const times = peers.map(() => [] as number[]);
      const last: Float32Array[] = [];
      for (const [i, p] of peers.entries()) last[i] = await p.run(); // warm-up
      for (let r = 0; r < runs; r++) {
        for (const [i, p] of peers.entries()) {
          const t = performance.now();
          last[i] = await p.run();
          times[i]!.push(performance.now() - t);
        }
      }
      for (const [i, p] of peers.entries()) {
        const sorted = [...times[i]!].sort((a, b) => a - b);
        const ms = sorted[Math.floor(sorted.length / 2)]!;
        rows.push({ engine: p.engine, seq, ms });
        console.log(`${p.engine} seq ${seq}: ${ms.toFixed(1)} ms`);
        await p.release?.();
      }
      if (peers.length > 1) outputs.set(seq, { ours: last[0], ort: last[1] });
    }
    model.dispose();
  }

  console.log('\nengine | seq | latency ms | × onnxruntime 2 threads | GFLOP/s');
  for (const r of rows) {
    const peer = rows.find((p) => p.engine === 'onnxruntime-node 2 threads' && p.seq === r.seq);
    const gflops = encoderMatmulFlops(config, r.seq) / 1e9 / (r.ms / 1000);
    console.log(
      `${r.engine} | ${r.seq} | ${r.ms.toFixed(1)} | ${peer ? (r.ms / peer.ms).toFixed(2) : '-'} | ${gflops.toFixed(1)}`,
    );
  }
  for (const [seq, o] of outputs) {
    if (!o.ours || !o.ort) continue;
    let max = 0;
    for (let i = 0; i < o.ours.length; i++) max = Math.max(max, Math.abs(o.ours[i]! - o.ort[i]!));
    console.log(`seq ${seq}: max |ours − onnxruntime| over the sequence output = ${max.toExponential(2)}`);
  }

  // Loading a generated BERT-base-sized checkpoint.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-bench-ckpt-'));
  try {
    const vocab = Array.from({ length: config.vocabSize }, (_, i) =>
      i < 5 ? ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'][i]! : `w${i}`,
    );
    await writeTf1Checkpoint(dir, weights, vocab);
    const t0 = performance.now();
    const loaded = await loadCheckpointWeights(dir, {});
    const t1 = performance.now();
    const model = new EncoderModel(loaded.weights);
    const t2 = performance.now();
    model.dispose();
    const bytes = fs.readdirSync(dir).reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0);
    console.log(
      `\nBERT-base-sized checkpoint (${(bytes / 1e6).toFixed(0)} MB): discover + read + map ${(t1 - t0).toFixed(0)} ms, upload to ${(await initBackend(wanted.at(-1)!, { threads })).name} ${(t2 - t1).toFixed(0)} ms, total ${(t2 - t0).toFixed(0)} ms`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  stopWasmThreads();

  // Peak memory of BERT-large, each configuration in its own process.
  if (arg('memory', 'yes') !== 'no') {
    console.log('');
    const released = await measureInChild(true, 128);
    console.log(formatMemory(released));
    const kept = await measureInChild(false, 128);
    console.log(formatMemory(kept));
    console.log(
      `peak after upload: ${released.uploaded.toFixed(0)} MB released vs ${kept.uploaded.toFixed(0)} MB kept (${(released.uploaded / kept.uploaded).toFixed(2)}×)`,
    );
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
