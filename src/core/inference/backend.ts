// Chooses the TensorFlow.js backend: tfjs-node when it loads (optional dependency), else wasm (SIMD
// when the runtime validates it), else the plain JavaScript CPU backend.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';

export const BACKEND_PREFERENCES = ['auto', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendPreference = (typeof BACKEND_PREFERENCES)[number];
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

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
  tensorflow(): void;
  wasm(wasmDir: string | undefined): void;
  cpu(): void;
}

export interface BackendOptions {
  /** Folder holding the tfjs-backend-wasm `.wasm` files (the bundle's `dist/wasm/`). */
  readonly wasmDir?: string;
  readonly loaders?: Partial<BackendLoaders>;
}

export const defaultLoaders: BackendLoaders = {
  tensorflow() {
    // Optional: absent unless the user installed it; it registers the "tensorflow" backend.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('@tensorflow/tfjs-node');
  },
  wasm(wasmDir) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
    if (wasmDir) wasm.setWasmPaths(wasmDir.endsWith(path.sep) ? wasmDir : wasmDir + path.sep);
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

export function isBackendPreference(value: string): value is BackendPreference {
  return (BACKEND_PREFERENCES as readonly string[]).includes(value);
}

let current: BackendChoice | undefined;

/** Initializes (once per preference) and activates a backend; never throws while cpu works. */
export async function initBackend(
  requested: BackendPreference = 'auto',
  options: BackendOptions = {},
): Promise<BackendChoice> {
  const cached = !options.loaders && !options.wasmDir;
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
      if (name === 'wasm') loaders.wasm(options.wasmDir ?? bundledWasmDir());
      else loaders[name]();
      if (!tf.findBackendFactory(name)) throw new Error(`backend "${name}" did not register`);
      if (!(await tf.setBackend(name))) throw new Error(`backend "${name}" failed to initialize`);
      await tf.ready();
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
  if (name !== 'wasm') return name === 'tensorflow' ? 'tensorflow (tfjs-node)' : 'cpu (JavaScript)';
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  const threads = (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) === true;
  return `wasm (${simd ? 'SIMD' : 'no SIMD'}, ${threads ? 'threads' : '1 thread'})`;
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]!.slice(0, 200);
}
