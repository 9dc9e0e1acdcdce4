// Benchmark: a BERT-base-shaped forward pass (12 layers, H 768, 12 heads, FFN 3072, random weights) at seq 16,
// 128 and 512, batch 1 and 8, with our TensorFlow.js engine (each backend this process can start) against
// onnxruntime-web (WebAssembly, SIMD) and onnxruntime-node running the equivalent ONNX graph (bench/onnxGraph.ts)
// with the same threads, in one run; prints latency, GFLOP/s and ratios, checks the outputs agree, and times
// loading a generated BERT-base-sized TF1 checkpoint (discovery, read + map, upload).
// Run: node out/bench/encoder.js [--seq 16,128,512] [--batch 1,8] [--runs 3] [--threads 2] [--backends wasm,cpu] [--native PREFIX] [--memory no]
// Backends: tensorflow, wasm (the default: tfjs-backend-wasm with the encoder layers on our WebAssembly kernels),
// wasm-tfjs (every op on tfjs-backend-wasm, the fallback), cpu.
// Then the peak resident memory of loading and running BERT-large (bench/encoderMemory.ts).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  BackendUnavailableError,
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
type BenchBackend = BackendName | 'wasm-tfjs';
const wanted = arg('backends', 'tensorflow,wasm').split(',') as BenchBackend[];
const backendOf = (entry: BenchBackend): BackendName => (entry === 'wasm-tfjs' ? 'wasm' : entry);
// An installed tfjs-node (e.g. built by scripts/build-tfjs-node.sh against the TensorFlow wheel).
const nativePaths = arg('native', '') ? [arg('native', '')] : [];

const batches = arg('batch', '1,8').split(',').map(Number);
/** Untimed pause before each timed run (see the loop below). */
const SETTLE_MS = 250;

interface Row {
  engine: string;
  seq: number;
  batch: number;
  ms: number;
}

interface Peer {
  engine: string;
  run: () => Promise<Float32Array>;
  release?: () => Promise<void>;
}

type OrtNode = typeof import('onnxruntime-node');
type OrtWeb = typeof import('onnxruntime-web');

function optional<T>(name: string, load: () => T): T | undefined {
  try {
    return load();
  } catch (error) {
    console.log(`${name} unavailable: ${(error as Error).message.split('\n')[0]}`);
    return undefined;
  }
}

