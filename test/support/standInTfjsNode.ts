// A stand-in @tensorflow/tfjs-node for tests of the native-backend install and load path, without a
// network or libtensorflow: a package that registers a "tensorflow" backend with tf.registerBackend as
// tfjs-node does (computing with the CPU kernels), and the registry document npm reads for it.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const TFJS_NODE = '@tensorflow/tfjs-node';

/**
 * Writes the stand-in package into DIR. With `mark`, each load appends `main` or `worker` to that file,
 * so a test can tell which thread loaded it.
 */
export function writeStandInTfjsNode(dir: string, options: { version: string; mark?: string }): void {
  fs.mkdirSync(dir, { recursive: true });
  const core = path.dirname(require.resolve('@tensorflow/tfjs-core/package.json'));
  const cpu = path.dirname(require.resolve('@tensorflow/tfjs-backend-cpu/package.json'));
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: TFJS_NODE, version: options.version, main: 'index.js', description: 'stand-in' }),
  );
  const lines = [
    `const tf = require(${JSON.stringify(core)});`,
    `const { MathBackendCPU } = require(${JSON.stringify(cpu)});`,
    `tf.registerBackend('tensorflow', () => new MathBackendCPU(), 3);`,
    `for (const k of tf.getKernelsForBackend('cpu')) tf.registerKernel({ ...k, backendName: 'tensorflow' });`,
  ];
  if (options.mark) {
    lines.push(
      `const { isMainThread } = require('node:worker_threads');`,
      `require('node:fs').appendFileSync(${JSON.stringify(options.mark)}, isMainThread ? 'main\\n' : 'worker\\n');`,
    );
  }
  lines.push(`module.exports = { version: { 'tfjs-node': ${JSON.stringify(options.version)} } };`, '');
  fs.writeFileSync(path.join(dir, 'index.js'), lines.join('\n'));
}

/** Whether a registry request asks for tfjs-node's document (npm escapes the scope's slash). */
export function asksForTfjsNode(url: string | undefined): boolean {
  return url?.toLowerCase() === '/@tensorflow%2ftfjs-node';
}

/**
 * The registry document of @tensorflow/tfjs-node 4.22.0 whose tarball is at `tarballUrl`; with the
 * tarball's bytes its checksums are real, without them (a tarball that never finishes) they are zeros.
 */
export function tfjsNodePackument(tarballUrl: string, tarball?: Buffer): string {
  const dist = tarball
    ? {
        tarball: tarballUrl,
        shasum: crypto.createHash('sha1').update(tarball).digest('hex'),
        integrity: `sha512-${crypto.createHash('sha512').update(tarball).digest('base64')}`,
      }
    : { tarball: tarballUrl, shasum: '0'.repeat(40) };
  return JSON.stringify({
    name: TFJS_NODE,
    'dist-tags': { latest: '4.22.0' },
    versions: { '4.22.0': { name: TFJS_NODE, version: '4.22.0', main: 'index.js', dist } },
  });
}
