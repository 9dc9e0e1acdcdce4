// Benchmark: read 1 M scalar events (tf.summary.scalar's shape: a float32 tensor with the
// 'scalars' plugin, four tags in turn) generated into a temp file with the test writer. Peers in one
// run: a plain read of the file (the I/O ceiling) and, when the oracle venv exists, TensorFlow's own
// summary_iterator on the same file. Target: our reader under 1 s.
// Every round reads the file with a fresh reader (cold: parsing, JIT warm-up and series growth
// included) and prints the ratio of our CPU time to the 1 s bound.
// Run: node out/bench/events.js [--events N] [--rounds R]
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ScalarRun } from '../src/core/events';
import { eventFileBytes, scalarEvent } from '../test/support/eventWriter';
import { oracleVenvPython } from '../test/oracle/venvPath';

const TAGS = ['training_loss', 'learning_rate', 'cls_accuracy', 'steps_per_second'];

async function time<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const start = process.hrtime.bigint();
  const result = await fn();
  return [Number(process.hrtime.bigint() - start) / 1e6, result];
}

function oraclePython(): string | undefined {
  const python = oracleVenvPython();
  return fs.existsSync(python) ? python : undefined;
}

async function main(): Promise<void> {
  const i = process.argv.indexOf('--events');
  const n = i > 0 ? Number(process.argv[i + 1]) : 1_000_000;
  const ri = process.argv.indexOf('--rounds');
  const rounds = ri > 0 ? Number(process.argv[ri + 1]) : 3;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-bench-events-'));
  const file = path.join(dir, 'events.out.tfevents.1700000000.bench.1.v2');
  try {
    // Generate in blocks (the writer is simple, not fast).
    const fd = fs.openSync(file, 'w');
    for (let start = 0; start < n; start += 10_000) {
      const block = [];
      for (let k = start; k < Math.min(n, start + 10_000); k++)
        block.push(scalarEvent(Math.floor(k / TAGS.length), TAGS[k % TAGS.length], 1 / (1 + k)));
      fs.writeSync(fd, eventFileBytes(block));
    }
    fs.closeSync(fd);
    const size = fs.statSync(file).size;
    console.log(`${n.toLocaleString('en-US')} scalar events, ${(size / 1e6).toFixed(1)} MB`);

    const [plainMs] = await time(() => fs.promises.readFile(file));
    const rate = (ms: number) => `${(((n / ms) * 1e3) / 1e6).toFixed(2)} M events/s`;
    console.log(`plain file read             ${plainMs.toFixed(0).padStart(5)} ms`);
    let oursMs = Infinity;
    for (let round = 1; round <= rounds; round++) {
      const cpu = process.cpuUsage();
      const [ms, run] = await time(async () => {
        const reader = new ScalarRun(dir);
        await reader.poll();
        return reader;
      });
      const used = process.cpuUsage(cpu);
      const cpuMs = (used.user + used.system) / 1000;
      oursMs = Math.min(oursMs, ms);
      const points = [...run.series.values()].reduce((a, s) => a + s.length, 0);
      if (points !== n) throw new Error(`read ${points} points, expected ${n}`);
      // On a shared machine the wall time includes waiting for a core; the CPU time is what the read costs.
      console.log(
        `ours, round ${round}: wall ${ms.toFixed(0).padStart(5)} ms, CPU ${cpuMs.toFixed(0).padStart(5)} ms  ${rate(cpuMs)}  ${(cpuMs / 1000).toFixed(2)}× the 1 s bound (CPU; wall ${(ms / 1000).toFixed(2)}×)  (load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores)`,
      );
    }

    const python = oraclePython();
    if (python) {
      const script = [
        'import sys, time, tensorflow as tf',
        't = time.perf_counter(); c = 0',
        'for e in tf.compat.v1.train.summary_iterator(sys.argv[1]):',
        '    for v in e.summary.value: c += 1',
        'print(c, (time.perf_counter() - t) * 1000)',
      ].join('\n');
      const r = spawnSync(python, ['-c', script, file], {
        encoding: 'utf8',
        env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3', CUDA_VISIBLE_DEVICES: '' },
      });
      const [count, ms] = r.stdout.trim().split(/\s+/).map(Number);
      if (r.status === 0 && count === n)
        console.log(
          `TensorFlow summary_iterator ${ms.toFixed(0).padStart(5)} ms  ${rate(ms)}  (ours, best wall, ${(ms / oursMs).toFixed(1)}× faster; it decodes the protos, we also extract the tensor scalars)`,
        );
      else console.log(`TensorFlow summary_iterator failed: ${r.stderr.slice(-500)}`);
    } else
      console.log(
        'TensorFlow summary_iterator: no oracle venv (bash scripts/setup-oracle.sh, or MODEL_GARDEN_ORACLE_PYTHON)',
      );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
