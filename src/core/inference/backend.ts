// Chooses the TensorFlow.js backend: tfjs-node when it loads (optional dependency), else wasm (SIMD
// when the runtime validates it), else the plain JavaScript CPU backend. A backend asked for by name
// that cannot start is an error (BackendUnavailableError), never a silent downgrade; with `auto`, a
// fallback that is not the expected absence of the optional tfjs-node is reported in `warning`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { activeKernels, setKernelsActive, startKernels } from './kernels';
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
  /** The encoder layers run on the project's own WebAssembly SIMD kernels (with the wasm backend). */
  readonly kernels: boolean;
  /** Why a preferred backend was not used. */
  readonly fallbacks: readonly string[];
  /**
   * Set when `auto` ended on a slower backend than it should have (wasm missing or broken, tfjs-node
   * installed but failing): a sentence with the reason, for a visible warning. Not set when only the
   * optional tfjs-node is absent.
   */
  readonly warning?: string;
}

/** A backend requested by name (not `auto`) could not start; the message says why. */
export class BackendUnavailableError extends Error {
  override readonly name = 'BackendUnavailableError';
  constructor(
    readonly backend: BackendName,
    readonly reason: string,
  ) {
    super(
      `The "${backend}" backend could not start: ${reason}. ` +
        `Use --backend auto (setting modelGarden.inference.backend: "auto") to fall back to another backend.`,
    );
  }
}

/** How each backend is made available; replaceable in tests. Each throws when unavailable. */
export interface BackendLoaders {
  /** `searchPaths`: folders that may hold an installed tfjs-node (nativeBackend.ts). */
  tensorflow(searchPaths: readonly string[]): void;
  wasm(wasmDir: string | undefined, threads: number): void;
  /** The project's WebAssembly kernels (kernels/), started beside the wasm backend. */
  kernels(wasmDir: string | undefined, threads: number): void;
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
  /**
   * With the wasm backend, run the encoder layers on the project's WebAssembly kernels (default true;
   * false keeps every op on tfjs-backend-wasm). They use the same number of threads.
   */
  readonly kernels?: boolean;
}

