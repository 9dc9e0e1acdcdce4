// The installed-native-backend path without a network: a stand-in @tensorflow/tfjs-node (it registers a
// "tensorflow" backend with tf.registerBackend, as tfjs-node does, computing with the CPU kernels) is packed with
// `npm pack`, installed by installNative with `--offline` into a temporary prefix, found there by the backend
// loader in the inference worker thread, and runs a model.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CancelledError,
  EncoderModel,
  InferenceClient,
  NativeInstallError,
  bertConfig,
  initBackend,
  installNative,
  locateNative,
  syntheticWeights,
} from '../../src/core/inference';
import { skipBecause } from '../fixtures';
import { asksForTfjsNode, tfjsNodePackument, writeStandInTfjsNode } from '../support/standInTfjsNode';

const tiny = bertConfig({
  vocabSize: 50,
  hiddenSize: 16,
  numLayers: 2,
  numHeads: 2,
  intermediateSize: 32,
  maxPositionEmbeddings: 16,
});

describe('inference: installed native backend (stand-in tfjs-node, no network)', function () {
  let tmp: string;
  let tarball: string;
  let prefix: string;
  let client: InferenceClient | undefined;

  before(function () {
    try {
      execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['--version'], { stdio: 'ignore' });
    } catch {
      skipBecause(this, 'npm is not on PATH');
    }
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-native-'));
    writeStandInTfjsNode(path.join(tmp, 'standin'), { version: '4.22.0-standin' });
    const out = execFileSync('npm', ['pack', path.join(tmp, 'standin'), '--pack-destination', tmp], {
      stdio: ['ignore', 'pipe', 'ignore'],
      cwd: tmp,
      encoding: 'utf8',
    });
    tarball = path.join(tmp, out.trim().split('\n').at(-1)!);
    prefix = path.join(tmp, 'global-storage', 'native-backend');
  });

  after(async function () {
    await client?.dispose();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('installNative installs the package into the prefix with npm, streaming its output', async function () {
    const seen: string[] = [];
    const { dir, log } = await installNative({
      prefix,
      spec: tarball,
      extraArgs: ['--offline'],
      onOutput: (text) => seen.push(text),
    });
    assert.equal(dir, path.join(prefix, 'node_modules', '@tensorflow', 'tfjs-node'));
    assert.equal(
      JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version,
      '4.22.0-standin',
    );
    assert.match(log, /^\$ npm install --prefix .* --offline .*\.tgz\n/);
    assert.ok(seen.join('').length > 0);
  });

  it('locateNative finds it in the prefix and says why earlier paths were passed over', function () {
    const empty = path.join(tmp, 'nothing-here');
    const { found, skipped } = locateNative([empty, prefix]);
    assert.equal(found?.dir, path.join(prefix, 'node_modules', '@tensorflow', 'tfjs-node'));
    assert.equal(found?.version, '4.22.0-standin');
    assert.deepEqual(skipped, [`not installed in ${empty}`]);
    assert.equal(locateNative([found!.dir]).found?.dir, found!.dir, 'the package folder itself');
  });

  it('the worker loads it from the prefix, names it, and runs a model on it as on cpu', async function () {
    client = new InferenceClient({ backend: 'tensorflow', nativePaths: [path.join(tmp, 'none'), prefix] });
    const backend = await client.backend();
    assert.equal(backend.name, 'tensorflow');
    assert.deepEqual(backend.fallbacks, []);
    assert.match(backend.label, /tfjs-node 4\.22\.0-standin, .*native-backend/);
    const info = await client.load({ kind: 'synthetic', config: tiny, seed: 4 });
    const input = { batch: 1, seqLength: 4, inputIds: Int32Array.from([2, 9, 17, 3]) };
    const native = await client.run(info.key, input);
    await initBackend('cpu');
    const model = new EncoderModel(syntheticWeights(tiny, { seed: 4 }));
    try {
      const cpu = await model.run(input);
      assert.deepEqual(Array.from(native.sequence), Array.from(cpu.sequence));
    } finally {
      model.dispose();
    }
  });

  it('when nothing is installed, auto falls back and says where it looked and what to run', async function () {
    const empty = path.join(tmp, 'empty-storage');
    const other = new InferenceClient({ backend: 'auto', nativePaths: [empty] });
    try {
      const backend = await other.backend();
      assert.notEqual(backend.name, 'tensorflow');
      assert.match(
        backend.fallbacks[0] ?? '',
        /^tensorflow: .*not installed.*empty-storage.*Install Native Backend/,
      );
    } finally {
      await other.dispose();
    }
  });

  it('a failed install rejects with npm exit code and its log', async function () {
    const missing = path.join(tmp, 'no-such-package.tgz');
    await assert.rejects(
      installNative({ prefix: path.join(tmp, 'failed'), spec: missing, extraArgs: ['--offline'] }),
      (error: unknown) =>
        error instanceof NativeInstallError &&
        error.exitCode !== 0 &&
        error.log.includes('no-such-package.tgz') &&
        /npm install failed/.test(error.message),
    );
  });

  it('cancel stops the real npm within seconds while it downloads (one signal only starts a graceful exit)', async function () {
    this.timeout(120_000);
    // A registry whose tarball starts and never ends: npm is mid-download when the install is cancelled.
    let started = false;
    let closed = false;
    const server = http.createServer((req, res) => {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      if (asksForTfjsNode(req.url)) {
        res.setHeader('content-type', 'application/json');
        res.end(tfjsNodePackument(`${base}/never.tgz`));
      } else if (req.url === '/never.tgz') {
        started = true;
        res.writeHead(200, { 'content-length': '1000000' });
        res.write(Buffer.alloc(1000));
        res.once('close', () => (closed = true));
      } else {
        res.statusCode = 404;
        res.end('{}');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    fs.writeFileSync(path.join(tmp, 'empty-npmrc'), '');
    const saved = { ...process.env };
    Object.assign(process.env, {
      npm_config_registry: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
      npm_config_userconfig: path.join(tmp, 'empty-npmrc'),
      npm_config_cache: path.join(tmp, 'npm-cache'),
      npm_config_fetch_retries: '0',
    });
    try {
      const controller = new AbortController();
      const pending = installNative({
        prefix: path.join(tmp, 'cancelled-download'),
        signal: controller.signal,
      });
      for (let i = 0; i < 600 && !started; i++) await new Promise((r) => setTimeout(r, 100));
      assert.ok(started, 'npm did not start the download');
      const cancelledAt = Date.now();
      controller.abort();
      await assert.rejects(pending, CancelledError);
      assert.ok(Date.now() - cancelledAt < 4_000, `cancel took ${Date.now() - cancelledAt} ms`);
      for (let i = 0; i < 50 && !closed; i++) await new Promise((r) => setTimeout(r, 100));
      assert.ok(closed, 'npm is still downloading');
    } finally {
      for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
      Object.assign(process.env, saved);
      server.closeAllConnections();
      server.close();
    }
  });

  it('cancel stops npm and what it started', async function () {
    // A stand-in npm that never finishes by itself.
    const script = path.join(tmp, 'slow-npm.js');
    fs.writeFileSync(script, 'console.log("installing"); setInterval(() => {}, 1000);\n');
    const controller = new AbortController();
    const started = Date.now();
    const pending = installNative({
      prefix: path.join(tmp, 'cancelled'),
      npm: { file: process.execPath, args: [script] },
      signal: controller.signal,
      onOutput: () => controller.abort(),
    });
    await assert.rejects(pending, CancelledError);
    assert.ok(Date.now() - started < 60_000);
  });
});
