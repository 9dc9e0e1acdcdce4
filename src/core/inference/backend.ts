// Chooses the TensorFlow.js backend: tfjs-node when it loads (optional dependency), else wasm (SIMD
// when the runtime validates it), else the plain JavaScript CPU backend.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { loadedNative, loadNative } from './nativeBackend';
import { enableWasmThreads, withCoreCount } from './wasmThreads';

import type { BackendName, BackendPreference } from './preferences';

export {
  BACKEND_PREFERENCES,
  isBackendPreference,
  type BackendName,
  type BackendPreference,
} from './preferences';

export interface BackendChoice {
  readonly name: BackendName;
  readonly requested: BackendPreference;
  /** A short human description, e.g. "wasm (SIMD, 1 thread)". */
  readonly label: string;
  /** Why a preferred backend was not used. */
  readonly fallbacks: readonly string[];
}

/** How each backend is made available; replaceable in tests. Each throws when unavailable. */
export interface BackendLoaders {
  /** `searchPaths`: folders that may hold an installed tfjs-node (nativeBackend.ts). */
  tensorflow(searchPaths: readonly string[]): void;
  wasm(wasmDir: string | undefined, threads: number): void;
  cpu(): void;
}

export interface BackendOptions {
  /** Folder holding the tfjs-backend-wasm `.wasm` files (the bundle's `dist/wasm/`). */
  readonly wasmDir?: string;
  readonly loaders?: Partial<BackendLoaders>;
  /**
   * Threads for the wasm backend (default 1). More than one starts Emscripten pthread workers that
   * keep the process alive: use it in a worker or a process that is terminated when done.
   */
  readonly threads?: number;
  /** Where an installed @tensorflow/tfjs-node may be: npm prefixes or the package folder (nativeBackend.ts). */
  readonly nativePaths?: readonly string[];
}

export const defaultLoaders: BackendLoaders = {
  tensorflow(searchPaths) {
    // Optional: absent unless the user installed it; it registers the "tensorflow" backend.
    loadNative(searchPaths);
  },
  wasm(wasmDir, threads) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
    if (wasmDir) wasm.setWasmPaths(wasmDir.endsWith(path.sep) ? wasmDir : wasmDir + path.sep);
    if (threads > 1) enableWasmThreads(threads, wasmDir);
  },
  cpu() {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('@tensorflow/tfjs-backend-cpu');
  },
};

/** The bundled `.wasm` folder next to the running script (dist/wasm), when present. */
export function bundledWasmDir(): string | undefined {
  const dir = path.join(__dirname, 'wasm');
  return fs.existsSync(path.join(dir, 'tfjs-backend-wasm-simd.wasm')) ? dir : undefined;
}

let current: BackendChoice | undefined;

/** Initializes (once per preference) and activates a backend; never throws while cpu works. */
export async function initBackend(
  requested: BackendPreference = 'auto',
  options: BackendOptions = {},
): Promise<BackendChoice> {
  const cached = !options.loaders && !options.wasmDir && !options.nativePaths;
  if (cached && current && current.requested === requested && tf.getBackend() === current.name)
    return current;
  // Production mode: no debug checks, and no console advice to install tfjs-node on every start.
  tf.enableProdMode();
  const loaders = { ...defaultLoaders, ...options.loaders };
  const order: BackendName[] =
    requested === 'auto' || requested === 'tensorflow'
      ? ['tensorflow', 'wasm', 'cpu']
      : requested === 'wasm'
        ? ['wasm', 'cpu']
        : ['cpu'];
  const fallbacks: string[] = [];
  for (const name of order) {
    try {
      const threads = name === 'wasm' ? Math.max(1, Math.floor(options.threads ?? 1)) : 1;
      if (name === 'wasm') loaders.wasm(options.wasmDir ?? bundledWasmDir(), threads);
      else if (name === 'tensorflow') loaders.tensorflow(options.nativePaths ?? []);
      else loaders[name]();
      if (!tf.findBackendFactory(name)) throw new Error(`backend "${name}" did not register`);
      const started = await withCoreCount(threads, async () => {
        const ok = await tf.setBackend(name);
        await tf.ready();
        return ok;
      });
      if (!started) throw new Error(`backend "${name}" failed to initialize`);
      const choice = { name, requested, label: await describe(name), fallbacks };
      if (cached) current = choice;
      return choice;
    } catch (error) {
      fallbacks.push(`${name}: ${firstLine(error)}`);
    }
  }
  throw new Error(`No TensorFlow.js backend could start (${fallbacks.join('; ')})`);
}

async function describe(name: BackendName): Promise<string> {
  if (name === 'tensorflow') {
    const native = loadedNative();
    return native ? `tensorflow (tfjs-node ${native.version}, ${native.dir})` : 'tensorflow (tfjs-node)';
  }
  if (name !== 'wasm') return 'cpu (JavaScript)';
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  type WasmModule = typeof import('@tensorflow/tfjs-backend-wasm');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const wasm = require('@tensorflow/tfjs-backend-wasm') as WasmModule;
  const threads = wasm.getThreadsCount();
  return `wasm (${simd ? 'SIMD' : 'no SIMD'}, ${threads} thread${threads === 1 ? '' : 's'})`;
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]!.slice(0, 200);
}