export const defaultLoaders: BackendLoaders = {
  tensorflow(searchPaths) {
    // Optional: absent unless the user installed it; it registers the "tensorflow" backend.
    loadNative(searchPaths);
  },
  wasm(wasmDir, threads) {
    const dir = wasmDir ?? bundledWasmDir() ?? packageWasmDir();
    if (!dir) {
      throw new Error(
        `the WebAssembly binaries are missing (no ${path.join(__dirname, 'wasm')} folder with ${WASM_FILES.join(', ')})`,
      );
    }
    const needed = threads > 1 ? [...WASM_FILES, 'tfjs-backend-wasm-threaded-simd.wasm'] : WASM_FILES;
    const missing = needed.filter((file) => !fs.existsSync(path.join(dir, file)));
    if (missing.length) {
      throw new Error(`the WebAssembly binaries are missing from ${dir}: ${missing.join(', ')}`);
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(dir.endsWith(path.sep) ? dir : dir + path.sep);
    if (threads > 1) enableWasmThreads(threads, dir);
  },
  kernels(wasmDir, threads) {
    startKernels([wasmDir, bundledWasmDir()], threads);
  },
  cpu() {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('@tensorflow/tfjs-backend-cpu');
  },
};

/** The binaries tfjs-backend-wasm loads (SIMD or not, depending on the runtime). */
const WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm'] as const;

/** The bundled `.wasm` folder next to the running script (dist/wasm), when present. */
export function bundledWasmDir(): string | undefined {
  const dir = path.join(__dirname, 'wasm');
  return fs.existsSync(dir) ? dir : undefined;
}

/** The installed package's own `dist/` (running from the sources or a checkout's bundle). */
function packageWasmDir(): string | undefined {
  try {
    return path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
  } catch {
    return undefined;
  }
}

/** A fallback that `auto` expects: the optional tfjs-node is simply not installed. */
function isOptionalAbsence(name: BackendName, error: unknown): boolean {
  if (name !== 'tensorflow') return false;
  const code = (error as { code?: unknown } | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return code === 'MODULE_NOT_FOUND' || /Cannot find module '@tensorflow\/tfjs-node'/.test(message);
}

/** Runs `fn` with tfjs' own warnings (silenced in production mode) collected instead of printed. */
async function collectWarnings<T>(fn: () => Promise<T>): Promise<{ value: T; warnings: string[] }> {
  const warnings: string[] = [];
  const original = console.warn;
  const prod = tf.env().getBool('PROD');
  tf.env().set('PROD', false);
  console.warn = (...args: unknown[]) => {
    warnings.push(args.map((a) => (a instanceof Error ? a.message : String(a))).join(' '));
  };
  try {
    return { value: await fn(), warnings };
  } finally {
    console.warn = original;
    tf.env().set('PROD', prod);
  }
}

let current: BackendChoice | undefined;

/** Initializes (once per preference) and activates a backend; never throws while cpu works. */
export async function initBackend(
  requested: BackendPreference = 'auto',
  options: BackendOptions = {},
): Promise<BackendChoice> {
  const cached =
    !options.loaders && !options.wasmDir && !options.nativePaths && options.kernels === undefined;
  if (cached && current && current.requested === requested && tf.getBackend() === current.name) {
    setKernelsActive(current.kernels);
    return current;
  }
  // Production mode: no debug checks, and no console advice to install tfjs-node on every start.
  tf.enableProdMode();
  const loaders = { ...defaultLoaders, ...options.loaders };
  const order: BackendName[] = requested === 'auto' ? ['tensorflow', 'wasm', 'cpu'] : [requested];
  const fallbacks: string[] = [];
  const unexpected: string[] = [];
  for (const name of order) {
    try {
      const threads = name === 'wasm' ? Math.max(1, Math.floor(options.threads ?? 1)) : 1;
      if (name === 'wasm') loaders.wasm(options.wasmDir ?? bundledWasmDir(), threads);
      else if (name === 'tensorflow') loaders.tensorflow(options.nativePaths ?? []);
      else loaders[name]();
      if (!tf.findBackendFactory(name)) throw new Error(`backend "${name}" did not register`);
      const { value: started, warnings } = await collectWarnings(() =>
        withCoreCount(threads, async () => {
          const ok = await tf.setBackend(name);
          await tf.ready();
          return ok;
        }),
      );
      if (!started) {
        const why = warnings.find((w) => !/^Initialization of backend/.test(w));
        throw new Error(`backend "${name}" failed to initialize${why ? `: ${why}` : ''}`);
      }
      let kernels = false;
      setKernelsActive(false);
      if (name === 'wasm' && options.kernels !== false) {
        try {
          loaders.kernels(options.wasmDir, threads);
          kernels = activeKernels() !== undefined;
        } catch (error) {
          // tfjs-backend-wasm alone still runs every op, slower.
          fallbacks.push(`WebAssembly kernels: ${firstLine(error)}`);
          unexpected.push(`the WebAssembly kernels could not start (${firstLine(error)})`);
        }
      }
      const warning = unexpected.length ? `Running on ${name} because ${unexpected.join('; ')}.` : undefined;
      const label = await describe(name);
      const choice: BackendChoice = {
        name,
        requested,
        label: kernels ? label.replace(/\)$/, ', own kernels)') : label,
        kernels,
        fallbacks,
        ...(warning ? { warning } : {}),
      };
      if (cached) current = choice;
      return choice;
    } catch (error) {
      // Asked for by name: no quiet downgrade.
      if (requested !== 'auto') throw new BackendUnavailableError(name, firstLine(error));
      fallbacks.push(`${name}: ${firstLine(error)}`);
      if (!isOptionalAbsence(name, error)) unexpected.push(`${name} could not start (${firstLine(error)})`);
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
