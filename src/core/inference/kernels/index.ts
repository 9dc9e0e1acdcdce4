// The process-wide WebAssembly kernel engine (engine.ts): started by initBackend with the wasm backend,
// used by the encoder models created while it is active (model.ts), stopped with stopWasmThreads.
import { KernelEngine, findKernels, KERNELS_FILE } from './engine';

export { KernelEngine, KERNELS_FILE, findKernels } from './engine';
export { KernelLayers, kernelUnsupported } from './layers';

let engine: KernelEngine | undefined;
let active = false;

/**
 * Starts the kernels (once per process; a later call reuses the running engine and its thread count)
 * and makes them active. Throws with the reason when they cannot run here.
 */
export function startKernels(dirs: readonly (string | undefined)[], threads: number): KernelEngine {
  if (!engine || engine.stoppedAlready) {
    const file = findKernels(dirs);
    if (!file) throw new Error(`${KERNELS_FILE} is missing (the build compiles it into dist/wasm)`);
    engine = KernelEngine.load(file, threads);
  }
  active = true;
  return engine;
}

/** Whether models created from now on use the kernels (only with the wasm backend). */
export function setKernelsActive(on: boolean): void {
  active = on && !!engine && !engine.stoppedAlready;
}

/** The engine new models should use, if any. */
export function activeKernels(): KernelEngine | undefined {
  return active && engine && !engine.stoppedAlready ? engine : undefined;
}

/** Ends the kernels' worker threads (models that used them can no longer run). */
export function stopKernels(): void {
  engine?.stop();
  engine = undefined;
  active = false;
}
