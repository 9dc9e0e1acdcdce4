// Compiles the encoder's WebAssembly SIMD kernels (src/core/inference/kernels/assembly/encoder.ts,
// AssemblyScript) into `<outDir>/mg-kernels.wasm` with the assemblyscript compiler from npm.
// Used by esbuild.config.mjs; `node scripts/build-kernels.mjs [outDir]` alone also works.
import asc from 'assemblyscript/asc';

export const KERNELS_SOURCE = 'src/core/inference/kernels/assembly/encoder.ts';

export async function buildKernels(outDir = 'dist/wasm') {
  const { error, stderr } = await asc.main([
    KERNELS_SOURCE,
    '--outFile',
    `${outDir}/mg-kernels.wasm`,
    '-O3',
    '--noAssert',
    '--runtime',
    'stub',
    '--enable',
    'simd',
    '--enable',
    'threads',
    // One memory shared by the instances of every thread (src/core/inference/kernels/engine.ts).
    '--importMemory',
    '--sharedMemory',
    '--initialMemory',
    '1',
    '--maximumMemory',
    '65536',
    '--disableWarning',
    '201',
  ]);
  if (error) throw new Error(`AssemblyScript could not compile ${KERNELS_SOURCE}:\n${stderr.toString()}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await buildKernels(process.argv[2]);
