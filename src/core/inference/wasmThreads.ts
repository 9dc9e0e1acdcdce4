// Multi-threaded tfjs-backend-wasm under Node (PERFORMANCE_BASELINES.md, "Notes on TensorFlow.js wasm
// in Node"). tfjs turns threads off in Node (tfjs issue #3830) because it hands Emscripten's pthread
// workers `blob:` URLs, which Node's worker_threads cannot load. Here the pthread worker script is
// written to a temporary file whose prelude points its `importScripts` at the pristine threaded glue
// shipped in the package, and the main thread's `URL.createObjectURL` returns that file for the
// worker blob while the backend initializes. Call before the wasm backend's first initialization.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { stopKernels } from './kernels';

const GLUE = 'tfjs-backend-wasm-threaded-simd.js';

function findGlue(wasmDir: string | undefined): string {
  if (wasmDir && fs.existsSync(path.join(wasmDir, GLUE))) return path.join(wasmDir, GLUE);
  return require.resolve(`@tensorflow/tfjs-backend-wasm/wasm-out/${GLUE}`);
}

let installed: string | undefined;

/**
 * Runs `init` (the backend's initialization) with the logical core count raised to twice `threads`:
 * the wasm module sizes its XNNPACK pool as cores / 2 when it starts, so a 2-vCPU machine would
 * otherwise get one thread.
 */
export async function withCoreCount<T>(threads: number, init: () => Promise<T>): Promise<T> {
  if (threads <= 1) return init();
  // The module object itself (an import namespace is read-only): Emscripten calls require("os").cpus().
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const nodeOs = require('node:os') as { cpus: typeof os.cpus };
  const original = nodeOs.cpus;
  nodeOs.cpus = () => {
    const cpus = original();
    while (cpus.length < 2 * threads) cpus.push(cpus[0]!);
    return cpus.slice(0, Math.max(2 * threads, 1));
  };
  try {
    return await init();
  } finally {
    nodeOs.cpus = original;
  }
}

/** Prepares the threaded build; returns the pthread worker file. Throws when a piece is missing. */
export function enableWasmThreads(threads: number, wasmDir: string | undefined): string {
  if (installed) return installed;
  const glue = findGlue(wasmDir);
  // A literal path, so that esbuild bundles the script text.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { wasmWorkerContents } =
    require('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js') as {
      wasmWorkerContents: string;
    };
  /* eslint-enable @typescript-eslint/no-require-imports */
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-tfjs-wasm-'));
  const workerFile = path.join(dir, 'tfjs-backend-wasm-threaded-simd.worker.js');
  const prelude = `URL.createObjectURL=()=>${JSON.stringify(glue)};URL.revokeObjectURL=()=>{};\n`;
  // As tfjs does for its blob: the template literal turned the script's "\n" escapes into newlines.
  fs.writeFileSync(workerFile, prelude + wasmWorkerContents.replace(/\n/g, '\\n'));
  const original = URL.createObjectURL.bind(URL);
  URL.createObjectURL = (object: Blob | unknown) =>
    object instanceof Blob && object.type === 'application/javascript'
      ? workerFile
      : original(object as Blob);
  // Loading the package registers its flags.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  wasm.setThreadsCount(threads);
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  installed = workerFile;
  return workerFile;
}

/** Ends the wasm backend's pthread workers and the kernels' threads so that a command-line process can exit. */
export function stopWasmThreads(): void {
  stopKernels();
  if (tf.getBackend() !== 'wasm') return;
  const module = (tf.backend() as unknown as { wasm?: { PThread?: { terminateAllThreads?: () => void } } })
    .wasm;
  module?.PThread?.terminateAllThreads?.();
}
