// Benchmark: load the BERT-base-sized checkpoint in the real BERT v3 tarball layout (written by the
// Model Garden's own code: test/oracle/generate.py, artifact bert_base_layout) the way Run Model does:
// discover, read with CRC checks, map to the canonical weights, upload to the backend. Peers in one run:
// TensorFlow reading every tensor of the same checkpoint (the oracle venv's Python, timed inside Python),
// and a plain read of the data shard as the I/O floor. Prints times, ratios and our peak RSS.
// Run: npm run build && npm run compile-tests && node out/bench/load.js [ARTIFACTS_DIR]
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { discoverModel } from '../src/core/checkpoint';
import { EncoderModel, initBackend, loadCheckpointWeights } from '../src/core/inference';
import { oracleVenvPython } from '../test/oracle/venvPath';

const repo = path.resolve(__dirname, '..', '..');
const dir = path.join(process.argv[2] ?? path.join(repo, 'test', 'oracle', '.artifacts'), 'bert_base_layout');
const python = oracleVenvPython();

/** Peak resident set size of this process so far (VmHWM), in MB. */
function peakRssMb(): number {
  const status = fs.readFileSync('/proc/self/status', 'utf8');
  const m = /VmHWM:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) / 1024 : process.memoryUsage().rss / 2 ** 20;
}

async function ours(): Promise<number> {
  const start = performance.now();
  const loaded = await loadCheckpointWeights(dir, {});
  const model = new EncoderModel(loaded.weights);
  const ms = performance.now() - start;
  model.dispose();
  return ms;
}

function tensorflowMs(prefix: string): number | undefined {
  if (!fs.existsSync(python)) return undefined;
  const script = [
    'import time, sys, os',
    'os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"',
    'import tensorflow as tf',
    't = time.perf_counter()',
    'r = tf.train.load_checkpoint(sys.argv[1])',
    'n = sum(r.get_tensor(k).size for k in r.get_variable_to_shape_map() if k != "_CHECKPOINTABLE_OBJECT_GRAPH")',
    'print((time.perf_counter() - t) * 1000)',
  ].join('\n');
  const run = spawnSync(python, ['-c', script, prefix], { encoding: 'utf8' });
  return run.status === 0 ? Number(run.stdout.trim().split('\n').pop()) : undefined;
}

async function main(): Promise<void> {
  if (!fs.existsSync(dir)) {
    console.error(`${dir} is missing: run npm run test:oracle (or python test/oracle/generate.py) first`);
    process.exit(2);
  }
  const found = await discoverModel(dir);
  const prefix = found.checkpoint!.prefix;
  const data = `${prefix}.data-00000-of-00001`;
  const bytes = fs.statSync(data).size;
  await initBackend('wasm');
  const rssBefore = peakRssMb();
  const runs = 3;
  const mine: number[] = [];
  for (let i = 0; i < runs; i++) mine.push(await ours());
  const rssPeak = peakRssMb();
  const plain: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fs.readFileSync(data);
    plain.push(performance.now() - t);
  }
  const tf: number[] = [];
  for (let i = 0; i < runs; i++) {
    const ms = tensorflowMs(prefix);
    if (ms !== undefined) tf.push(ms);
  }
  const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
  const m = median(mine);
  console.log(
    `BERT-base real layout: ${(bytes / 2 ** 20).toFixed(0)} MB data shard, ${runs} runs each (median)`,
  );
  console.log(`  ours: discover + read (CRC) + map + upload (wasm)  ${m.toFixed(0)} ms`);
  console.log(
    `  peak RSS: ${rssPeak.toFixed(0)} MB (${rssBefore.toFixed(0)} MB before loading; weights ${(bytes / 2 ** 20).toFixed(0)} MB)`,
  );
  console.log(
    `  plain read of the data shard                       ${median(plain).toFixed(0)} ms  ratio ours/plain ${(m / median(plain)).toFixed(2)}×`,
  );
  if (tf.length) {
    console.log(
      `  TensorFlow load_checkpoint + get_tensor (all)      ${median(tf).toFixed(0)} ms  ratio ours/TF ${(m / median(tf)).toFixed(2)}×`,
    );
  } else console.log(`  TensorFlow peer skipped: no oracle venv at ${python} (bash scripts/setup-oracle.sh)`);
}

void main().then(() => process.exit(0));
