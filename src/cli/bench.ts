import * as os from 'node:os';
import { parseArgs } from 'node:util';
import {
  BACKEND_PREFERENCES,
  EncoderModel,
  bertConfig,
  encoderMatmulFlops,
  initBackend,
  isBackendPreference,
  stopWasmThreads,
  syntheticWeights,
} from '../core/inference';
import { UsageError, type CliIo } from './io';

export const usage =
  'model-garden bench [--layers 12] [--hidden 768] [--heads 12] [--intermediate 4*hidden] [--seq 128] [--batch 1] [--runs 5] [--threads N] [--backend auto|tensorflow|wasm|cpu] [--json]';

/** Largest single tensor the benchmark allocates, in float32 values (1 GiB). */
const MAX_TENSOR_VALUES = 2 ** 28;
/** Largest set of random weights, in float32 values (4 GiB). */
const MAX_WEIGHT_VALUES = 2 ** 30;

/** Refuses sizes whose tensors cannot be allocated, with the size that is too large (not "Invalid typed array length"). */
function checkBenchSize(config: ReturnType<typeof bertConfig>, batch: number, seq: number): void {
  const H = config.hiddenSize;
  const I = config.intermediateSize;
  const attention = batch * config.numHeads * seq * seq;
  const activations = batch * seq * Math.max(H, I);
  const weights =
    config.numLayers * (4 * H * H + 2 * H * I) + (config.vocabSize + config.maxPositionEmbeddings + 2) * H;
  const gb = (values: number) => `${((values * 4) / 2 ** 30).toFixed(values * 4 >= 10 * 2 ** 30 ? 0 : 1)} GB`;
  if (attention > MAX_TENSOR_VALUES) {
    throw new UsageError(
      `--seq ${seq} with --batch ${batch} and ${config.numHeads} heads needs attention scores of ` +
        `batch × heads × seq² = ${attention.toExponential(2)} values (${gb(attention)}), more than the ` +
        `${gb(MAX_TENSOR_VALUES)} one tensor may take: use a smaller --seq or --batch (BERT models use up to 512).`,
    );
  }
  if (activations > MAX_TENSOR_VALUES) {
    throw new UsageError(
      `--seq ${seq} × --batch ${batch} × width ${Math.max(H, I)} = ${activations.toExponential(2)} values ` +
        `(${gb(activations)}) in one activation, more than ${gb(MAX_TENSOR_VALUES)}: use smaller sizes.`,
    );
  }
  if (weights > MAX_WEIGHT_VALUES) {
    throw new UsageError(
      `--layers ${config.numLayers} --hidden ${H} --intermediate ${I} need ${weights.toExponential(2)} random ` +
        `weights (${gb(weights)}), more than ${gb(MAX_WEIGHT_VALUES)}: use smaller sizes.`,
    );
  }
}

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`--${name} must be a positive integer, got "${value}"`);
  return n;
}

export async function run(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      layers: { type: 'string' },
      hidden: { type: 'string' },
      heads: { type: 'string' },
      intermediate: { type: 'string' },
      seq: { type: 'string' },
      batch: { type: 'string' },
      runs: { type: 'string' },
      backend: { type: 'string', default: 'auto' },
      threads: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const backendName = values.backend!;
  if (!isBackendPreference(backendName)) {
    throw new UsageError(`Unknown backend "${backendName}". Use one of: ${BACKEND_PREFERENCES.join(', ')}`);
  }
  const hidden = positiveInt('hidden', values.hidden, 768);
  const heads = positiveInt('heads', values.heads, 12);
  if (hidden % heads !== 0) throw new UsageError(`--hidden ${hidden} is not divisible by --heads ${heads}`);
  const seq = positiveInt('seq', values.seq, 128);
  const config = bertConfig({
    hiddenSize: hidden,
    numHeads: heads,
    numLayers: positiveInt('layers', values.layers, 12),
    intermediateSize: positiveInt('intermediate', values.intermediate, hidden * 4),
    maxPositionEmbeddings: Math.max(512, seq),
  });
  const batch = positiveInt('batch', values.batch, 1);
  const runs = positiveInt('runs', values.runs, 5);
  const threads = positiveInt('threads', values.threads, Math.min(4, os.availableParallelism()));
  checkBenchSize(config, batch, seq);
  const backend = await initBackend(backendName, { threads });
  if (backend.warning) io.err(`model-garden bench: warning: ${backend.warning}`);
  const model = new EncoderModel(syntheticWeights(config, { seed: 1 }));
  try {
    const inputIds = Int32Array.from({ length: batch * seq }, (_, i) => (i * 7919) % config.vocabSize);
    const input = { batch, seqLength: seq, inputIds };
    await model.run(input); // warm-up: kernels compiled, buffers allocated
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      await model.run(input);
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)]!;
    const gflop = encoderMatmulFlops(config, seq, batch) / 1e9;
    const summary = {
      backend: backend.name,
      backendLabel: backend.label,
      fallbacks: backend.fallbacks,
      backendWarning: backend.warning,
      layers: config.numLayers,
      hidden,
      heads,
      intermediate: config.intermediateSize,
      seq,
      batch,
      runs,
      medianMs: Number(median.toFixed(2)),
      minMs: Number(times[0]!.toFixed(2)),
      gflop: Number(gflop.toFixed(3)),
      gflopPerSecond: Number((gflop / (median / 1000)).toFixed(2)),
    };
    if (values.json) io.out(JSON.stringify(summary, null, 2));
    else {
      io.out(
        `backend ${backend.label}${backend.fallbacks.length ? ` (not used: ${backend.fallbacks.join('; ')})` : ''}\n` +
          `encoder L=${config.numLayers} H=${hidden} A=${heads} FFN=${config.intermediateSize}, batch ${batch} × seq ${seq}: ` +
          `median ${summary.medianMs} ms (min ${summary.minMs} ms, ${runs} runs), ${summary.gflop} GFLOP, ${summary.gflopPerSecond} GFLOP/s`,
      );
    }
    return 0;
  } finally {
    model.dispose();
    stopWasmThreads();
  }
}
