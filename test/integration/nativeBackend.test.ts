// "Model Garden: Install Native Backend" in the real extension host, without a network: npm is pointed (through
// its own npm_config_* environment, as a user's .npmrc would) at a registry served by this test on 127.0.0.1 that
// offers a stand-in @tensorflow/tfjs-node 4.22.0. The stand-in registers a "tensorflow" backend with
// tf.registerBackend as tfjs-node does (computing with the CPU kernels) and records which thread loaded it. The
// command installs it into the extension's global storage; the inference worker must find it there and run the
// tiny BERT on it, the panel and the status bar naming it; before that, they say why it was skipped.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { NativeInstallOutcome } from '../../src/vscode/inference/nativeBackend';
import type { PanelState } from '../../src/webview/inference/protocol';
import { fixture, skipBecause } from '../fixtures';
import { referenceForward, referenceMaskedLm } from '../support/referenceEncoder';
import {
  asksForTfjsNode,
  TFJS_NODE,
  tfjsNodePackument,
  writeStandInTfjsNode,
} from '../support/standInTfjsNode';
import { readTinyBert } from '../support/tinyBert';
import { selectText } from './editor';
import { activateExtension } from './extension';

const TEXT = 'all work and [MASK] play makes jack a dull boy';
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** A registry with one package: its packument and tarball; `broken` answers 404 to everything. */
function serveRegistry(
  tarball: Buffer,
): Promise<{ url: string; requests: string[]; state: { broken: boolean }; close(): void }> {
  const requests: string[] = [];
  const state = { broken: false };
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    if (!state.broken && asksForTfjsNode(req.url)) {
      res.setHeader('content-type', 'application/json');
      res.end(tfjsNodePackument(`${base}/standin.tgz`, tarball));
    } else if (!state.broken && req.url === '/standin.tgz') {
      res.setHeader('content-type', 'application/octet-stream');
      res.end(tarball);
    } else {
      res.statusCode = 404;
      res.setHeader('content-type', 'application/json');
      res.end('{"error":"not found"}');
    }
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
        requests,
        state,
        close: () => server.close(),
      }),
    ),
  );
}