async function main(): Promise<void> {
  const config = bertConfig();
  const started = performance.now();
  const weights = syntheticWeights(config, { seed: 1 });
  console.log(`random BERT-base weights: ${(performance.now() - started).toFixed(0)} ms`);
  console.log(
    `load average at start: ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(', ')} (${os.cpus().length} CPUs)`,
  );
  const rows: Row[] = [];
  const outputs = new Map<string, { ours?: Float32Array; ort?: Float32Array }>();

  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ortNode = optional('onnxruntime-node', () => require('onnxruntime-node') as OrtNode);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ortWeb = optional('onnxruntime-web', () => require('onnxruntime-web') as OrtWeb);
  if (ortWeb) {
    // WebAssembly (SIMD) with the same threads as ours.
    ortWeb.env.wasm.numThreads = threads;
    ortWeb.env.logLevel = 'error';
  }
  // The onnxruntime peers run beside the wasm backend (or the first one that starts).
  let peersTimed = false;
  // The machine is shared: peers are timed in turns (ours, onnxruntime-web, onnxruntime-node, again …)
  // so that load changes hit all of them alike; medians are reported.
  for (const entry of wanted) {
    const name = backendOf(entry);
    // A backend asked for by name that cannot start is an error (no silent downgrade): here, a row skipped.
    const choice = await initBackend(name, { threads, nativePaths, kernels: entry !== 'wasm-tfjs' }).catch(
      (error: unknown) => {
        if (!(error instanceof BackendUnavailableError)) throw error;
        console.log(`${name}: not available (${error.reason})`);
        return undefined;
      },
    );
    if (!choice) continue;
    if (choice.name !== name) {
      console.log(`${name}: not available (${choice.fallbacks.join('; ')})`);
      continue;
    }
    if (choice.warning) console.log(choice.warning);
    const withOrt: boolean = !peersTimed && (name === 'wasm' || !wanted.includes('wasm'));
    peersTimed ||= withOrt;
    const model = new EncoderModel(weights);
    for (const seq of seqs) {
      for (const batch of batches) {
        const n = batch * seq;
        const inputIds = Int32Array.from({ length: n }, (_, i) => (i * 7919) % config.vocabSize);
        const peers: Peer[] = [
          {
            engine: `ours ${choice.label}`,
            run: async () => (await model.run({ batch, seqLength: seq, inputIds })).sequence,
          },
        ];
        const graph = withOrt && (ortNode || ortWeb) ? buildEncoderOnnx(weights, seq, batch) : undefined;
        const ids64 = BigInt64Array.from(inputIds, (v) => BigInt(v));
        const positions64 = BigInt64Array.from({ length: n }, (_, i) => BigInt(i % seq));
        for (const [label, ort] of [
          ['onnxruntime-web (wasm SIMD)', ortWeb],
          ['onnxruntime-node', ortNode],
        ] as const) {
          if (!graph || !ort) continue;
          const feeds = {
            input_ids: new ort.Tensor('int64', ids64, [batch, seq]),
            type_ids: new ort.Tensor('int64', new BigInt64Array(n), [batch, seq]),
            position_ids: new ort.Tensor('int64', positions64, [batch, seq]),
            mask_adder: new ort.Tensor('float32', new Float32Array(n), [batch, 1, 1, seq]),
          };
          const t0 = performance.now();
          const session = await (ort as OrtNode).InferenceSession.create(graph, {
            executionProviders: [label === 'onnxruntime-node' ? 'cpu' : 'wasm'],
            intraOpNumThreads: threads,
            interOpNumThreads: 1,
          });
          console.log(
            `${label} seq ${seq} batch ${batch}: session created in ${(performance.now() - t0).toFixed(0)} ms`,
          );
          peers.push({
            engine: `${label} ${threads} thread${threads > 1 ? 's' : ''}`,
            run: async () => (await session.run(feeds as never)).sequence!.data as Float32Array,
            release: () => session.release(),
          });
        }
        const times = peers.map(() => [] as number[]);
        const last: Float32Array[] = [];
        for (const [i, p] of peers.entries()) last[i] = await p.run(); // warm-up
        for (let r = 0; r < runs; r++) {
          for (const [i, p] of peers.entries()) {
            // onnxruntime-node's threads keep spinning for a while after its run: started at once, the next
            // peer (ours, in turn order) measured 15–20% slower at seq 16. Each peer starts on a settled machine.
            await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
            const t = performance.now();
            last[i] = await p.run();
            times[i]!.push(performance.now() - t);
          }
        }
        for (const [i, p] of peers.entries()) {
          const sorted = [...times[i]!].sort((a, b) => a - b);
          const ms = sorted[Math.floor(sorted.length / 2)]!;
          rows.push({ engine: p.engine, seq, batch, ms });
          const gflops = encoderMatmulFlops(config, seq, batch) / 1e9 / (ms / 1000);
          console.log(
            `${p.engine} seq ${seq} batch ${batch}: ${ms.toFixed(1)} ms, ${gflops.toFixed(1)} GFLOP/s`,
          );
          await p.release?.();
        }
        for (let i = 1; i < peers.length; i++) {
          outputs.set(`seq ${seq} batch ${batch}: ours vs ${peers[i]!.engine}`, {
            ours: last[0],
            ort: last[i],
          });
        }
      }
    }
    model.dispose();
  }

  const peerOf = (r: Row, prefix: string) =>
    rows.find((p) => p.engine.startsWith(prefix) && p.seq === r.seq && p.batch === r.batch);
  console.log(
    `\nengine | seq | batch | latency ms | GFLOP/s | × onnxruntime-web | × onnxruntime-node (${threads} threads; the machine is shared, load average ${os.loadavg()[0]!.toFixed(1)})`,
  );
  for (const r of rows) {
    const web = peerOf(r, 'onnxruntime-web');
    const native = peerOf(r, 'onnxruntime-node');
    const gflops = encoderMatmulFlops(config, r.seq, r.batch) / 1e9 / (r.ms / 1000);
    console.log(
      `${r.engine} | ${r.seq} | ${r.batch} | ${r.ms.toFixed(1)} | ${gflops.toFixed(1)} | ${web ? (r.ms / web.ms).toFixed(2) : '-'} | ${native ? (r.ms / native.ms).toFixed(2) : '-'}`,
    );
  }
  for (const [what, o] of outputs) {
    if (!o.ours || !o.ort) continue;
    let max = 0;
    for (let i = 0; i < o.ours.length; i++) max = Math.max(max, Math.abs(o.ours[i]! - o.ort[i]!));
    console.log(`${what}: max |Δ| over the sequence output = ${max.toExponential(2)}`);
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
      `\nBERT-base-sized checkpoint (${(bytes / 1e6).toFixed(0)} MB): discover + read + map ${(t1 - t0).toFixed(0)} ms, upload to ${(await initBackend(backendOf(wanted.at(-1)!), { threads })).name} ${(t2 - t1).toFixed(0)} ms, total ${(t2 - t0).toFixed(0)} ms`,
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
