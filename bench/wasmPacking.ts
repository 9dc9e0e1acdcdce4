// The second weight copy of the wasm backend, measured: tfjs-backend-wasm's fused matMul hands each weight matrix to
// XNNPACK, which packs it into its own buffer on first use and caches the operator by (weight tensor id, bias tensor
// id, activation) — not by the input's shape — so the float32 source in the wasm heap is never read again by that
// matMul. BERT-large's dense kernels (24 layers × 4 × 1024², 2 × 1024×4096: 1152 MB) in three ways, each in a fresh
// process: packed after the whole upload with the sources kept (what the engine does today), sources freed after
// packing, and upload → pack → free interleaved per kernel. Each prints its peak RSS and a checksum of every kernel's
// product with one input, which must agree across the three (the freed sources were not read).
// An experiment, not the engine: freeing reaches into the backend's private state (dataIdMap, the module's _free),
// and a freed kernel must never be read by anything but that cached matMul (a transposed use or readSync would read
// freed memory). Run: node out/bench/wasmPacking.js
import { fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/core/inference';

type Mode = 'keep' | 'free-after' | 'interleaved';
const MODES: readonly Mode[] = ['keep', 'free-after', 'interleaved'];

interface Report {
  readonly mode: Mode;
  readonly start: number;
  readonly uploaded: number;
  readonly peak: number;
  readonly checksum: number;
  readonly kernelMb: number;
}

interface WasmInternals {
  readonly dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  readonly wasm: { _free(pointer: number): void };
}

function peakMb(): number {
  const m = /VmHWM:\s+(\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function measure(mode: Mode): Promise<Report> {
  await initBackend('wasm', { threads: 1 });
  const backend = tf.backend() as unknown as WasmInternals;
  const shapes: [number, number][] = [];
  for (let layer = 0; layer < 24; layer++)
    shapes.push([1024, 1024], [1024, 1024], [1024, 1024], [1024, 1024], [1024, 4096], [4096, 1024]);
  const host = Float32Array.from({ length: 4096 * 1024 }, (_, i) => Math.sin(i) * 0.02);
  const start = peakMb();
  // One 1-row fused matMul, as the encoder's dense layers call it: XNNPACK packs the kernel and caches the operator.
  const pack = (kernel: tf.Tensor2D, bias: tf.Tensor1D) =>
    tf.tidy(() => tf.fused.matMul({ a: tf.ones([1, kernel.shape[0]]), b: kernel, bias }).dataSync());
  const free = (kernel: tf.Tensor) => {
    const data = backend.dataIdMap.get(kernel.dataId);
    if (!data) throw new Error('not a wasm tensor');
    backend.wasm._free(data.memoryOffset);
    data.memoryOffset = 0; // dispose frees it again: free(0) does nothing
  };
  const kept: [tf.Tensor2D, tf.Tensor1D][] = [];
  for (const [rows, cols] of shapes) {
    const kernel = tf.tensor2d(host.subarray(0, rows * cols), [rows, cols]);
    const bias = tf.tensor1d(host.subarray(0, cols));
    kept.push([kernel, bias]);
    if (mode === 'interleaved') {
      pack(kernel, bias);
      free(kernel);
    }
  }
  const uploaded = peakMb();
  if (mode !== 'interleaved') {
    for (const [kernel, bias] of kept) {
      pack(kernel, bias);
      if (mode === 'free-after') free(kernel);
    }
  }
  const peak = peakMb();
  let checksum = 0;
  for (const [kernel, bias] of kept) {
    const x = tf.tensor2d(host.subarray(7, 7 + 2 * kernel.shape[0]), [2, kernel.shape[0]]);
    const y = tf.fused.matMul({ a: x, b: kernel, bias });
    const values = y.dataSync();
    for (let i = 0; i < values.length; i += 17) checksum += values[i]!;
    tf.dispose([x, y]);
  }
  const kernelMb = shapes.reduce((a, [r, c]) => a + r * c * 4, 0) / 1048576;
  return { mode, start, uploaded, peak, checksum, kernelMb };
}

function inChild(mode: Mode): Promise<Report> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, ['--child', mode], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (m) => resolve(m as Report));
    child.once('exit', (code) => reject(new Error(`${mode} child exited with ${code}`)));
  });
}

async function main(): Promise<void> {
  const reports: Report[] = [];
  for (const mode of MODES) reports.push(await inChild(mode));
  const keep = reports[0]!;
  console.log(`BERT-large dense kernels on wasm (XNNPACK), ${keep.kernelMb.toFixed(0)} MB float32:`);
  for (const r of reports) {
    console.log(
      `  ${r.mode.padEnd(12)} peak RSS ${r.start.toFixed(0)} MB at start, ${r.uploaded.toFixed(0)} MB after upload, ` +
        `${r.peak.toFixed(0)} MB after packing (${(r.peak / keep.peak).toFixed(2)}x of keep); ` +
        `checksum ${r.checksum === keep.checksum ? 'identical' : `DIFFERS (${r.checksum} vs ${keep.checksum})`}`,
    );
  }
}

if (process.argv[2] === '--child') {
  measure(process.argv[3] as Mode).then(
    (r) => process.send!(r, () => process.exit(0)),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