describe('Install Native Backend (local registry, stand-in tfjs-node)', function () {
  let tmp: string;
  let checkpoint: string;
  let prefix: string;
  let mark: string;
  let registry: Awaited<ReturnType<typeof serveRegistry>> | undefined;
  const savedEnv = new Map<string, string | undefined>();
  const setEnv = (name: string, value: string) => {
    if (!savedEnv.has(name)) savedEnv.set(name, process.env[name]);
    process.env[name] = value;
  };
  const config = () => vscode.workspace.getConfiguration('modelGarden.inference');

  const run = async (): Promise<PanelState> => {
    await selectText(TEXT);
    const state = await vscode.commands.executeCommand<PanelState>('modelGarden.inference.runOnSelection', {
      checkpoint,
    });
    assert.ok(state, 'the command returned no state');
    assert.equal(state.error, undefined, state.error);
    return state;
  };
  const install = async (): Promise<NativeInstallOutcome> =>
    vscode.commands.executeCommand<NativeInstallOutcome>('modelGarden.inference.installNativeBackend');
  /** Waits until the worker was restarted (the status bar entry is cleared until it reports again). */
  const restarted = async () => {
    const api = await activateExtension();
    for (let i = 0; i < 100 && api.inference.backendStatus() !== undefined; i++)
      await new Promise((r) => setTimeout(r, 50));
    assert.equal(api.inference.backendStatus(), undefined, 'the worker was not restarted');
  };

  before(async function () {
    this.timeout(120_000);
    checkpoint = fixture(this, 'kerasbert_tiny_bert_tf1');
    try {
      execFileSync(NPM, ['--version'], { stdio: 'ignore', shell: process.platform === 'win32' });
    } catch {
      skipBecause(this, 'npm is not on the PATH of the extension host');
    }
    const api = await activateExtension();
    prefix = api.inference.nativeBackendPaths().at(-1)!;
    assert.match(prefix, /native-backend$/);
    if (fs.existsSync(path.join(prefix, 'node_modules', ...TFJS_NODE.split('/'))))
      throw new Error(`${TFJS_NODE} is already installed in ${prefix}: the test needs a fresh profile`);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-native-it-'));
    mark = path.join(tmp, 'loaded-in.txt');
    writeStandInTfjsNode(path.join(tmp, 'standin'), { version: '4.22.0', mark });
    const packed = execFileSync(NPM, ['pack', path.join(tmp, 'standin'), '--pack-destination', tmp], {
      cwd: tmp,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      shell: process.platform === 'win32',
    });
    registry = await serveRegistry(fs.readFileSync(path.join(tmp, packed.trim().split('\n').at(-1)!)));
    // npm reads these as it reads a user's .npmrc; the extension host's environment is what npm inherits.
    fs.writeFileSync(path.join(tmp, 'npmrc'), '');
    setEnv('npm_config_registry', registry.url);
    setEnv('npm_config_userconfig', path.join(tmp, 'npmrc'));
    setEnv('npm_config_cache', path.join(tmp, 'npm-cache'));
    setEnv('npm_config_noproxy', '127.0.0.1');
  });

  after(async function () {
    this.timeout(60_000);
    for (const [name, value] of savedEnv) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    registry?.close();
    // Leave no native backend behind for later suites: remove it and restart the worker.
    if (prefix) fs.rmSync(prefix, { recursive: true, force: true });
    if (tmp) {
      await config().update('nativeBackendPath', tmp, vscode.ConfigurationTarget.Global);
      await config().update('nativeBackendPath', undefined, vscode.ConfigurationTarget.Global);
      fs.rmSync(tmp, { recursive: true, force: true });
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('before an install, auto runs without it and the panel and status bar say why tensorflow was skipped', async function () {
    const api = await activateExtension();
    // Earlier suites may have started the worker: make it search again.
    await config().update('nativeBackendPath', tmp, vscode.ConfigurationTarget.Global);
    await restarted();
    await config().update('nativeBackendPath', undefined, vscode.ConfigurationTarget.Global);
    await restarted();
    const state = await run();
    assert.doesNotMatch(state.model!.backend, /^tensorflow/);
    assert.equal(state.model!.backendWarning, undefined, 'an absent optional backend is not a warning');
    const why = new RegExp(
      `^Skipped tensorflow: .*not installed in ${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*Install Native Backend`,
    );
    assert.match(state.model!.backendSkipped ?? '', why);
    const status = api.inference.backendStatus();
    assert.equal(status?.text, `$(pulse) TF.js: ${state.model!.backend}`);
    assert.equal(status?.tooltip.split('\n')[1], state.model!.backendSkipped);
  });

  it('a failing install ends with npm’s error and log, installs nothing and keeps the worker', async function () {
    this.timeout(180_000);
    const api = await activateExtension();
    const before = api.inference.backendStatus();
    registry!.state.broken = true;
    let outcome: NativeInstallOutcome;
    try {
      outcome = await install();
    } finally {
      registry!.state.broken = false;
    }
    assert.equal(outcome.outcome, 'failed', outcome.log);
    assert.match(outcome.message ?? '', /^npm install failed \(exit code [1-9]\d*\)/);
    assert.match(outcome.log, /404/);
    assert.match(outcome.log, /tfjs-node/);
    assert.ok(
      registry!.requests.some((r) => r.toLowerCase() === 'get /@tensorflow%2ftfjs-node'),
      'npm asked the local registry',
    );
    assert.ok(!fs.existsSync(path.join(prefix, 'node_modules', ...TFJS_NODE.split('/'))));
    assert.deepEqual(api.inference.backendStatus(), before, 'the worker was not restarted');
  });

  it('installs into global storage; the worker thread loads it there and the panel and status bar name it', async function () {
    this.timeout(300_000);
    const api = await activateExtension();
    const outcome = await install();
    assert.equal(outcome.outcome, 'installed', outcome.message ?? outcome.log);
    const dir = path.join(prefix, 'node_modules', ...TFJS_NODE.split('/'));
    assert.equal(JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).description, 'stand-in');
    assert.ok(
      registry!.requests.includes('GET /standin.tgz'),
      'npm downloaded the tarball from the local registry',
    );
    await restarted();

    const state = await run();
    assert.equal(state.model!.backend, `tensorflow (tfjs-node 4.22.0, ${dir})`);
    assert.equal(state.model!.backendWarning, undefined);
    assert.equal(state.model!.backendSkipped, undefined);
    assert.deepEqual(api.inference.backendStatus(), {
      text: `$(pulse) TF.js: ${state.model!.backend}`,
      tooltip: `Model Garden inference runs on ${state.model!.backend} (setting modelGarden.inference.backend).`,
      warning: false,
    });
    assert.deepEqual(fs.readFileSync(mark, 'utf8').split('\n').filter(Boolean), ['worker']);
    // It computed the model: the fill-mask probabilities of the float64 reference.
    const { weights } = readTinyBert(checkpoint);
    const ids = state.tokens!.map((t) => t.id);
    const logits = referenceMaskedLm(weights, referenceForward(weights, { ids }).sequence[4]!);
    const max = Math.max(...logits);
    const exps = logits.map((l) => Math.exp(l - max));
    const total = exps.reduce((a, b) => a + b, 0);
    for (const c of state.fillMask![0]!.candidates)
      assert.ok(
        Math.abs(c.prob - exps[c.id]! / total) < 1e-5,
        `${c.token}: ${c.prob} vs ${exps[c.id]! / total}`,
      );
  });
});
